"""Faults, each provoked for real: Redis going away, a worker killed mid-run, two clerks at once, a database
connection dropped mid-request, an import or scoring run failing half-way.

Redis is a throwaway ``redis-server`` on a free port of its own, so killing it never disturbs the suite's or
anyone else's Redis; it runs on both the embedded (SQLite, filesystem broker) and the PostgreSQL + Redis runs.
"""

import contextlib
import datetime
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from unittest import mock

import pytest
import redis
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from congress.celery import app as celery_app
from congress.testing.fault_worker import holding_marker
from core import outbox
from core.models import NoticeRecord, OutgoingMessage
from core.tasks import deliver_outbox
from liaison_stations import ratelimit
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import StationFactory
from representatives.models import HandlingUnit, StateLog
from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
    StaffFactory,
)
from suggestions import reminders as suggestion_reminders
from suggestions import services as suggestion_services
from suggestions.models import Assignment, Suggestion
from suggestions.tests.factories import AssignmentFactory

REDIS_SERVER = "/usr/bin/redis-server"

OPINION = {
    "voter_name": "王五",
    "voter_phone": "13900001111",
    "title": "小区门口路灯不亮",
    "content": "白沙街道某小区门口三盏路灯坏了三个月，晚上出行不安全。",
    "category": "urban",
    "website": "",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of this test's own, that the test can kill and bring back on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 — fixed binary, arguments of our own
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def queue_length(self, name: str) -> int:
        client = redis.Redis.from_url(self.url)
        try:
            return client.llen(name)
        finally:
            client.close()


@pytest.fixture
def throwaway_redis():
    if not shutil.which(REDIS_SERVER):
        pytest.skip("需要 /usr/bin/redis-server 来模拟 Redis 故障。")
    server = ThrowawayRedis()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def on_throwaway_redis(settings, throwaway_redis):
    """Cache and Celery broker both on the throwaway Redis, as production has them on one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "congress.cache.ResilientRedisCache",
            "LOCATION": throwaway_redis.url,
            # Tests bring Redis back within a second; production keeps the default few seconds.
            "OPTIONS": {"DOWN_SECONDS": 0.2},
        },
        # The page frames' fixed parts stay in the process, whatever happens to Redis.
        "fragments": settings.CACHES["fragments"],
    }
    saved = {name: celery_app.conf[name] for name in ("broker_url", "broker_transport_options")}
    celery_app.conf.broker_url = throwaway_redis.url
    celery_app.conf.broker_transport_options = {}
    _reset_celery_pools()
    ratelimit.local_cache.clear()
    yield throwaway_redis
    celery_app.conf.update(saved)
    _reset_celery_pools()
    ratelimit.local_cache.clear()


def _reset_celery_pools():
    # Celery keeps its broker connections and producers in pools built from the URL it first saw.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu also keeps producer pools per connection in a process-wide registry, which would hand back a
    # producer pool still holding the connection pool just closed above.
    kombu_pools.reset()


def due_suggestions(regions, count: int, *, days_left=0) -> list[Suggestion]:
    """``count`` suggestions due today, each with a unit of its own (so one e-mail and one SMS digest each)."""
    congress = CongressFactory(region=regions.county_a)
    deputy = DeputyFactory(region=regions.town_a)
    today = timezone.localdate()
    items = []
    for n in range(count):
        unit = HandlingUnitFactory(
            region=regions.county_a, email=f"unit{n}@example.gov.cn", contact_phone=f"1390000{n:04d}"
        )
        part = AssignmentFactory(
            suggestion__congress=congress,
            suggestion__deputy=deputy,
            suggestion__year=today.year,
            suggestion__number=n + 1,
            unit=unit,
            deadline=today + datetime.timedelta(days=days_left),
        )
        items.append(part.suggestion)
    return items


# Redis down ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRedisDown:
    def test_pages_still_answer_while_redis_is_down_and_fast(self, client, on_throwaway_redis, regions, city_staff):
        station = StationFactory(region=regions.town_a)
        on_throwaway_redis.kill()
        pages = [
            reverse("public:stations"),
            reverse("public:station", args=[station.public_id]),
            reverse("public:opinion_form", args=[station.public_id]),
            reverse("public:track") + "?code=ABCD1234",
            reverse("login"),
        ]
        started = time.monotonic()
        for url in pages:
            assert client.get(url).status_code == 200, url
        client.force_login(city_staff)
        for name in ("staff:stations", "staff:opinions", "staff:suggestions", "staff:directory"):
            assert client.get(reverse(name)).status_code == 200, name
        # A dead Redis must cost milliseconds per request, not a connect timeout each time.
        assert time.monotonic() - started < 5

    def test_the_cache_degrades_to_misses_and_recovers_when_redis_returns(self, on_throwaway_redis, caplog, clock):
        from django.core.cache import cache

        cache.set("probe", "before")
        assert cache.get("probe") == "before"
        on_throwaway_redis.kill()
        assert cache.get("probe", "missing") == "missing"
        assert cache.set("probe", "during") is None and cache.add("other", 1) is False
        assert "Redis cache unreachable" in caplog.text
        on_throwaway_redis.start()
        assert cache.get("probe", "missing") == "missing"  # still within DOWN_SECONDS: Redis is not asked
        clock.advance(0.25)  # past DOWN_SECONDS
        cache.set("probe", "after")
        assert cache.get("probe") == "after"

    def test_a_public_opinion_lands_while_redis_is_down_and_a_flood_is_still_cut_off(
        self, client, on_throwaway_redis, regions
    ):
        station = StationFactory(region=regions.town_a)
        url = reverse("public:opinion_form", args=[station.public_id])
        on_throwaway_redis.kill()
        response = client.post(url, OPINION)
        assert response.status_code == 302
        opinion = Opinion.objects.get()
        assert (opinion.station, opinion.title) == (station, OPINION["title"])
        # The per-process fallback counter keeps the limit of five per ten minutes.
        statuses = [client.post(url, OPINION).status_code for _ in range(5)]
        assert statuses == [302] * 4 + [429]
        assert Opinion.objects.count() == 5

    def test_reminders_swept_during_the_outage_are_sent_once_after_redis_returns(
        self, on_throwaway_redis, regions, django_capture_on_commit_callbacks
    ):
        due_suggestions(regions, 3)
        on_throwaway_redis.kill()
        # Beat's sweep runs; queueing the delivery fails (logged), but the notices wait in the outbox.
        with django_capture_on_commit_callbacks(execute=True):
            assert suggestion_reminders.sweep() == 3
        assert NoticeRecord.objects.count() == 3
        assert OutgoingMessage.objects.filter(sent_at__isnull=True).count() == 6
        assert mail.outbox == []

        on_throwaway_redis.start()
        # Beat runs the sweep again (a retry, or the next day's run): nothing is claimed twice.
        with django_capture_on_commit_callbacks(execute=True):
            assert suggestion_reminders.sweep() == 0
        # The periodic delivery is queued on the broker again...
        deliver_outbox.delay()
        assert on_throwaway_redis.queue_length("celery") == 1
        # ...and the worker running it twice (a redelivery) still sends each notice once.
        assert outbox.deliver_outbox() == 6
        assert outbox.deliver_outbox() == 0
        assert sorted(message.to[0] for message in mail.outbox) == [f"unit{n}@example.gov.cn" for n in range(3)]
        assert not OutgoingMessage.objects.filter(sent_at__isnull=True).exists()


# Two clerks at once ---------------------------------------------------------------------------------------------


@pytest.fixture
def flow(regions, staff_a):
    from suggestions.tests.conftest import Flow

    congress = CongressFactory(region=regions.county_a, level=4, code="440703-4-17", term_number=17)
    deputy = DeputyFactory(region=regions.town_a, name="领衔代表")
    MembershipFactory(deputy=deputy, congress=congress)
    author = DeputyUserFactory(deputy=deputy, username="author")
    lead_unit = HandlingUnitFactory(region=regions.county_a, name="区交通运输局")
    co_unit = HandlingUnitFactory(region=regions.county_a, name="区财政局")
    return Flow(congress, author, staff_a, lead_unit, co_unit, ClerkFactory(unit=lead_unit))


@pytest.fixture
def leader_a(regions):
    return LeaderFactory(region=regions.county_a, username="leader_a")


def suggestion_logs(suggestion):
    return list(
        StateLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Suggestion), object_id=suggestion.pk
        ).values_list("from_state", "to_state")
    )


def waiting_on_a_lock() -> int:
    """How many sessions are queued behind a row or table lock right now (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="需要 PostgreSQL（行锁、pg_terminate_backend）；SQLite 上由别的测试覆盖。"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
class TestTwoClerksAtOnce:
    def test_a_change_racing_another_waits_for_its_lock_and_is_refused_with_the_version_message(self, flow, staff_a):
        suggestion = flow.submitted()
        version = suggestion.version
        second_clerk = StaffFactory(region=staff_a.region, username="staff_a2")
        first_holds_lock, outcomes = threading.Event(), {}

        def first():
            try:
                with transaction.atomic():
                    suggestion_services.suggestion_register(suggestion=suggestion, by=staff_a, expected_version=version)
                    first_holds_lock.set()
                    # Keep the row locked until the second clerk's change is queued behind the lock.
                    wait_for(lambda: waiting_on_a_lock() > 0, timeout=10)
                    outcomes["second_waited"] = True
                outcomes["first"] = "ok"
            finally:
                connection.close()

        def second():
            try:
                first_holds_lock.wait(5)
                try:
                    suggestion_services.suggestion_refuse(
                        suggestion=suggestion, by=second_clerk, reason="重复", expected_version=version
                    )
                    outcomes["second"] = "ok"
                except suggestion_services.TransitionError as exc:
                    outcomes["second"] = str(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)

        assert outcomes["first"] == "ok"
        assert outcomes["second"] == "这件建议刚被其他人修改过，请刷新页面后再操作。"
        # It blocked on the row lock rather than reading the row before the first change committed.
        assert outcomes["second_waited"]
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.version) == (Suggestion.Status.REGISTERED, version + 1)
        assert suggestion_logs(suggestion)[-1] == (Suggestion.Status.SUBMITTED, Suggestion.Status.REGISTERED)
        assert [to for _, to in suggestion_logs(suggestion)].count(Suggestion.Status.NOT_REGISTERED) == 0

    def test_many_clerks_racing_the_same_step_leave_one_change_and_one_log_row(self, flow, staff_a):
        suggestion = flow.submitted()
        version = suggestion.version
        clerks = [StaffFactory(region=staff_a.region, username=f"clerk{n}") for n in range(4)]
        barrier, results = threading.Barrier(len(clerks)), []

        def register(clerk):
            try:
                barrier.wait(5)
                try:
                    suggestion_services.suggestion_register(suggestion=suggestion, by=clerk, expected_version=version)
                    results.append("ok")
                except suggestion_services.TransitionError as exc:
                    results.append(str(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=register, args=(clerk,)) for clerk in clerks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)

        assert sorted(results) == ["ok"] + ["这件建议刚被其他人修改过，请刷新页面后再操作。"] * 3
        suggestion.refresh_from_db()
        assert suggestion.version == version + 1
        assert [to for _, to in suggestion_logs(suggestion)].count(Suggestion.Status.REGISTERED) == 1


@pytest.mark.django_db
def test_the_second_clerk_posting_from_a_stale_page_gets_the_conflict_message(client, flow, staff_a, leader_a):
    suggestion = flow.registered()
    version = suggestion.version
    second = Client()
    second.force_login(StaffFactory(region=staff_a.region, username="staff_a2"))
    client.force_login(staff_a)
    url = reverse("staff:suggestion", args=[suggestion.pk])
    assert client.get(url).status_code == second.get(url).status_code == 200

    first = client.post(
        reverse("staff:suggestion_action", args=[suggestion.pk, "assign"]),
        {"assign-lead_unit": flow.lead_unit.pk, "assign-version": version},
    )
    assert first.status_code == 302
    late = second.post(
        reverse("staff:suggestion_action", args=[suggestion.pk, "mark_key"]),
        {"mark_key-leader": leader_a.pk, "mark_key-version": version},
        follow=True,
    )
    assert late.status_code == 200
    assert "这件建议刚被其他人修改过，请刷新页面后再操作。" in [str(m) for m in late.context["messages"]]
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.version, suggestion.supervising_leader) == (
        Suggestion.Status.ASSIGNED,
        version + 1,
        None,
    )
    assert suggestion_logs(suggestion)[-1] == (Suggestion.Status.REGISTERED, Suggestion.Status.ASSIGNED)


