"""Scale-out shown on one machine (deploy/README.md, "Scaling out"; issue 18).

Starts two app servers (gunicorn on two ports, two workers each), two Celery workers and one beat against one
PostgreSQL database and one Redis database, then checks, printing each result:

1. a session made on server A works on server B;
2. login failures split across A and B add up to django-axes' lockout;
3. the public opinion form's per-address rate limit counts the posts to both servers together;
4. a value written to the cache by A's process is read by B's;
5. beat runs once: a second beat is refused (it finds the first one's lock in Redis and exits), and the one beat
   queues an every-2-seconds probe task at that pace, not twice;
6. the suggestion reminder sweep started on both workers at the same moment sends each notice once (the ledger).

    .venv/bin/python bench/scaleout.py            # fresh database scale_demo: migrate, small demo (~2 min)
    .venv/bin/python bench/scaleout.py --reuse    # keep the database already made

Exits 1 if any check fails. ``make scaleout`` runs it; ``pytest -m scaleout`` runs it as a test.
"""

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PORTS = {"A": 18181, "B": 18182}
PROBE_EVERY = 2  # seconds between the beat probe's runs
PROBE_WATCH = 11  # seconds the probe's runs are counted


def configure(args) -> dict[str, str]:
    """One environment for every process, as /etc/congress/env would be on each machine."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://{args.pg_user}@{args.pg_host}:{args.pg_port}/{args.db}",
            "REDIS_URL": f"redis://{args.redis_host}:6379/{args.redis_db}",
            "DEBUG": "false",
            "SECRET_KEY": env.get("SCALEOUT_SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on the loopback: no TLS terminator in front of the demo's servers.
            "SECURE_SSL_REDIRECT": "false",
            "SITE_URL": f"http://127.0.0.1:{PORTS['A']}",
            "GUNICORN_WORKERS": "2",
            "CELERY_CONCURRENCY": "1",
            "LOG_FORMAT": "plain",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "congress.settings.base",
        }
    )
    return env


# Processes ------------------------------------------------------------------------------------------------------


class Fleet:
    """The started processes, each logging to its own file; stopped in reverse order, by their own ids."""

    def __init__(self, env, logs: Path):
        self.env, self.logs = env, logs
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], **extra_env) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv, cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def manage(env, *argv: str) -> None:
    subprocess.run([PYTHON, "manage.py", *argv], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(args, env) -> None:
    import psycopg2

    conn = psycopg2.connect(host=args.pg_host, port=args.pg_port, user=args.pg_user, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{args.db}"')
    conn.close()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--deputies", "200", "--years", "1")


# HTTP -----------------------------------------------------------------------------------------------------------


class Browser:
    """Cookies kept by hand (the servers mark them Secure, which a cookie jar would not send over plain HTTP)."""

    def __init__(self, address: str = "127.0.0.1"):
        self.cookies: dict[str, str] = {}
        self.address = address

    def request(self, server: str, path: str, data: dict | bytes | None = None, headers: dict | None = None):
        url = f"http://127.0.0.1:{PORTS[server]}{path}"
        body = urllib.parse.urlencode(data, doseq=True).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(url, data=body, headers=dict(headers or {}))
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read().decode(errors="replace")

    def csrf(self, server: str, path: str) -> str:
        _status, _headers, html = self.request(server, path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, f"no form at {path}"
        return match.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_until_up(fleet: Fleet, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for server in PORTS:
        while True:
            try:
                status, _h, body = Browser().request(server, "/__scaleout__/whoami")
                if status == 200:
                    break
            except OSError:
                pass
            if fleet.procs[f"web-{server}"].poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server {server} did not start:\n{fleet.log(f'web-{server}')[-3000:]}")
            time.sleep(0.5)


# Checks ---------------------------------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.results: list[tuple[str, bool]] = []

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.results.append((name, ok))
        print(f"[{'PASS' if ok else 'FAIL'}] {name}: {detail}", flush=True)

    @property
    def ok(self) -> bool:
        return all(ok for _name, ok in self.results)


def check_session(report: Report, login_path: str) -> None:
    browser = Browser()
    token = browser.csrf("A", login_path)
    status, headers, _ = browser.request(
        "A", login_path, {"csrfmiddlewaretoken": token, "username": "staff", "password": DEMO_PASSWORD}
    )
    logged_in = status == 302
    status_b, headers_b, html_b = browser.request("B", "/staff/")
    report.check(
        "session made on A works on B",
        logged_in and status_b == 200 and 'action="/accounts/logout/"' in html_b,  # the signed-in menu
        f"login on A → {status} {headers.get('Location')}; /staff/ on B → {status_b}"
        f"{' ' + str(headers_b.get('Location')) if status_b != 200 else ' (signed in)'}",
    )


def check_lockout(report: Report, login_path: str, limit: int) -> None:
    from axes.models import AccessAttempt

    browser = Browser()
    seen = []
    for attempt in range(limit):
        server = "AB"[attempt % 2]
        token = browser.csrf(server, login_path)
        status, _h, _b = browser.request(
            server, login_path, {"csrfmiddlewaretoken": token, "username": "leader", "password": "wrong-password"}
        )
        seen.append(f"{server}:{status}")
    # The right password now, on either server: refused, the five failures were counted together.
    results = {}
    for server in "AB":
        token = browser.csrf(server, login_path)
        status, _h, _b = browser.request(
            server, login_path, {"csrfmiddlewaretoken": token, "username": "leader", "password": DEMO_PASSWORD}
        )
        results[server] = status
    failures = sum(AccessAttempt.objects.filter(username="leader").values_list("failures_since_start", flat=True))
    report.check(
        "login failures on A and B add up to the lockout",
        results == {"A": 429, "B": 429} and failures >= limit,
        f"failures {' '.join(seen)} (limit {limit}); then the right password → A {results['A']}, B {results['B']}; "
        f"axes counts {failures} failures in the database",
    )


def check_rate_limit(report: Report, form_path: str, limit: int) -> None:
    browser = Browser()
    statuses = []
    for attempt in range(limit + 2):
        server = "AB"[attempt % 2]
        token = browser.csrf(server, form_path)
        # An empty post: the limit is counted before the form is read, so nothing is stored.
        status, _h, _b = browser.request(server, form_path, {"csrfmiddlewaretoken": token})
        statuses.append((server, status))
    accepted = [s for s in statuses if s[1] != 429]
    report.check(
        "the public form's rate limit counts across both servers",
        len(accepted) == limit and all(status == 429 for _s, status in statuses[limit:]),
        " ".join(f"{server}:{status}" for server, status in statuses) + f" (limit {limit} per address in total)",
    )


def check_cache(report: Report) -> None:
    browser = Browser()
    value = secrets.token_hex(4)
    _s, _h, wrote = browser.request("A", "/__scaleout__/cache/probe", value.encode())
    _s, _h, read = browser.request("B", "/__scaleout__/cache/probe")
    report.check("a cache write on A is read on B", f"'{value}'" in read, f"A: {wrote} {value!r}; B: {read}")


def check_beat(report: Report, fleet: Fleet) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    from congress.celery import BEAT_REFUSED_EXIT

    second = fleet.start("beat-2", [str(BIN / "celery"), "-A", "congress", "beat", "--loglevel=INFO", "--pidfile="])
    try:
        code = second.wait(60)
    except subprocess.TimeoutExpired:
        code = None
    refusal = next((line for line in fleet.log("beat-2").splitlines() if "beat refused" in line), "")
    report.check(
        "a second beat is refused",
        code == BEAT_REFUSED_EXIT and bool(refusal),
        f"exit code {code}; {refusal.strip() or 'no refusal in its log'}",
    )
    every, _ = IntervalSchedule.objects.get_or_create(every=PROBE_EVERY, period=IntervalSchedule.SECONDS)
    # The site's own heartbeat (every five minutes) runs the same task: paused for the window, or a window
    # across hh:m0:00 or hh:m5:00 counts one run more (seen in CI: 7 where one beat makes 6).
    site_heartbeats = list(
        PeriodicTask.objects.filter(task="congress.celery.heartbeat", enabled=True)
        .exclude(name="scaleout-probe")
        .values_list("pk", flat=True)
    )
    PeriodicTask.objects.filter(pk__in=site_heartbeats).update(enabled=False)
    # Saving the probe below tells the scheduler to reload (a queryset update alone sends no signal).
    PeriodicTask.objects.update_or_create(
        name="scaleout-probe", defaults={"task": "congress.celery.heartbeat", "interval": every, "enabled": True}
    )
    # The DatabaseScheduler notices a changed schedule at its next tick (at most 5 s); then count the probes the
    # workers ran in a fixed window.
    time.sleep(8)
    before = probe_runs(fleet)
    time.sleep(PROBE_WATCH)
    runs = probe_runs(fleet) - before
    PeriodicTask.objects.filter(name="scaleout-probe").update(enabled=False)
    PeriodicTask.objects.filter(pk__in=site_heartbeats).update(enabled=True)
    PeriodicTasks.update_changed()
    expected = PROBE_WATCH / PROBE_EVERY
    report.check(
        "the one beat queues each periodic task once",
        expected - 2 <= runs <= expected + 1,
        f"{runs} runs of the every-{PROBE_EVERY}-s probe in {PROBE_WATCH} s across both workers "
        f"(one beat: about {expected:.0f}; two would make about {2 * expected:.0f})",
    )


def probe_runs(fleet: Fleet) -> int:
    pattern = re.compile(r"Task congress\.celery\.heartbeat\[[^\]]+\] succeeded")
    return sum(len(pattern.findall(fleet.log(name))) for name in ("worker-A", "worker-B"))


def check_sweep(report: Report, fleet: Fleet) -> None:
    from django.db.models import F
    from django.utils import timezone

    from congress.celery import app
    from core.models import NoticeRecord, Notification, OutgoingMessage
    from representatives.models import HandlingUnit
    from suggestions import reminders
    from suggestions.models import Assignment, Suggestion

    today = timezone.localdate()
    # Make reminders due today: the demo's live parts get a deadline that has a reminder step today and whose
    # notices no earlier run has sent (the ledger keys hold the deadline), so a rerun with --reuse sends again.
    parts = list(
        Assignment.objects.filter(
            status=Assignment.Status.ACTIVE,
            suggestion__status__in=[Suggestion.Status.ASSIGNED, Suggestion.Status.REPLIED],
            round=F("suggestion__round"),
        ).values_list("pk", flat=True)[:40]
    )
    for deadline in reminders._deadlines_due(today):
        Assignment.objects.filter(pk__in=parts).update(deadline=deadline)
        keys = [notice.key for notice in reminders.build_notices(today)]
        if keys and not NoticeRecord.objects.filter(key__in=keys).exists():
            break
    for unit in HandlingUnit.objects.filter(assignments__pk__in=parts, email="").distinct():
        HandlingUnit.objects.filter(pk=unit.pk).update(email=f"unit{unit.pk}@example.gov.cn")
    ledger, inbox, outbox = NoticeRecord.objects.count(), Notification.objects.count(), OutgoingMessage.objects.count()

    def both_at_once() -> dict[str, int]:
        started = {
            queue: app.send_task("suggestions.tasks.send_deadline_reminders", queue=queue)
            for queue in ("scaleout-A", "scaleout-B")
        }
        sent = {queue[-1]: result.get(timeout=120) for queue, result in started.items()}
        for server, result in zip("AB", started.values(), strict=True):
            times[server] = task_times(fleet, f"worker-{server}", result.id)
        return sent

    times: dict[str, str] = {}
    first = both_at_once()
    first_times = dict(times)
    claimed = NoticeRecord.objects.count() - ledger
    new_inbox = Notification.objects.count() - inbox
    new_outbox = OutgoingMessage.objects.count() - outbox
    second = both_at_once()
    again = NoticeRecord.objects.count() - ledger - claimed
    keys = list(NoticeRecord.objects.values_list("key", flat=True))
    report.check(
        "a sweep started on both workers at once sends each notice once",
        sum(first.values()) == claimed > 0 and sum(second.values()) == 0 and again == 0 and len(keys) == len(set(keys)),
        f"worker A sent {first['A']}, worker B sent {first['B']}: {sum(first.values())} notices = {claimed} new ledger "
        f"keys ({new_inbox} inbox rows, {new_outbox} e-mail/SMS); worker A ran {first_times['A']}, worker B ran "
        f"{first_times['B']}; both again: A {second['A']}, B {second['B']}",
    )


def task_times(fleet: Fleet, name: str, task_id: str) -> str:
    """When the worker received and finished the task (its log's clock), e.g. "17:37:58.362–17:37:58.596"."""
    stamps = re.findall(
        rf"\[\d{{4}}-\d\d-\d\d (\d\d:\d\d:\d\d),(\d+)[^\]]*\] Task [\w.]+\[{task_id}\]", fleet.log(name)
    )
    return "–".join(f"{clock}.{ms}" for clock, ms in stamps) or "?"


# Main -----------------------------------------------------------------------------------------------------------

DEMO_PASSWORD = ""


def main(argv: list[str] | None = None) -> int:
    global DEMO_PASSWORD
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=os.environ.get("SCALEOUT_DB", "scale_demo"))
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", default="5432")
    parser.add_argument("--pg-user", default=os.environ.get("PGUSER", "root"))
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("SCALEOUT_REDIS_DB", "8")))
    parser.add_argument("--reuse", action="store_true", help="keep the database made by an earlier run")
    parser.add_argument("--logs", help="folder for the processes' logs (default: a temporary one)")
    args = parser.parse_args(argv)

    env = configure(args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    if not args.reuse:
        print(f"database {args.db}: migrate and a small demo ...", flush=True)
        prepare_database(args, env)
    import redis

    # Only this demo's own Redis database is emptied: sessions, cache, rate limits, broker and the beat lock.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()

    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from liaison_stations.models import Station
    from representatives.demo import DEMO_PASSWORD as password

    DEMO_PASSWORD = password
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()  # an earlier run's failures (--reuse) would lock the demo account already
    login_path = reverse("login")
    station = Station.objects.filter(is_active=True).order_by("pk").first()
    assert station is not None, "the demo has no station"
    form_path = reverse("public:opinion_form", args=[station.public_id])
    from liaison_stations.ratelimit import limits_for

    form_limit = min(count for count, _seconds in limits_for("opinion"))

    logs = Path(args.logs) if args.logs else Path(tempfile.mkdtemp(prefix="scaleout-"))
    logs.mkdir(parents=True, exist_ok=True)
    fleet = Fleet(env, logs)
    report = Report()
    try:
        for server in PORTS:
            fleet.start(
                f"web-{server}",
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "bench.scaleout_wsgi:application"],
                GUNICORN_BIND=f"127.0.0.1:{PORTS[server]}",
                SCALEOUT_SERVER=server,
            )
            # Each worker takes the shared queue and its own, so the demo can hand one task to each.
            fleet.start(
                f"worker-{server}",
                [
                    str(BIN / "celery"),
                    "-A",
                    "congress",
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=1",
                    f"--hostname=worker-{server}@%h",
                    f"--queues=celery,scaleout-{server}",
                ],
            )
        fleet.start("beat", [str(BIN / "celery"), "-A", "congress", "beat", "--loglevel=INFO", "--pidfile="])
        wait_until_up(fleet)
        print(
            f"up in {time.monotonic() - started:.0f} s: web A :{PORTS['A']}, web B :{PORTS['B']} (2 gunicorn workers "
            f"each), workers A and B, one beat; PostgreSQL {args.db}, Redis db {args.redis_db}; logs in {logs}",
            flush=True,
        )
        check_session(report, login_path)
        check_lockout(report, login_path, settings.AXES_FAILURE_LIMIT)
        check_rate_limit(report, form_path, form_limit)
        check_cache(report)
        check_sweep(report, fleet)
        check_beat(report, fleet)
    finally:
        fleet.stop()
    print(f"{'all checks passed' if report.ok else 'SOME CHECKS FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
