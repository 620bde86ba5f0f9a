"""The outbox: e-mails and texts written in the caller's transaction (by ``core.notices`` or ``queue_sms``) and
delivered after commit by a worker, each row locked while it is sent so two workers never both send it."""

import importlib
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import connection, transaction
from django.utils import timezone

from .models import OutgoingMessage
from .sms import MAX_LENGTH, is_mobile

logger = logging.getLogger(__name__)


def queue_sms(*, to: str, text: str) -> OutgoingMessage | None:
    """One text to one voter's mobile phone (a message's tracking code, the deputy's answer, a rating's confirmation
    code), written to the outbox in the caller's transaction and delivered after commit; nothing for a number that
    is not a mobile. These are single events that happen once by construction, so they need no ledger."""
    if not is_mobile(to):
        return None
    message = OutgoingMessage.objects.create(channel=OutgoingMessage.Channel.SMS, to=to, body=text[:MAX_LENGTH])
    transaction.on_commit(schedule_delivery)
    return message


def schedule_delivery() -> None:
    try:
        deliver_outbox_task.delay()
    except Exception:  # noqa: BLE001 — a broker outage must not fail a sweep or a request; the periodic delivery retries.
        logger.warning("could not queue outbox delivery; the periodic task will deliver", exc_info=True)


class LoggingSmsBackend:
    """Stands in for an SMS gateway: logs what it would send. Set SMS_BACKEND to a real gateway's class."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> Any:
    path = getattr(settings, "SMS_BACKEND", "core.outbox.LoggingSmsBackend")
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


@shared_task(name="core.tasks.deliver_outbox")
def deliver_outbox_task() -> int:
    return deliver_outbox()


# The task's name before the outbox moved to core: an install's beat table or a queued message may still name it.
@shared_task(name="representatives.tasks.deliver_outbox")
def deliver_outbox_legacy_task() -> int:
    return deliver_outbox()
