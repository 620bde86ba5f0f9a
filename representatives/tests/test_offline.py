"""The deputy's pages offline: the installable app's manifest and worker, and an entry sent twice recorded once."""

import datetime
import json
import threading
import uuid
from typing import cast

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from representatives import services
from representatives.models import ActivityRecord, Deputy, StateLog, User
from representatives.tests.factories import DeputyFactory, DeputyUserFactory

pytestmark = pytest.mark.django_db


def activity_fields(**more) -> dict:
    return {
        "kind": "research",
        "date": timezone.localdate() - datetime.timedelta(days=1),
        "place": "村委会",
        "description": "走访村民",
        **more,
    }


def test_the_manifest_makes_the_deputy_pages_an_installable_app(client):
    response = client.get(reverse("me:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == manifest["scope"] == reverse("me:home")
    assert manifest["display"] == "standalone"
    assert manifest["name"] == "人大代表履职"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_service_worker_keeps_the_shell_and_the_activity_form(client):
    response = client.get(reverse("me:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == reverse("me:home")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("const CONFIG = ").rstrip(";"))
    assert config["form"] == reverse("me:activity_new")
    assert any(url.endswith("js/offline.js") for url in config["shell"])
    assert 'addEventListener("fetch"' in body


def test_deputy_pages_link_the_manifest_and_the_offline_script(client):
    user = cast(User, DeputyUserFactory())
    client.force_login(user)
    page = client.get(reverse("me:activity_new")).content.decode()
    assert reverse("me:manifest") in page
    assert "js/offline.js" in page
    assert "data-offline-form" in page
    assert 'name="client_key"' in page


def test_the_same_entry_sent_twice_is_recorded_once():
    deputy = cast(Deputy, DeputyFactory())
    user = cast(User, DeputyUserFactory(deputy=deputy))
    key = uuid.uuid4()
    first = services.activity_create(deputy=deputy, by=user, client_key=key, **activity_fields())
    again = services.activity_create(deputy=deputy, by=user, client_key=key, **activity_fields(place="别处"))
    assert again.pk == first.pk
    assert ActivityRecord.objects.filter(deputy=deputy).count() == 1
    assert ActivityRecord.objects.get().place == "村委会"
    assert StateLog.objects.filter(object_id=first.pk).count() == 1


def test_another_deputys_entry_with_the_same_key_is_their_own():
    key = uuid.uuid4()
    for _ in range(2):
        deputy = cast(Deputy, DeputyFactory())
        services.activity_create(
            deputy=deputy, by=DeputyUserFactory(deputy=deputy), client_key=key, **activity_fields()
        )
    assert ActivityRecord.objects.filter(client_key=key).count() == 2


def test_entries_without_a_key_are_each_recorded():
    deputy = cast(Deputy, DeputyFactory())
    user = DeputyUserFactory(deputy=deputy)
    services.activity_create(deputy=deputy, by=user, **activity_fields())
    services.activity_create(deputy=deputy, by=user, **activity_fields())
    assert ActivityRecord.objects.filter(deputy=deputy).count() == 2


def test_the_form_posted_twice_with_one_key_answers_both_with_the_one_record(client):
    user = cast(User, DeputyUserFactory())
    client.force_login(user)
    key = str(uuid.uuid4())
    data = {**activity_fields(), "date": activity_fields()["date"].isoformat(), "client_key": key}
    first = client.post(reverse("me:activity_new"), data)
    second = client.post(reverse("me:activity_new"), data)
    record = ActivityRecord.objects.get(deputy=user.deputy)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("me:activity", kwargs={"pk": record.pk})
    assert str(record.client_key) == key


def test_a_malformed_key_is_refused_and_writes_nothing(client):
    user = cast(User, DeputyUserFactory())
    client.force_login(user)
    data = {**activity_fields(), "date": activity_fields()["date"].isoformat(), "client_key": "not-a-key"}
    response = client.post(reverse("me:activity_new"), data)
    assert response.status_code == 200
    assert not ActivityRecord.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="两个连接同时写入需要 PostgreSQL；SQLite 一次只有一个写入者。"
)
@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_entry_at_the_same_moment_leave_one_record():
    deputy = cast(Deputy, DeputyFactory())
    user = DeputyUserFactory(deputy=deputy)
    key, barrier, records = uuid.uuid4(), threading.Barrier(4), []

    def send():
        try:
            barrier.wait(5)
            records.append(services.activity_create(deputy=deputy, by=user, client_key=key, **activity_fields()).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert len(records) == 4 and len(set(records)) == 1
    assert ActivityRecord.objects.filter(deputy=deputy).count() == 1
