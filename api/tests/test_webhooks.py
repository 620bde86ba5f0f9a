"""Signed webhooks on an opinion's change of state: queued after the commit for the client that passed it in,
POSTed with an HMAC-SHA256 signature and timestamp, retried with exponential back-off through Celery, every
attempt recorded for the admin's delivery log."""

import datetime
import http.server
import json
import threading
from typing import cast

import pytest
from django.utils import timezone

from api import services, tasks, webhooks
from api.models import WebhookDelivery, WebhookSubscription
from liaison_stations import services as opinion_services
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline_opinion(hotline, station_a):
    api_client, _token = hotline
    return services.opinion_intake(
        client=api_client,
        external_id="HL-9",
        source=Opinion.Source.HOTLINE,
        station=station_a,
        voter_name="陈",
        voter_phone="",
        title="路灯",
        content="路灯不亮",
    ).opinion


@pytest.fixture
def subscription(hotline):
    return WebhookSubscription.objects.create(client=hotline[0], url="http://127.0.0.1:9/hook", secret="s3cret")


def test_a_state_change_queues_one_delivery_per_subscription_after_commit(
    hotline_opinion, subscription, hotline, staff_a, monkeypatch, django_capture_on_commit_callbacks
):
    WebhookSubscription.objects.create(client=hotline[0], url="http://127.0.0.1:9/off", is_active=False)
    queued: list[int] = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        opinion_services.opinion_sort(opinion=hotline_opinion, category="urban", by=staff_a)
    assert queued == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    delivery = WebhookDelivery.objects.get()
    assert queued == [delivery.pk] and delivery.subscription == subscription
    assert delivery.payload["service_request_id"] == hotline_opinion.reference
    assert delivery.payload["external_id"] == "HL-9"
    assert (delivery.payload["from_status"], delivery.payload["status"]) == ("received", "sorted")
    assert delivery.payload["open311_status"] == "open"


def test_other_opinions_send_nothing(subscription, station_a, staff_a):
    opinion = cast(Opinion, OpinionFactory(station=station_a))
    opinion_services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
    assert not WebhookDelivery.objects.exists()


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    Receiver.status = 200
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def _delivery(subscription, opinion):
    return WebhookDelivery.objects.create(
        subscription=subscription, opinion=opinion, payload={"event": "opinion.status_changed", "status": "sorted"}
    )


def test_delivery_is_signed_and_the_signature_verifies(receiver, subscription, hotline_opinion):
    subscription.url = receiver
    subscription.save()
    delivery = _delivery(subscription, hotline_opinion)
    assert tasks.deliver_webhook.apply(args=(delivery.pk,)).get() == "delivered"
    [(headers, body)] = Receiver.received
    timestamp, signature = headers[webhooks.TIMESTAMP_HEADER], headers[webhooks.SIGNATURE_HEADER]
    assert signature.startswith("sha256=")
    assert webhooks.verify("s3cret", timestamp, body, signature)
    assert not webhooks.verify("wrong", timestamp, body, signature)
    assert not webhooks.verify("s3cret", str(int(timestamp) + 1), body, signature)  # a replayed time
    assert json.loads(body) == {"event": "opinion.status_changed", "status": "sorted"}
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.status_code == 200 and delivery.attempts == 1


def test_a_failed_attempt_is_recorded_and_retried_with_backoff(receiver, subscription, hotline_opinion, monkeypatch):
    subscription.url = receiver
    subscription.save()
    Receiver.status = 503
    delivery = _delivery(subscription, hotline_opinion)
    retries = []

    class Retry(Exception):
        pass

    def fake_retry(**kwargs):
        retries.append(kwargs["countdown"])
        return Retry()

    monkeypatch.setattr(tasks.deliver_webhook, "retry", fake_retry)
    for _ in range(3):
        with pytest.raises(Retry):
            tasks.deliver_webhook.run(delivery.pk)
    assert retries == [30, 60, 120]  # doubling from API_WEBHOOK_BACKOFF_SECONDS
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.status_code == 503 and delivery.last_error == "HTTP 503"
    assert delivery.state == "pending" and delivery.next_retry_at > timezone.now() + datetime.timedelta(seconds=100)
    Receiver.status = 200
    assert tasks.deliver_webhook.run(delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 4 and delivery.next_retry_at is None


def test_gives_up_after_the_last_attempt(subscription, hotline_opinion, monkeypatch, settings):
    settings.API_WEBHOOK_MAX_ATTEMPTS = 3

    def refuse(url, body, headers):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(webhooks, "send", refuse)
    delivery = _delivery(subscription, hotline_opinion)
    # Celery's eager mode runs each retry at once: three attempts, then the delivery is given up.
    assert tasks.deliver_webhook.apply(args=(delivery.pk,)).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 3 and "refused" in delivery.last_error
    assert tasks.deliver_webhook.apply(args=(delivery.pk,)).get() == "skipped"


def test_only_http_urls_are_called(subscription, hotline_opinion):
    subscription.url = "file:///etc/passwd"
    subscription.save()
    delivery = _delivery(subscription, hotline_opinion)
    assert not webhooks.attempt(delivery)
    assert "not an http(s) URL" in delivery.last_error


def test_delivery_log_in_the_admin(client, staff_a, subscription, hotline_opinion):
    from django.urls import reverse

    delivery = _delivery(subscription, hotline_opinion)
    client.force_login(staff_a)
    page = client.get(reverse("admin:api_webhookdelivery_changelist"))
    assert page.status_code == 200 and subscription.url in page.content.decode()
    assert client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk])).status_code == 200
