from celery import shared_task

from . import reminders


@shared_task(
    name="liaison_stations.tasks.send_opinion_reminders",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_opinion_reminders() -> int:
    return reminders.sweep()
