"""The reminder task on a real Celery worker, through the configured broker (filesystem, or Redis in CI).

The worker is another process with its own database connection, so it must open the database this test
writes to: the test's data is committed (``transaction=True``) and the worker is pointed at the test
database. An in-memory SQLite test database cannot be shared with another process; that case is skipped.
"""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from congress.celery import app as celery_app
from core.models import NoticeRecord, Notification
from representatives.tests.factories import ClerkFactory, CongressFactory, DeputyFactory, HandlingUnitFactory
from suggestions.tasks import send_deadline_reminders
from suggestions.tests.factories import AssignmentFactory


def _database_url() -> str | None:
    """A DATABASE_URL for the database this test process is using, or None if no other process can open it."""
    db = connection.settings_dict
    engine, name = db["ENGINE"], str(db["NAME"])
    if engine.endswith("sqlite3"):
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{name}"
    if engine.endswith("postgresql"):
        credentials = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{name}"
    return None


@pytest.fixture
def queue():
    # A queue of our own: another suite's worker on the same broker must not take this task (or vice versa).
    name = f"test-reminders-{uuid.uuid4().hex[:12]}"
    yield name
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)
        conn.default_channel.exchange_delete(name)
    # The filesystem transport keeps each exchange's bindings in a file that exchange_delete leaves behind.
    control = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("control_folder")
    if control:
        (Path(control) / f"{name}.exchange").unlink(missing_ok=True)


@pytest.fixture
def worker(queue):
    database_url = _database_url()
    if database_url is None:
        pytest.skip("测试数据库是内存中的 SQLite，其他进程（Celery worker）打不开；请用 PostgreSQL 运行此测试。")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congress.settings.test", "DATABASE_URL": database_url}
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and module, no user input
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "congress",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stderr.close()


@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_runs_on_a_real_worker_and_returns_the_count(regions, worker, queue):
    congress = CongressFactory(region=regions.county_a)
    deputy = DeputyFactory(region=regions.town_a)
    # No e-mail address or phone anywhere: inbox only, so the sweep queues no outbox delivery on the shared
    # default queue that some other worker would pick up.
    unit = HandlingUnitFactory(region=regions.county_a, email="", contact_phone="")
    clerk = ClerkFactory(unit=unit, email="")
    today = timezone.localdate()
    for n, days in enumerate([0, 3, 15, 1, -1]):
        AssignmentFactory(
            suggestion__congress=congress,
            suggestion__deputy=deputy,
            suggestion__year=today.year,
            suggestion__number=n + 1,
            unit=unit,
            deadline=today + datetime.timedelta(days=days),
        )

    result = send_deadline_reminders.apply_async(queue=queue)
    deadline = time.monotonic() + 60
    while not result.ready() and time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail("Celery worker exited: " + worker.stderr.read().decode(errors="replace"))
        time.sleep(0.2)

    try:
        # Due today, 3 and 15 days ahead, one day overdue; the part due tomorrow has nothing today.
        assert result.get(timeout=1) == 4
    finally:
        result.forget()
    assert NoticeRecord.objects.count() == 4
    assert Notification.objects.get(recipient=clerk).body.count("·") == 4
