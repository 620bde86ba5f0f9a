"""Bench of the embedded setup: ``make run``'s SQLite database, web server, Celery worker and beat, used by a
small team at once.

    .venv/bin/python bench/embedded.py                        # 10 clients for 60 s (make bench-embedded)
    .venv/bin/python bench/embedded.py --clients 3 --duration 300 --keep /tmp/embedded

A fresh database in a temp folder (``VAR_DIR``) is migrated and loaded with ``seed_demo``, then served exactly
as ``make run`` serves it (``python -m congress.devserver``: runserver with its reloader and threads, DEBUG on,
a Celery worker and beat on the filesystem broker). The clients are threads, each a browser signed in through
the login form as one of the demo accounts, going through a realistic session over and over: lists, detail
pages, Excel exports; the deputy logs activities through the form; staff confirm pending activity records.

Errors, target 0: any 5xx, a 400 anywhere, a refused or re-rendered form, a session that was signed out, any
"database is locked" or traceback in the server, worker or beat log, a beat database error. See bench/README.md.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = ROOT / "bench" / "results"
PASSWORD = "demo-pass-2026"  # noqa: S105 — the public demo password that seed_demo prints
# Who the clients are, in turn: the office is most of the traffic, then deputies, a leader and a unit clerk.
ROLES = ("staff", "deputy", "staff_county", "leader", "clerk", "admin", "staff", "deputy", "staff_county", "clerk")
# Counted in lines of the combined log (with DEBUG on, Django prints a request's traceback twice: its own console
# handler and ours), so they are not a count of requests; the client's figures are.
LOG_PATTERNS = {
    "lines with 'database is locked'": re.compile(r"database is locked"),
    "tracebacks": re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE),
    "beat database errors": re.compile(r"Database error while sync|beat.*(OperationalError|DatabaseError)"),
    "failed tasks": re.compile(r"ERROR/\S+\] Task .* raised"),
}


def today() -> datetime.date:
    # The office's date (TIME_ZONE), which the activity form checks a date against.
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def log(message: str) -> None:
    print(f"[embedded {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_env(args, var_dir: Path) -> dict:
    # What make run has: DEBUG on (its .env), no DATABASE_URL or REDIS_URL, the plain log at INFO.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "LOG_LEVEL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": args.settings,
            "DEBUG": "true",
            "VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env, *argv) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *argv], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def prepare(args, env) -> dict:
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    migrated = time.monotonic()
    manage(env, "seed_demo")
    seeded = time.monotonic()
    # Beat's own work during a short run: the heartbeat and the outbox delivery every minute instead of every
    # five and ten, so that beat writes its schedule and the worker writes rows while the clients are busy.
    manage(
        env,
        "shell",
        "-c",
        "from django_celery_beat.models import CrontabSchedule, PeriodicTask;"
        "every = CrontabSchedule.objects.create(minute='*', timezone='Asia/Shanghai');"
        "PeriodicTask.objects.filter(name__in=['heartbeat', 'deliver-outbox']).update(crontab=every)",
    )
    return {"migrate_s": round(migrated - started, 1), "seed_s": round(seeded - migrated, 1)}


# --- the server, as make run starts it -------------------------------------------------------------------------


class Server:
    def __init__(self, args, env, log_path: Path):
        self.port = args.port or free_port()
        self.log_path = log_path
        self.log_file = log_path.open("wb")
        self.process = subprocess.Popen(
            # Without the reloader: a file saved in the checkout during the run would restart the server, which
            # no office user can cause.
            [str(PYTHON), "-m", "congress.devserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self, timeout=120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.output()
            if " ready." in out and "beat: Starting" in out:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    conn.request("GET", "/accounts/login/")
                    if conn.getresponse().status == 200:
                        return
                except OSError:
                    pass
            if self.process.poll() is not None:
                raise SystemExit("the dev server exited:\n" + out[-3000:])
            time.sleep(0.3)
        raise SystemExit("the dev server did not start:\n" + self.output()[-3000:])

    def stop(self) -> float:
        """Ctrl-C, as a developer stops make run; returns how long everything took to stop."""
        started = time.monotonic()
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        finally:
            self.log_file.close()
        return time.monotonic() - started


# --- a browser with a session --------------------------------------------------------------------------------


class SignedOut(Exception):
    pass


class LoginFailed(Exception):
    pass


class TimeUp(Exception):
    """The measured time is over: a client sends nothing more, and finishes what it had sent."""


class Browser:
    def __init__(self, port: int, stats: "Stats", role: str):
        self.port, self.stats, self.role = port, stats, role
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, action: str, method: str, path: str, form: dict | None = None):
        if time.monotonic() >= self.stats.deadline:
            raise TimeUp
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError):
                # runserver closes a keep-alive connection now and then; a browser reconnects.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    self.stats.record(self.role, action, method, path, 0, time.perf_counter() - started)
                    raise
                started = time.perf_counter()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = response.getheader("Location") or ""
        self.stats.record(self.role, action, method, path, response.status, elapsed, location)
        if response.status == 302 and "/accounts/login/" in location and action != "login":
            raise SignedOut(path)
        return response.status, payload, location

    def get(self, action: str, path: str):
        return self.request(action, "GET", path)

    @staticmethod
    def csrf_token(html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1).decode() if match else ""

    def post(self, action: str, path: str, html: bytes, fields: dict):
        return self.request(action, "POST", path, {"csrfmiddlewaretoken": self.csrf_token(html), **fields})

    def login(self) -> None:
        _, html, _ = self.get("login", "/accounts/login/")
        status, _, _ = self.post("login", "/accounts/login/", html, {"username": self.role, "password": PASSWORD})
        if status != 302:
            raise LoginFailed(f"login as {self.role} failed (HTTP {status})")


# --- what each role does --------------------------------------------------------------------------------------


def links(html: bytes, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern.encode(), html)), key=lambda b: b.decode())


def pick(html: bytes, pattern: str) -> str | None:
    found = links(html, pattern)
    return random.choice(found).decode() if found else None  # noqa: S311 — not security


def browse_list_and_one(browser: Browser, name: str, path: str, detail_pattern: str) -> None:
    _, html, _ = browser.get(f"{name} list", path)
    detail = pick(html, detail_pattern)
    if detail:
        browser.get(f"{name} detail", detail)


STAFF_EXPORTS = [
    ("export directory xlsx", "/staff/deputies/?export=xlsx"),
    ("export activities xlsx", "/staff/activities/?export=xlsx&status=confirmed&date_from={year}-01-01"),
    ("export opinions xlsx", "/staff/opinions/?export=xlsx"),
    ("export suggestions xlsx", "/staff/suggestions/?export=xlsx"),
    ("export stations xlsx", "/staff/stations/?export=xlsx"),
]


def staff_session(browser: Browser, cycle: int) -> None:
    browser.get("staff home", "/staff/")
    browse_list_and_one(browser, "deputy", f"/staff/deputies/?page={1 + cycle % 5}", r'href="(/staff/deputies/\d+/)"')
    # Confirming what deputies logged: the pending list, one record, its confirm button.
    _, html, _ = browser.get("pending activities", "/staff/activities/?status=pending")
    record = pick(html, r'href="(/staff/activities/\d+/)"')
    if record:
        _, page, _ = browser.get("activity detail", record)
        if b"/confirm/" in page:
            status, _, _ = browser.post("confirm activity", record + "confirm/", page, {})
            browser.stats.expect_redirect("confirm activity", status)
    browse_list_and_one(browser, "opinion", "/staff/opinions/", r'href="(/staff/opinions/\d+/)"')
    browse_list_and_one(browser, "suggestion", "/staff/suggestions/", r'href="(/staff/suggestions/\d+/)"')
    name, path = STAFF_EXPORTS[cycle % len(STAFF_EXPORTS)]
    browser.get(name, path.format(year=today().year))


def leader_session(browser: Browser, cycle: int) -> None:
    browser.get("staff home", "/staff/")
    browser.get("dashboard", "/staff/dashboard/")
    browse_list_and_one(browser, "deputy", f"/staff/deputies/?page={1 + cycle % 5}", r'href="(/staff/deputies/\d+/)"')
    browse_list_and_one(browser, "suggestion", "/staff/suggestions/", r'href="(/staff/suggestions/\d+/)"')
    browser.get("station list", "/staff/stations/")
    if cycle % 2 == 0:
        browser.get("export directory xlsx", "/staff/deputies/?export=xlsx")


def deputy_session(browser: Browser, cycle: int) -> None:
    browser.get("my home", "/me/")
    # Logging an activity from a phone: the form, then the post.
    _, html, _ = browser.get("activity form", "/me/activities/new/")
    status, _, location = browser.post(
        "log activity",
        "/me/activities/new/",
        html,
        {
            "kind": "research",
            "date": today().isoformat(),
            "place": "白沙街道社区服务中心",
            "description": f"走访社区，听取居民对老旧小区改造的意见（压测 {cycle}）。",
            "voters_attended": "",
            "voter_rating": "",
        },
    )
    browser.stats.expect_redirect("log activity", status)
    if status == 302 and location:
        browser.get("my activity", location)
    browser.get("my file", "/me/file/")
    browser.get("my suggestions", "/me/suggestions/")
    browser.get("my opinions", "/me/opinions/")


def clerk_session(browser: Browser, cycle: int) -> None:
    browser.get("unit home", "/unit/")
    browse_list_and_one(browser, "unit suggestion", "/unit/suggestions/", r'href="(/unit/suggestions/\d+/)"')
    browse_list_and_one(browser, "unit opinion", "/unit/opinions/", r'href="(/unit/opinions/\d+/)"')


SESSIONS = {
    "staff": staff_session,
    "staff_county": staff_session,
    "admin": staff_session,
    "leader": leader_session,
    "deputy": deputy_session,
    "clerk": clerk_session,
}


# --- measuring -----------------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.errors: list[dict] = []
        self.measuring = False
        self.deadline = float("inf")
        self.finished: list[float] = []

    def record(self, role, action, method, path, status, seconds, location="") -> None:
        with self.lock:
            if not self.measuring:
                return
            self.times[action].append(seconds * 1000)
            self.finished.append(time.monotonic())
            self.statuses[action][status] += 1
            kind = None
            if status == 0:
                kind = "connection failed"
            elif status >= 500:
                kind = "5xx"
            elif status == 400:
                kind = "400"
            elif method == "POST" and status >= 400:
                kind = "form refused"
            elif status >= 400:
                kind = f"HTTP {status}"
            if kind:
                self.errors.append({"kind": kind, "role": role, "action": action, "path": path, "status": status})

    def expect_redirect(self, action, status) -> None:
        # A form that comes back with 200 was re-rendered with errors: what the user sees as a failed save.
        if status == 200:
            with self.lock:
                if self.measuring:
                    self.errors.append({"kind": "form re-rendered", "action": action, "status": status})

    def signed_out(self, role, path) -> None:
        with self.lock:
            if self.measuring:
                self.errors.append({"kind": "signed out", "role": role, "path": path})


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def run_clients(args, port: int) -> dict:
    stats = Stats()
    ready = threading.Barrier(args.clients + 1)
    failures = []

    def client(n: int) -> None:
        role = ROLES[n % len(ROLES)]
        browser = Browser(port, stats, role)
        try:
            browser.login()
        except Exception as exc:  # noqa: BLE001 — reported below, and the run goes on without this client
            failures.append(f"client {n} ({role}): {exc}")
            ready.wait()
            return
        ready.wait()
        cycle, sign_in_again = n, False
        while True:
            try:
                if sign_in_again:
                    browser.cookies.clear()
                    browser.login()
                    sign_in_again = False
                SESSIONS[role](browser, cycle)
            except TimeUp:
                return
            except SignedOut as exc:
                stats.signed_out(role, str(exc))
                sign_in_again = True
            except LoginFailed as exc:
                failures.append(f"client {n} ({role}): {exc}")
                return
            except (http.client.HTTPException, OSError):
                time.sleep(1)  # counted as "connection failed"; a person would not retry at once either
            cycle += 1
            if args.think:
                time.sleep(random.uniform(0, 2 * args.think))  # noqa: S311 — not security

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    with stats.lock:
        stats.measuring = True
    started = time.monotonic()
    stats.deadline = started + args.duration
    for thread in threads:
        thread.join(timeout=args.duration + 300)
    elapsed = time.monotonic() - started
    with stats.lock:
        stats.measuring = False
    every = [ms for values in stats.times.values() for ms in values]
    # The rate counts what finished inside the measured time; the latencies include the requests still running
    # at its end (an export may take many seconds), which finished afterwards.
    in_time = sum(1 for finished in stats.finished if finished <= stats.deadline)
    pages = {
        action: {
            "views": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
            "statuses": dict(sorted(stats.statuses[action].items())),
        }
        for action, values in sorted(stats.times.items())
    }
    return {
        "clients": args.clients,
        "seconds": args.duration,
        "tail_s": round(elapsed - args.duration, 1),
        "views": len(every),
        "views_per_s": round(in_time / args.duration, 1),
        "p50_ms": round(statistics.median(every), 1) if every else None,
        "p95_ms": round(percentile(every, 0.95), 1) if every else None,
        "pages": pages,
        "client_errors": stats.errors,
        "client_error_counts": dict(Counter(error["kind"] for error in stats.errors)),
        "client_failures": failures,
    }


def scan_log(text: str) -> dict[str, int]:
    return {name: len(pattern.findall(text)) for name, pattern in LOG_PATTERNS.items()}


def print_report(result: dict) -> None:
    clients = result["clients"]
    print()
    print(f"{'page':<28}{'views':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}  statuses")
    for action, row in clients["pages"].items():
        statuses = ", ".join(f"{code}×{n}" for code, n in row["statuses"].items())
        print(f"{action:<28}{row['views']:>7}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}  {statuses}")
    print()
    print(
        f"{clients['clients']} clients, {clients['seconds']:g} s (+{clients['tail_s']} s to finish): "
        f"{clients['views']} views, "
        f"{clients['views_per_s']} views/s, p50 {clients['p50_ms']} ms, p95 {clients['p95_ms']} ms"
    )
    print("client errors:", clients["client_error_counts"] or 0)
    for error in clients["client_errors"][:10]:
        print("  ", error)
    for failure in clients["client_failures"]:
        print("  ", failure)
    print("log:", result["log"])
    print(f"stopped in {result['stop_s']} s (Ctrl-C)")
    print(f"ERRORS: {result['errors']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60, help="seconds of measured use (default 60)")
    parser.add_argument("--think", type=float, default=0, help="mean pause between sessions, seconds (default 0)")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument(
        "--settings", default="congress.settings.base", help="settings module, to compare configurations"
    )
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (database and logs)")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-embedded-"))
    if args.keep and work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty; the bench starts from a fresh database")
    work.mkdir(parents=True, exist_ok=True)
    env = embedded_env(args, work / "var")
    log(f"preparing a fresh embedded database under {work}")
    setup = prepare(args, env)
    log(f"migrate {setup['migrate_s']} s, seed_demo {setup['seed_s']} s; starting the dev server")
    server = Server(args, env, work / "server.log")
    try:
        server.wait_until_ready()
        log(f"serving on 127.0.0.1:{server.port}; {args.clients} clients for {args.duration:g} s")
        clients = run_clients(args, server.port)
    finally:
        stop_s = server.stop()
    found = scan_log(server.output())
    errors = len(clients["client_errors"]) + len(clients["client_failures"]) + sum(found.values())
    if stop_s > 10:
        errors += 1
    result = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": args.settings,
        "setup": setup,
        "clients": clients,
        "log": found,
        "stop_s": round(stop_s, 1),
        "errors": errors,
    }
    print_report(result)
    # A few examples of each kind are enough to find the cause; the counts are kept whole.
    examples = defaultdict(list)
    for error in clients["client_errors"]:
        if len(examples[error["kind"]]) < 5:
            examples[error["kind"]].append(error)
    clients["client_errors"] = [error for kind in examples.values() for error in kind]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "embedded.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        log(f"database and server.log kept in {work}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
