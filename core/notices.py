"""Notices that go out once: the ledger and the in-app inbox, feeding the e-mail/SMS outbox (``core.outbox``).

A sweep builds ``Notice`` objects with stable keys (item, step, deadline). ``send_once`` claims the keys in
the ledger — a unique index decides which sweep owns a key when two overlap — and, in the same transaction,
writes inbox rows and outbox rows for the claimed ones only. So a second sweep, an overlapping one or a
retried one after a crash sends nothing twice. The outbox is delivered after commit; a crash between the
SMTP hand-off and marking the row sent can repeat that one e-mail, never a whole sweep.

Core knows no domain app: where a user's mobile number is kept is answered by ``phone_sources``, filled by the
app that keeps it (representatives: a deputy's record) from its ``AppConfig.ready()``.
"""

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NoticeRecord, Notification, OutgoingMessage
from .outbox import schedule_delivery
from .registry import Registry
from .sms import MAX_LENGTH, is_mobile
from .text import join_clauses, labelled

# How long a user's unread count is kept. Every write that changes it forgets it after commit, so the figure is
# exact unless rows are written by other means (the admin, a shell), which it then follows within this time.
UNREAD_COUNT_SECONDS = 600


def _unread_key(user_id: int) -> str:
    return f"inbox:unread:{user_id}"


def unread_count(user: Any) -> int:
    """The user's unread inbox rows, shown in every signed-in page's navigation bar.

    Kept in the cache: counting them was one query on every page, for a figure that changes only when a notice
    is written or read.
    """
    key = _unread_key(user.pk)
    kept = cache.get(key)
    if kept is not None:
        return int(kept)
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache.set(key, count, UNREAD_COUNT_SECONDS)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """After the current transaction commits (a request counting before then would keep the old figure), drop
    the kept unread counts of these users."""
    keys = [_unread_key(user_id) for user_id in set(user_ids)]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def _write_inbox(rows: list[Notification]) -> None:
    Notification.objects.bulk_create(rows, batch_size=2000)
    forget_unread_counts(row.recipient_id for row in rows)


# Each entry returns the phone number on file for a user, or "" when that app keeps none for them.
phone_sources: Registry[Callable[..., str]] = Registry("where a user's phone number is kept")


@dataclass
class Notice:
    """One item at one step, addressed to a digest (e.g. a unit) and possibly escalated to others."""

    key: str
    digest: str
    line: str
    users: list[Any] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    url: str = ""
    # What a text names of this item (number, shortened title, deadline) and where a digest of several items
    # leads (the recipient's list); a text has room for neither the full line nor one link per item.
    sms: str = ""
    digest_url: str = ""


def claim(keys: list[str]) -> set[str]:
    """Insert ledger rows for ``keys``; return the keys this call owns (the others were sent before)."""
    if not keys:
        return set()
    if connection.vendor == "postgresql":
        # One statement that inserts and reports what it inserted: building tens of thousands of model objects
        # for bulk_create and reading the owned keys back cost most of a province's sweep.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO representatives_noticerecord (key, sweep, created_at)"
                " SELECT claimed.key, %s, %s FROM unnest(%s::varchar[]) AS claimed(key)"
                " ON CONFLICT (key) DO NOTHING RETURNING key",
                [uuid.uuid4(), timezone.now(), keys],
            )
            return {row[0] for row in cursor.fetchall()}
    sweep = uuid.uuid4()
    NoticeRecord.objects.bulk_create(
        [NoticeRecord(key=key, sweep=sweep) for key in keys], ignore_conflicts=True, batch_size=2000
    )
    owned: set[str] = set()
    for start in range(0, len(keys), 2000):
        owned.update(
            NoticeRecord.objects.filter(sweep=sweep, key__in=keys[start : start + 2000]).values_list("key", flat=True)
        )
    return owned