# Database connection lost mid-request ----------------------------------------------------------------------------


def _terminate_backend(pid: int) -> None:
    # From another connection, as an administrator or a failover would.
    import psycopg2

    settings_dict = connection.settings_dict
    killer = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


def _get(url: str):
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 — the test's own live server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
class TestConnectionLostOnPostgresql:
    def test_on_postgresql_a_killed_backend_gives_the_error_page_and_the_next_request_works(
        self, live_server, regions, monkeypatch
    ):
        from liaison_stations import selectors as station_selectors

        station = StationFactory(region=regions.town_a)
        original, killed = station_selectors.public_station, []

        def killing_selector(public_id):
            if not killed:
                from django.db import connection as server_connection

                server_connection.ensure_connection()
                killed.append(server_connection.connection.get_backend_pid())
                _terminate_backend(killed[0])
            return original(public_id)

        monkeypatch.setattr(station_selectors, "public_station", killing_selector)
        url = live_server.url + reverse("public:station", args=[station.public_id])

        status, body = _get(url)
        assert status == 500
        assert "服务器暂时出错" in body and "Traceback" not in body and "OperationalError" not in body
        assert killed
        status, body = _get(url)
        assert status == 200 and station.name in body

    def test_on_postgresql_a_backend_killed_between_requests_is_replaced_by_the_health_check(
        self, live_server, regions, monkeypatch
    ):
        from liaison_stations import selectors as station_selectors

        station = StationFactory(region=regions.town_a)
        original, pids = station_selectors.public_station, []

        def recording_selector(public_id):
            from django.db import connection as server_connection

            server_connection.ensure_connection()
            pids.append(server_connection.connection.get_backend_pid())
            return original(public_id)

        monkeypatch.setattr(station_selectors, "public_station", recording_selector)
        url = live_server.url + reverse("public:station", args=[station.public_id])
        assert _get(url)[0] == 200
        _terminate_backend(pids[-1])
        # The persistent connection is dead; CONN_HEALTH_CHECKS notices before the request uses it.
        status, body = _get(url)
        assert status == 200 and station.name in body
        assert pids[-1] != pids[0]


