"""Mainland mobile numbers and the length of a text: what the outbox checks before it writes a text (the sweeps'
digests through ``core.notices.send_once``, a voter's single texts through ``core.outbox.queue_sms``)."""

import re

# Mainland mobile numbers: 11 digits starting 13–19. Landlines (0750-…) cannot receive texts.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

# Gateways split longer texts into several billed parts and some handsets show them out of order.
MAX_LENGTH = 300


def is_mobile(phone: str) -> bool:
    return bool(MOBILE_RE.match(phone or ""))
