"""A text to one voter's mobile phone, written to the notices outbox (``notices.py``) and delivered after commit.

The reminder sweeps go through ``notices.send_once`` (a ledger, digests per unit); a voter's own texts — the
tracking code of a message, the deputy's answer, a rating's confirmation code — are single events that happen
once by construction, so they need neither.
"""

import logging
import re

from django.db import transaction

from .models import OutgoingMessage

logger = logging.getLogger(__name__)

# Mainland mobile numbers: 11 digits starting 13–19. Landlines (0750-…) cannot receive texts.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

# Gateways split longer texts into several billed parts and some handsets show them out of order.
MAX_LENGTH = 300


def is_mobile(phone: str) -> bool:
    return bool(MOBILE_RE.match(phone or ""))


def queue_sms(*, to: str, text: str) -> OutgoingMessage | None:
    """Write one text to the outbox in the caller's transaction; nothing for a number that is not a mobile."""
    if not is_mobile(to):
        return None
    message = OutgoingMessage.objects.create(channel=OutgoingMessage.Channel.SMS, to=to, body=text[:MAX_LENGTH])
    transaction.on_commit(_deliver)
    return message


def _deliver():
    from .tasks import deliver_outbox

    try:
        deliver_outbox.delay()
    except Exception:  # noqa: BLE001 — a broker outage must not fail the voter's request; the periodic task sends it.
        logger.warning("could not queue outbox delivery; the periodic task will deliver", exc_info=True)
