"""Reports read from the streaming replica (congress/db_router.py).

The router's rules are tested without a replica. The tests marked ``needs_replica`` run against a real one:
`.ci/replica.sh` starts it on port 5433 and `.ci/run` runs this module with
``REPLICA_DATABASE_URL=postgres://root@127.0.0.1:5433/<name>`` (and the primary's ``DATABASE_URL``).
"""

import select
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress import db_router
from congress.db_router import (
    PIN_COOKIE,
    ReadAfterWriteMiddleware,
    ReplicaRouter,
    reads_from_replica,
    report_reads,
)
from representatives.models import User
from representatives.tests.factories import StaffFactory

router = ReplicaRouter()


@pytest.fixture(autouse=True)
def fresh_health():
    db_router.health.reset()
    yield
    db_router.health.reset()


@pytest.fixture
def fake_replica(monkeypatch):
    """A replica the router believes configured and healthy, without any server behind it."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "replica_lag", lambda: 0.0)
    # Outside any test transaction, whatever an earlier test on this worker left open (the rules for reads
    # inside a transaction have their own test).
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)


# The router's rules -------------------------------------------------------------------------------------------


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    with report_reads():
        assert router.db_for_read(User) == "default"


def test_reads_go_to_the_replica_only_inside_a_report_scope(fake_replica):
    assert router.db_for_read(User) == "default"
    with report_reads() as scope:
        assert router.db_for_read(User) == "replica"
        assert scope.used_replica
    assert router.db_for_read(User) == "default"


def test_writes_and_migrations_stay_on_the_primary(fake_replica):
    with report_reads():
        assert router.db_for_write(User) == "default"
    assert router.allow_migrate("default", "representatives")
    assert not router.allow_migrate("replica", "representatives")


def test_reads_inside_a_transaction_stay_on_the_primary(fake_replica, monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    with report_reads():
        assert router.db_for_read(User) == "default"


def test_a_replica_that_is_down_or_lagging_leaves_reads_on_the_primary(fake_replica, monkeypatch, settings):
    def down():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(db_router, "replica_lag", down)
    with report_reads():
        assert router.db_for_read(User) == "default"
    db_router.health.reset()
    settings.REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr(db_router, "replica_lag", lambda: 31.0)
    with report_reads():
        assert router.db_for_read(User) == "default"
    db_router.health.reset()
    # Not a standby at all (a primary's address given by mistake).
    monkeypatch.setattr(db_router, "replica_lag", lambda: None)
    with report_reads():
        assert router.db_for_read(User) == "default"


def test_the_health_check_runs_once_per_check_interval(fake_replica, monkeypatch, settings):
    settings.REPLICA_CHECK_SECONDS = 5
    calls = []

    def lag():
        calls.append(1)
        return 0.0

    monkeypatch.setattr(db_router, "replica_lag", lag)
    now = [1000.0]
    monkeypatch.setattr(db_router.time, "monotonic", lambda: now[0])
    with report_reads():
        for _ in range(20):
            assert router.db_for_read(User) == "replica"
    assert len(calls) == 1
    now[0] += 5
    with report_reads():
        router.db_for_read(User)
    assert len(calls) == 2


def test_a_browser_that_wrote_keeps_its_reports_on_the_primary(fake_replica):
    seen = []

    def view(request):
        with report_reads():
            seen.append(router.db_for_read(User))
        return HttpResponse("ok")

    middleware = ReadAfterWriteMiddleware(view)
    factory = RequestFactory()
    response = middleware(factory.post("/x/"))
    assert seen == ["default"]
    until = float(response.cookies[PIN_COOKIE].value)
    assert until > time.time()
    middleware(factory.get("/report/", HTTP_COOKIE=f"{PIN_COOKIE}={until}"))
    assert seen[-1] == "default"
    # Once the pin has passed, and for a browser that never wrote, reports read from the replica.
    middleware(factory.get("/report/", HTTP_COOKIE=f"{PIN_COOKIE}={time.time() - 1}"))
    middleware(factory.get("/report/"))
    assert seen[-2:] == ["replica", "replica"]
    # A cookie pinning far beyond any write is not believed; neither is garbage.
    middleware(factory.get("/report/", HTTP_COOKIE=f"{PIN_COOKIE}={time.time() + 10**6}"))
    middleware(factory.get("/report/", HTTP_COOKIE=f"{PIN_COOKIE}=soon"))
    assert seen[-2:] == ["replica", "replica"]


def test_without_a_replica_no_cookie_is_set(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    response = ReadAfterWriteMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().post("/x/"))
    assert PIN_COOKIE not in response.cookies


def test_an_export_that_needs_its_own_writes_waits_for_a_caught_up_replica(fake_replica, monkeypatch):
    monkeypatch.setattr(db_router, "replica_caught_up", lambda: False)
    with report_reads(read_own_writes=True):
        assert router.db_for_read(User) == "default"
    monkeypatch.setattr(db_router, "replica_caught_up", lambda: True)
    with report_reads(read_own_writes=True):
        assert router.db_for_read(User) == "replica"


def test_a_replica_failing_mid_page_renders_the_page_again_from_the_primary(fake_replica):
    used = []

    @reads_from_replica
    def view():
        db = router.db_for_read(User)
        used.append(db)
        if db == "replica":
            raise DatabaseError("replica went away")
        return db

    assert view() == "default"
    assert used == ["replica", "default"]
    # Marked down: the next page does not try it again before the next check.
    assert view() == "default"
    assert used[-1] == "default"


def test_an_error_of_the_primary_is_not_retried(fake_replica, monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    calls = []

    @reads_from_replica
    def view():
        calls.append(1)
        raise DatabaseError("primary failed")

    with pytest.raises(DatabaseError):
        view()
    assert calls == [1]


# Against a real replica ---------------------------------------------------------------------------------------

needs_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="REPLICA_DATABASE_URL is not set (.ci/replica.sh starts one)"
)
BOTH = ["default", "replica"]


@pytest.fixture
def real_replica(transactional_db):
    """Point the replica alias, a test mirror of the primary, at the real replica's copy of the test database."""
    replica = connections["replica"]
    mirrored = replica.settings_dict
    replica.close()
    replica.settings_dict = {**settings.DATABASES["replica"], "NAME": connections["default"].settings_dict["NAME"]}
    caches["default"].clear()
    yield replica
    replica.close()
    replica.settings_dict = mirrored


