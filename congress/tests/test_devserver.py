"""``make run``'s supervisor (congress/devserver.py) stops the web server, the worker with its pool and beat on
Ctrl-C and on SIGTERM, within 10 s, without a traceback and without leaving a process behind.

It runs for real: the three children on a migrated SQLite database and a filesystem broker in a temp folder
(``VAR_DIR``), so nothing is shared with the checkout's own ``make run`` or with the suite's broker.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
START_SECONDS = 90  # three Django processes importing on a busy 2-core machine
STOP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "congress.settings.base",
            "DEBUG": "true",
            "VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@pytest.fixture(scope="module")
def migrated_var(tmp_path_factory):
    """A migrated embedded database (beat reads its schedule from it), made once for both tests."""
    var_dir = tmp_path_factory.mktemp("devserver-var")
    subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=embedded_env(var_dir),
        check=True,
        timeout=300,
    )
    return var_dir


def process_table() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, state, start time) for every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in parentheses may hold spaces; the fields after the last ")" are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its start time (so a reused pid is not mistaken for it)."""
    table = process_table()
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _state, started) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                frontier.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    table = process_table()
    return [
        pid for pid, started in processes.items() if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    ]


class Supervisor:
    def __init__(self, var_dir: Path, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.log = log_path.open("wb")
        # A session of its own, like make in a terminal: a signal to its group is what Ctrl-C sends.
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "congress.devserver", f"127.0.0.1:{self.port}", "--concurrency=2"],
            cwd=ROOT,
            env=embedded_env(var_dir),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children: dict[int, str] = {}

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def web_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            out = self.output()
            if " ready." in out and "beat: Starting" in out and self.web_answers():
                break
            if self.process.poll() is not None:
                pytest.fail("the supervisor exited while starting:\n" + out)
            if time.monotonic() > deadline:
                pytest.fail("the three processes did not start in time:\n" + out)
            time.sleep(0.2)
        self.children = descendants(self.process.pid)

    def clean_up(self) -> None:
        # Only when the test failed part-way: nothing of this run may outlive it.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for pid in still_running(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def supervisor(migrated_var, tmp_path):
    running = Supervisor(migrated_var, tmp_path / "run.log")
    yield running
    running.clean_up()


def send_ctrl_c(sup):
    os.killpg(sup.process.pid, signal.SIGINT)


def send_term_as_make_does(sup):
    # A SIGTERM to make's process group, which make then passes on to its recipe as well.
    os.killpg(sup.process.pid, signal.SIGTERM)
    os.kill(sup.process.pid, signal.SIGTERM)


@pytest.mark.parametrize("send", [send_ctrl_c, send_term_as_make_does], ids=["ctrl-c", "sigterm"])
def test_the_dev_server_stops_every_process_it_started(supervisor, send):
    supervisor.wait_until_ready()
    # The reloader's server process, the worker and its two pool processes, beat: what was left behind before.
    assert len(supervisor.children) >= 6, supervisor.children

    started = time.monotonic()
    send(supervisor)
    try:
        supervisor.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail("the supervisor was still running 10 s after the signal:\n" + supervisor.output())
    left = still_running(supervisor.children)
    while left and time.monotonic() - started < STOP_SECONDS:
        time.sleep(0.05)
        left = still_running(supervisor.children)

    assert not left, f"still running after {STOP_SECONDS} s: {left}"
    out = supervisor.output()
    assert "Traceback" not in out, out
    assert "Warm shutdown" in out, "the worker was not asked to stop"