def send_once(notices: list[Notice], *, subject: str) -> int:
    """Claim and write each notice once; one digest per recipient group per call. Returns notices sent."""
    with transaction.atomic():
        owned = claim([notice.key for notice in notices])
        fresh = [notice for notice in notices if notice.key in owned]
        by_digest: dict[str, list[Notice]] = defaultdict(list)
        for notice in fresh:
            by_digest[notice.digest].append(notice)
        inbox, outbox = [], []
        for digest_notices in by_digest.values():
            lines = "\n".join(f"· {notice.line}" for notice in digest_notices)
            url = digest_notices[0].url if len(digest_notices) == 1 else ""
            users = {user.pk: user for notice in digest_notices for user in notice.users}
            inbox += [Notification(recipient=user, title=subject, body=lines, url=url) for user in users.values()]
            emails = {email for notice in digest_notices for email in notice.emails if email}
            outbox += [OutgoingMessage(channel="email", to=email, subject=subject, body=lines) for email in emails]
            phones = {mobile for notice in digest_notices for mobile in map(mobile_number, notice.phones) if mobile}
            if phones:
                text = sms_text(subject, digest_notices)
                outbox += [OutgoingMessage(channel="sms", to=phone, body=text) for phone in phones]
        _write_inbox(inbox)
        OutgoingMessage.objects.bulk_create(outbox, batch_size=2000)
        if outbox:
            transaction.on_commit(schedule_delivery)
    return len(fresh)


# An item's line in a text: a full reminder line can run to a whole title.
ITEM_LENGTH = 60


def mobile_number(phone: str) -> str:
    """The mainland mobile number in ``phone`` (spaces, dashes and +86 dropped), or "" for a landline or none."""
    digits = re.sub(r"[\s\-()]", "", phone or "").removeprefix("+86")
    return digits if is_mobile(digits) else ""


def absolute_url(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def sms_text(subject: str, notices: list[Notice]) -> str:
    """One text for a digest: what (the subject), which and until when (each item's short line, as many as fit)
    and where (the item's page, or the recipient's list for several)."""
    link = notices[0].url if len(notices) == 1 else (notices[0].digest_url or notices[0].url)
    tail = _("详见 %(link)s") % {"link": absolute_url(link)} if link else ""
    head = _("%(subject)s（%(n)d件）：") % {"subject": subject, "n": len(notices)}
    lines: list[str] = []
    for notice in notices:
        rest = len(notices) - len(lines) - 1
        more = _("等%(n)d件") % {"n": len(notices)} if rest else ""
        item = (notice.sms or notice.line)[:ITEM_LENGTH]
        if lines and len(head) + len(join_clauses([*lines, item])) + len(more) + len(tail) + 2 > MAX_LENGTH:
            break
        lines.append(item)
    shown = join_clauses(lines)
    if len(lines) < len(notices):
        shown += _("等%(n)d件") % {"n": len(notices)}
    return f"{head}{shown}。{tail}"[:MAX_LENGTH]


def notify(users: Iterable[Any], *, title: str, body: str = "", url: str = "") -> None:
    """An immediate in-app notice (assignment, registration...): no ledger, it happens once by construction."""
    _write_inbox([Notification(recipient=u, title=title, body=body, url=url) for u in users])


def notify_event(users: Iterable[Any], *, key: str, title: str, body: str = "", url: str = "") -> int:
    """One event's notice to each of ``users``, once per (event, user) however often it is called: in-app always,
    and a text (to a mobile number on file) or an e-mail when the user asked for them. Written in the caller's
    transaction, so a refused transition sends nothing; the outbox is delivered after commit.
    Returns how many users were told."""
    users = {user.pk: user for user in users if user.is_active}
    owned = claim([f"{key}:to:{pk}" for pk in users])
    told = [user for pk, user in users.items() if f"{key}:to:{pk}" in owned]
    _write_inbox([Notification(recipient=u, title=title, body=body, url=url) for u in told])
    outbox = []
    for user in told:
        if getattr(user, "notify_by_email", False) and user.email:
            text = "\n".join(part for part in (body, absolute_url(url)) if part)
            outbox.append(OutgoingMessage(channel="email", to=user.email, subject=title, body=text))
        phone = mobile_number(phone_of(user))
        if getattr(user, "notify_by_sms", False) and phone:
            notice = Notice(key=key, digest="", line=body, url=url)
            outbox.append(OutgoingMessage(channel="sms", to=phone, body=_event_text(title, notice)))
    if outbox:
        OutgoingMessage.objects.bulk_create(outbox)
        transaction.on_commit(schedule_delivery)
    return len(told)


def _event_text(title: str, notice: Notice) -> str:
    tail = _("详见 %(link)s") % {"link": absolute_url(notice.url)} if notice.url else ""
    return f"{labelled(title, notice.line[:ITEM_LENGTH])}。{tail}"[:MAX_LENGTH]


def phone_of(user: Any) -> str:
    """The number on file for ``user`` in the first app that keeps one, or ""."""
    for source in phone_sources:
        phone = source(user)
        if phone:
            return phone
    return ""
