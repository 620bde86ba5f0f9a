"""Notices that go out once: the ledger, the in-app inbox and the e-mail/SMS outbox.

A sweep builds ``Notice`` objects with stable keys (item, step, deadline). ``send_once`` claims the keys in
the ledger — a unique index decides which sweep owns a key when two overlap — and, in the same transaction,
writes inbox rows and outbox rows for the claimed ones only. So a second sweep, an overlapping one or a
retried one after a crash sends nothing twice. The outbox is delivered after commit; a crash between the
SMTP hand-off and marking the row sent can repeat that one e-mail, never a whole sweep.
"""

import importlib
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import join_clauses, labelled

from .models import NoticeRecord, Notification, OutgoingMessage
from .sms import MAX_LENGTH, is_mobile

logger = logging.getLogger(__name__)


@dataclass
class Notice:
    """One item at one step, addressed to a digest (e.g. a unit) and possibly escalated to others."""

    key: str
    digest: str
    line: str
    users: list = field(default_factory=list)
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
    owned = set()
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
        Notification.objects.bulk_create(inbox, batch_size=2000)
        OutgoingMessage.objects.bulk_create(outbox, batch_size=2000)
        if outbox:
            transaction.on_commit(_schedule_delivery)
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


def notify(users, *, title: str, body: str = "", url: str = "") -> None:
    """An immediate in-app notice (assignment, registration...): no ledger, it happens once by construction."""
    Notification.objects.bulk_create([Notification(recipient=u, title=title, body=body, url=url) for u in users])


def notify_event(users, *, key: str, title: str, body: str = "", url: str = "") -> int:
    """One event's notice to each of ``users``, once per (event, user) however often it is called: in-app always,
    and a text (to a mobile number on file) or an e-mail when the user asked for them. Written in the caller's
    transaction, so a refused transition sends nothing; the outbox is delivered after commit.
    Returns how many users were told."""
    users = {user.pk: user for user in users if user.is_active}
    owned = claim([f"{key}:to:{pk}" for pk in users])
    told = [user for pk, user in users.items() if f"{key}:to:{pk}" in owned]
    Notification.objects.bulk_create([Notification(recipient=u, title=title, body=body, url=url) for u in told])
    outbox = []
    for user in told:
        if user.notify_by_email and user.email:
            text = "\n".join(part for part in (body, absolute_url(url)) if part)
            outbox.append(OutgoingMessage(channel="email", to=user.email, subject=title, body=text))
        phone = mobile_number(phone_of(user))
        if user.notify_by_sms and phone:
            notice = Notice(key=key, digest="", line=body, url=url)
            outbox.append(OutgoingMessage(channel="sms", to=phone, body=_event_text(title, notice)))
    if outbox:
        OutgoingMessage.objects.bulk_create(outbox)
        transaction.on_commit(_schedule_delivery)
    return len(told)


def queue_sms(*, to: str, text: str) -> OutgoingMessage | None:
    """One text to one voter's mobile phone (a message's tracking code, the deputy's answer, a rating's confirmation
    code), written to the outbox in the caller's transaction and delivered after commit; nothing for a number that
    is not a mobile. These are single events that happen once by construction, so they need no ledger."""
    if not is_mobile(to):
        return None
    message = OutgoingMessage.objects.create(channel=OutgoingMessage.Channel.SMS, to=to, body=text[:MAX_LENGTH])
    transaction.on_commit(_schedule_delivery)
    return message


def phone_of(user) -> str:
    # A deputy's number is kept on their record; other accounts have none on file.
    deputy = getattr(user, "deputy", None) if user.deputy_id else None
    return deputy.phone if deputy is not None else ""


def _event_text(title: str, notice: Notice) -> str:
    tail = _("详见 %(link)s") % {"link": absolute_url(notice.url)} if notice.url else ""
    return f"{labelled(title, notice.line[:ITEM_LENGTH])}。{tail}"[:MAX_LENGTH]


def _schedule_delivery():
    try:
        deliver_outbox_task.delay()
    except Exception:  # noqa: BLE001 — a broker outage must not fail a sweep or a request; the periodic delivery retries.
        logger.warning("could not queue outbox delivery; the periodic task will deliver", exc_info=True)


class LoggingSmsBackend:
    """Stands in for an SMS gateway: logs what it would send. Set SMS_BACKEND to a real gateway's class."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend():
    path = getattr(settings, "SMS_BACKEND", "representatives.notices.LoggingSmsBackend")
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)()


def deliver_outbox(limit: int = 500) -> int:
    """Send unsent outbox rows; each row is locked while it is sent so two workers never both send it."""
    sent = 0
    sms = sms_backend()
    mail = get_connection()
    skip_locked = connection.features.has_select_for_update_skip_locked
    while sent < limit:
        with transaction.atomic():
            queryset = OutgoingMessage.objects.filter(sent_at__isnull=True, attempts__lt=5).order_by("created_at")
            queryset = queryset.select_for_update(skip_locked=True) if skip_locked else queryset.select_for_update()
            message = queryset.first()
            if message is None:
                break
            message.attempts += 1
            try:
                if message.channel == OutgoingMessage.Channel.EMAIL:
                    send_mail(message.subject, message.body, None, [message.to], connection=mail)
                else:
                    sms.send(message.to, message.body)
                message.sent_at = timezone.now()
                message.last_error = ""
                sent += 1
            except Exception as exc:  # noqa: BLE001 — a bad address must not block the rest of the outbox.
                message.last_error = str(exc)[:500]
                logger.warning("delivery of outbox message %s failed: %s", message.pk, exc)
            message.save(update_fields=["attempts", "sent_at", "last_error"])
    return sent


@shared_task(name="representatives.tasks.deliver_outbox")
def deliver_outbox_task() -> int:
    return deliver_outbox()