@pytest.mark.django_db
def test_a_lost_connection_gives_the_error_page_and_the_next_request_works(regions, monkeypatch):
    # The embedded run cannot kill a SQLite backend: the selector raises what a dropped connection raises.
    from liaison_stations import selectors as station_selectors

    station = StationFactory(region=regions.town_a)
    original, calls = station_selectors.public_station, []

    def failing_once(public_id):
        calls.append(public_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(public_id)

    monkeypatch.setattr(station_selectors, "public_station", failing_once)
    client = Client(raise_request_exception=False)
    url = reverse("public:station", args=[station.public_id])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器暂时出错" in body and "Traceback" not in body
    response = client.get(url)
    assert response.status_code == 200 and station.name in response.content.decode()


# A failed import or scoring run leaves the data as it was -------------------------------------------------------


def roster_snapshot():
    from auditlog.models import LogEntry

    from representatives.models import Deputy, Membership

    return (
        sorted(Deputy.objects.values_list("code", "name", "phone", "work_unit", "region_id")),
        sorted(Membership.objects.values_list("deputy__code", "congress_id", "status", "district")),
        LogEntry.objects.count(),
        StateLog.objects.count(),
    )


@pytest.fixture
def roster_congress(regions):
    from representatives.models import Level

    return CongressFactory(region=regions.county_a, level=Level.COUNTY, term_number=16, code="440703-16")


@pytest.fixture
def imported_roster(roster_congress, staff_a):
    """A roster already in the database, which the failing imports below try to change."""
    from representatives.resources import import_roster
    from representatives.tests.conftest import FEMALE_ID_NUMBER, roster_row, roster_upload

    rows = [
        roster_row(**{"代表编号": "D0001", "姓名": "李四", "代表小组": "", "专业小组": ""}),
        roster_row(
            **{
                "代表编号": "D0002",
                "姓名": "王芳",
                "性别": "女",
                "身份证号": FEMALE_ID_NUMBER,
                "代表小组": "",
                "专业小组": "",
            }
        ),
    ]
    assert import_roster(roster_upload(rows), user=staff_a).ok
    return rows


def failing_seat_write(writes):
    """A database wrapper failing the first write to the seats table, after the deputies' writes went through.

    Injected at the database rather than at ``Membership.save``: the roster import writes in bulk.
    """

    def wrapper(execute, sql, params, many, context):
        head = sql.lstrip()[:80].upper()
        if head.startswith(("INSERT", "UPDATE")) and "REPRESENTATIVES_" in head:
            writes.append(head)
            if "REPRESENTATIVES_MEMBERSHIP" in head:
                raise OperationalError("disk full")
        return execute(sql, params, many, context)

    return wrapper


@contextlib.contextmanager
def seat_writes_failing(writes):
    """``failing_seat_write`` for every way the import writes: SQL statements, and on PostgreSQL the COPY of
    ``core.copy_insert``, which goes to psycopg2 directly and past Django's execute wrappers."""
    from core import copy_insert
    from representatives.models import Membership

    real_insert = copy_insert.insert

    def insert(model, objs, **kwargs):
        if connection.vendor == "postgresql" and objs:
            writes.append(f"COPY {model._meta.db_table}")
            if model is Membership:
                raise OperationalError("disk full")
        return real_insert(model, objs, **kwargs)

    with mock.patch.object(copy_insert, "insert", insert), connection.execute_wrapper(failing_seat_write(writes)):
        yield


@pytest.mark.django_db
class TestFailedImportsChangeNothing:
    def changed_roster(self, imported_roster, bad_middle_row=False):
        from representatives.tests.conftest import roster_row, roster_upload

        rows = [
            {**imported_roster[0], "姓名": "李四明", "工作单位": "新单位"},
            roster_row(**{"代表编号": "D0003", "姓名": "赵六", "代表小组": "", "专业小组": ""}),
            {**imported_roster[1], "联系电话": "13800000099"},
            roster_row(**{"代表编号": "D0004", "姓名": "钱七", "代表小组": "", "专业小组": ""}),
        ]
        if bad_middle_row:
            rows[1]["所在区域代码"] = "999999"
        return roster_upload(rows)

    def test_a_bad_row_in_the_middle_refuses_the_whole_file(self, imported_roster, staff_a):
        from representatives.resources import import_roster

        before = roster_snapshot()
        outcome = import_roster(self.changed_roster(imported_roster, bad_middle_row=True), user=staff_a)
        assert not outcome.ok and any("3" in error for error in outcome.errors), outcome.errors
        assert roster_snapshot() == before

    def test_an_exception_while_writing_the_third_row_rolls_back_the_rows_written_before_it(
        self, imported_roster, staff_a
    ):
        from representatives.resources import import_roster

        before = roster_snapshot()
        writes = []
        upload = self.changed_roster(imported_roster)
        try:
            with seat_writes_failing(writes):
                outcome = import_roster(upload, user=staff_a)
        except OperationalError:
            pass
        else:
            assert not outcome.ok
        assert len(writes) >= 2  # deputies were written before the failure, then rolled back
        assert roster_snapshot() == before

    def test_a_confirmed_admin_import_failing_mid_write_shows_an_answer_and_changes_nothing(
        self, client, imported_roster, staff_a
    ):
        client.force_login(staff_a)
        client.raise_request_exception = False
        preview = client.post(
            reverse("admin:representatives_membership_import"),
            {"resource": "0", "import_file": self.changed_roster(imported_roster)},
        )
        assert preview.status_code == 200 and preview.context["confirm_form"] is not None
        before = roster_snapshot()
        writes = []
        with seat_writes_failing(writes):
            confirm = client.post(
                reverse("admin:representatives_membership_process_import"), preview.context["confirm_form"].initial
            )
        assert writes, "the confirmation never reached the write"
        if confirm.status_code == 500:
            # At worst the project's own error page, never a traceback.
            assert "服务器暂时出错" in confirm.content.decode() and "Traceback" not in confirm.content.decode()
        else:
            assert confirm.status_code in (200, 302)
        assert roster_snapshot() == before


@pytest.mark.django_db
class TestFailedScoringChangesNothing:
    def test_a_run_failing_after_the_counts_were_written_keeps_the_previous_scores(self, regions, monkeypatch):
        from evaluations import scoring
        from evaluations import services as evaluation_services
        from evaluations.models import Score, ScoreRun
        from representatives.models import ActivityKind
        from representatives.tests.factories import ActivityRecordFactory

        congress = CongressFactory(region=regions.county_a, level=4, code="440703-4-17")
        deputies = [DeputyFactory(region=regions.town_a) for _ in range(3)]
        for deputy in deputies:
            MembershipFactory(deputy=deputy, congress=congress)
        rule_set = evaluation_services.rule_set_create_example(region=regions.county_a, year=2025)
        evaluation_services.score_year_now(rule_set=rule_set)

        def scores():
            return sorted(Score.objects.filter(rule_set=rule_set).values_list("deputy_id", "total", "grade"))

        before = scores()
        assert len(before) == 3
        # New activity that a successful run would count...
        for _ in range(2):
            ActivityRecordFactory(
                deputy=deputies[0], kind=ActivityKind.INSPECTION, status="confirmed", date=datetime.date(2025, 5, 1)
            )
        written = []
        insert_scores = scoring.insert_scores

        def insert_then_fail(rule_set, now):
            insert_scores(rule_set, now)
            written.append(Score.objects.filter(rule_set=rule_set).count())
            raise RuntimeError("worker lost")

        monkeypatch.setattr(scoring, "insert_scores", insert_then_fail)
        with pytest.raises(RuntimeError):
            evaluation_services.score_year_now(rule_set=rule_set)
        # ...the scores were inserted when it failed, and none of it is left.
        assert written == [3]
        assert scores() == before
        run = ScoreRun.objects.order_by("-pk").first()
        assert run.status == ScoreRun.Status.FAILED and "worker lost" in run.error
        # The same run without the fault does change the scores, so the comparison above could have failed.
        monkeypatch.undo()
        evaluation_services.score_year_now(rule_set=rule_set)
        assert scores() != before


# A Celery worker killed in the middle of a run ------------------------------------------------------------------


@pytest.fixture
def fault_queue():
    from pathlib import Path

    from django.conf import settings as django_settings

    name = f"test-faults-{uuid.uuid4().hex[:12]}"
    # Earlier tests may have left Celery's pools closed or bound to another broker; start from fresh ones.
    _reset_celery_pools()
    yield name
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)
        conn.default_channel.exchange_delete(name)
    control = getattr(django_settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("control_folder")
    if control:
        (Path(control) / f"{name}.exchange").unlink(missing_ok=True)


class Workers:
    """Real Celery worker processes on the configured broker, reading the test's database."""

    def __init__(self, queue, sms_log, database_url):
        self.queue, self.sms_log, self.database_url = queue, sms_log, database_url
        self.processes = []

    def start(self, *, hold_after: int | None = None):
        """A worker; with ``hold_after``, its gateway stops before the message after that many were recorded."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "congress.testing.fault_worker_settings",
            "DATABASE_URL": self.database_url,
            "FAULT_QUEUE": self.queue,
            "FAULT_SMS_LOG": str(self.sms_log),
        }
        env.pop("FAULT_SMS_HOLD_AFTER", None)
        if hold_after is not None:
            env["FAULT_SMS_HOLD_AFTER"] = str(hold_after)
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and module, no user input
            [sys.executable, "-m", "celery", "-A", "congress", "worker", "--pool=solo", "--loglevel=WARNING"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", self.queue],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            process.stderr.close()


@pytest.fixture
def workers(fault_queue, tmp_path):
    from suggestions.tests.test_celery_reminders import _database_url

    database_url = _database_url()
    if database_url is None:
        pytest.skip("测试数据库是内存中的 SQLite，Celery worker 进程打不开；请用 PostgreSQL 运行此测试。")
    pool = Workers(fault_queue, tmp_path / "sms.log", database_url)
    yield pool
    pool.stop_all()


def sent_sms(workers) -> list[str]:
    return workers.sms_log.read_text().split() if workers.sms_log.exists() else []


def wait_for(condition, process=None, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail("Celery worker exited: " + process.stderr.read().decode(errors="replace"))
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the worker")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_leaves_the_rest_to_the_next_run_and_no_phone_gets_two(
    regions, workers, fault_queue
):
    """Kill -9 the worker while it hands SMS to the gateway; beat's next runs (the sweep again, and the
    periodic delivery) on a fresh worker send the rest. The killed run's own message is not relied on: the
    filesystem transport has already removed it, and Redis would only restore it after visibility_timeout
    (an hour); when it does come back it finds nothing left to send."""
    from suggestions.tasks import send_deadline_reminders

    count = 12
    items = due_suggestions(regions, count)
    HandlingUnit.objects.update(email="")  # SMS only: the recording gateway is what the test counts
    phones = sorted(Assignment.objects.filter(suggestion__in=items).values_list("unit__contact_phone", flat=True))

    first = workers.start(hold_after=4)
    send_deadline_reminders.apply_async(queue=fault_queue)
    # The gateway has taken the fifth message and holds it: killed now, the worker leaves that one unsent.
    wait_for(holding_marker(workers.sms_log).exists, first)
    first.kill()
    first.wait()
    delivered_before_kill = sent_sms(workers)
    assert len(delivered_before_kill) == 4
    assert NoticeRecord.objects.count() == count
    assert OutgoingMessage.objects.filter(sent_at__isnull=True).count() == count - len(delivered_before_kill)

    second = workers.start()
    # Beat: the sweep's retry claims nothing new, and the periodic delivery sends what is left.
    retry = send_deadline_reminders.apply_async(queue=fault_queue)
    deliver_outbox.apply_async(queue=fault_queue)
    wait_for(lambda: len(sent_sms(workers)) >= count, second)
    wait_for(lambda: not OutgoingMessage.objects.filter(sent_at__isnull=True).exists(), second)
    try:
        assert retry.get(timeout=30) == 0
    finally:
        retry.forget()

    assert sorted(sent_sms(workers)) == phones  # every phone once: none lost, none doubled
    assert NoticeRecord.objects.count() == count
    assert OutgoingMessage.objects.filter(channel="sms").count() == count
