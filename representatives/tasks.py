from celery import shared_task

from . import notices


@shared_task(name="representatives.tasks.deliver_outbox")
def deliver_outbox() -> int:
    return notices.deliver_outbox()