def wait_for_replay(timeout=20.0):
    """Wait until the replica has replayed all the primary has committed (streaming takes milliseconds)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, "the replica did not catch up"
        select.select([], [], [], 0.02)


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


@needs_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_report_reads_go_to_the_replica_and_writes_to_the_primary(real_replica):
    StaffFactory.create_batch(3)
    wait_for_replay()
    with report_reads(), queries_on("replica") as on_replica, queries_on("default") as on_primary:
        assert User.objects.count() == 3
        StaffFactory()
    assert any("COUNT" in q["sql"] for q in on_replica.captured_queries)
    assert not any("INSERT" in q["sql"] for q in on_replica.captured_queries)
    assert any("INSERT" in q["sql"] for q in on_primary.captured_queries)
    assert not any("COUNT" in q["sql"] for q in on_primary.captured_queries)
    with queries_on("replica") as on_replica:
        assert User.objects.count() == 4
    assert not on_replica.captured_queries


@needs_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_report_pages_read_from_the_replica_unless_the_browser_just_wrote(client, real_replica, regions):
    staff = StaffFactory(region=regions.county_a)
    client.force_login(staff)
    wait_for_replay()
    urls = [
        reverse("staff:dashboard"),
        reverse("staff:year_report", args=[timezone.localdate().year]),
        reverse("staff:station_statistics"),
    ]
    for url in urls:
        caches["default"].clear()  # the dashboard and the report share their figures
        with queries_on("replica") as on_replica:
            assert client.get(url).status_code == 200
        assert len(on_replica.captured_queries) > 1, url
    # After a write (here: choosing the language) the browser's reports come from the primary.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    for url in urls:
        caches["default"].clear()
        with queries_on("replica") as on_replica:
            assert client.get(url).status_code == 200
        assert not on_replica.captured_queries, url


@needs_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_replica_that_is_down_leaves_the_page_working_on_the_primary(client, real_replica, regions):
    client.force_login(StaffFactory(region=regions.county_a))
    real_replica.settings_dict = {**real_replica.settings_dict, "PORT": "1"}
    with queries_on("default") as on_primary:
        assert client.get(reverse("staff:dashboard")).status_code == 200
    assert len(on_primary.captured_queries) > 1


@needs_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_lagging_replica_leaves_the_page_on_the_primary_with_the_newest_rows(real_replica, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 0
    StaffFactory()
    wait_for_replay()
    with real_replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        StaffFactory()
        # The replica receives the new row but does not apply it: it lags.
        deadline = time.monotonic() + 20
        while True:
            with real_replica.cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")
                if cursor.fetchone()[0]:
                    break
            assert time.monotonic() < deadline, "the replica received nothing"
            select.select([], [], [], 0.02)
        assert (db_router.replica_lag() or 0) > 0
        with report_reads(), queries_on("replica") as on_replica:
            assert User.objects.count() == 2
        assert len(on_replica.captured_queries) == 1  # the health check, and nothing else
    finally:
        with real_replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


@needs_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_export_reads_from_a_caught_up_replica_only(real_replica):
    StaffFactory()
    wait_for_replay()
    assert db_router.replica_caught_up()
    with report_reads(read_own_writes=True), queries_on("replica") as on_replica:
        assert User.objects.count() == 1
    assert any("COUNT" in q["sql"] for q in on_replica.captured_queries)
    with real_replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        StaffFactory()
        assert not db_router.replica_caught_up()
        with report_reads(read_own_writes=True), queries_on("replica") as on_replica:
            assert User.objects.count() == 2
        assert not any("COUNT" in q["sql"] for q in on_replica.captured_queries)
    finally:
        with real_replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
