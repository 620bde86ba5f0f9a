from celery import shared_task

from . import webhooks
from .models import WebhookDelivery


class DeliveryFailed(Exception):
    pass


@shared_task(bind=True, name="api.tasks.deliver_webhook", max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    """Send one webhook; on failure retry through Celery after ``webhooks.backoff_seconds`` (30 s, 1 min, 2 min…)
    until ``API_WEBHOOK_MAX_ATTEMPTS`` attempts, each recorded on the delivery for the admin's log."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id, state="pending").first()
    if delivery is None or not delivery.subscription.is_active:
        return "skipped"
    if webhooks.attempt(delivery):
        return "delivered"
    if delivery.state == WebhookDelivery.State.FAILED:
        return "failed"
    raise self.retry(exc=DeliveryFailed(delivery.last_error), countdown=webhooks.backoff_seconds(delivery.attempts))
