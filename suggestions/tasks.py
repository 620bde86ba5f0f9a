from celery import shared_task
from django.db import OperationalError

from . import reminders


# A retry is safe: the ledger in core.notices lets each notice out once, whichever attempt wins.
@shared_task(
    name="suggestions.tasks.send_deadline_reminders",
    autoretry_for=(ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    max_retries=5,
)
def send_deadline_reminders() -> int:
    return reminders.sweep()
