"""Signed webhook deliveries: the body is JSON, signed with the subscription's secret as
``X-Congress-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`` with the timestamp (Unix seconds) in
``X-Congress-Timestamp``, so a platform can refuse a forged or replayed call. One attempt here; the Celery task
(``api.tasks.deliver_webhook``) retries with exponential back-off."""

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from .models import WebhookDelivery

SIGNATURE_HEADER = "X-Congress-Signature"
TIMESTAMP_HEADER = "X-Congress-Timestamp"
TIMEOUT_SECONDS = 10


def now() -> float:
    return time.time()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiving platform does (and the tests): compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def send(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status code; a transport failure raises OSError. Tests replace this."""
    if not url.lower().startswith(("https://", "http://")):
        raise OSError(f"not an http(s) URL: {url[:50]}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - checked above
    try:
        # nosec B310: the scheme is checked above; the URL is set by office staff in the admin.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def backoff_seconds(attempts: int) -> int:
    """The wait before the next attempt after ``attempts`` failed ones: 30 s, 1 min, 2 min, … (doubling)."""
    return settings.API_WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)


def attempt(delivery: WebhookDelivery) -> bool:
    """One attempt; records it on the delivery. True when delivered (any 2xx)."""
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(now()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "congress-office-webhooks/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    delivery.attempts += 1
    try:
        code = send(subscription.url, body, headers)
        error = "" if 200 <= code < 300 else f"HTTP {code}"
    except OSError as exc:
        code, error = None, str(exc)[:500] or type(exc).__name__
    delivery.status_code = code
    delivery.last_error = error
    if not error:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_retry_at = None
    elif delivery.attempts >= settings.API_WEBHOOK_MAX_ATTEMPTS:
        delivery.state = WebhookDelivery.State.FAILED
        delivery.next_retry_at = None
    else:
        delivery.next_retry_at = timezone.now() + datetime.timedelta(seconds=backoff_seconds(delivery.attempts))
    delivery.save()
    return not error
