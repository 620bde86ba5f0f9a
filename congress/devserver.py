"""``make run``: the web server, a Celery worker and Celery beat, started together and stopped together.

    python -m congress.devserver [ADDRESS] [--concurrency N] [--noreload]

Each child runs in a session of its own, so the terminal's Ctrl-C (SIGINT to the foreground process group)
and a SIGTERM to ``make``'s group reach this supervisor only. It forwards one SIGTERM to each child, in the way
that child shuts down cleanly, waits a few seconds, then kills whatever is left of each child's group (the
autoreloader's server process, the worker's pool processes). Further signals during the shutdown are ignored:
``make`` passes a SIGTERM on to its recipe after the group already had one.
"""

import argparse
import contextlib
import os
import signal
import subprocess  # nosec B404 — starts our own interpreter only
import sys
import time
from pathlib import Path
from types import FrameType

import django
from django.utils.translation import gettext as _

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# make run must be gone within 10 s of Ctrl-C. An idle worker on the filesystem broker needs about 6 s for its
# warm shutdown (it finishes two 2-second polls of the queue folder, then joins its pool); SIGKILL after 7.5.
GRACE_SECONDS = 7.5
KILL_WAIT_SECONDS = 1.5
POLL_SECONDS = 0.2


class Child:
    def __init__(self, name: str, argv: list[str], *, signal_group: bool):
        self.name, self.argv = name, argv
        # The Celery worker stops its own pool: a SIGTERM that reaches the pool processes as well makes it
        # lose them mid-shutdown, and it then waited on for ever. The others are stopped as a whole group.
        self.signal_group = signal_group
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603  # nosec B603 — our own interpreter and modules, no user input
            self.argv, cwd=BASE_DIR, stdin=subprocess.DEVNULL, start_new_session=True
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if not self.running():
            return
        with contextlib.suppress(ProcessLookupError):
            if self.signal_group:
                os.killpg(self.pid, signal.SIGTERM)
            else:
                os.kill(self.pid, signal.SIGTERM)

    def kill_group(self) -> None:
        # Also after the leader has exited: a killed leader leaves its pool or server process behind.
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)


def children(address: str, concurrency: int, *, reload: bool = True) -> list[Child]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "congress"]
    runserver = [python, "manage.py", "runserver", address] + ([] if reload else ["--noreload"])
    return [
        Child("web", runserver, signal_group=True),
        Child(
            "worker",
            # One worker needs no gossip, mingle or heartbeats with others, and they slow its start and stop.
            [*celery, "worker", "--loglevel=INFO", f"--concurrency={concurrency}"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            signal_group=False,
        ),
        Child("beat", [*celery, "beat", "--loglevel=INFO"], signal_group=True),
    ]


def stop(procs: list[Child]) -> None:
    for child in procs:
        child.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    while any(child.running() for child in procs) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    for child in procs:
        if child.running():
            print(
                _("%(name)s 未在 %(seconds)s 秒内退出，强制结束。")
                % {"name": child.name, "seconds": f"{GRACE_SECONDS:g}"},
                flush=True,
            )
        child.kill_group()
    for child in procs:
        if child.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=KILL_WAIT_SECONDS)


def main(argv: list[str] | None = None) -> int:
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    # First of all, so that a Ctrl-C at any moment of the start-up stops cleanly too: no KeyboardInterrupt.
    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings.base")
    django.setup()
    parser = argparse.ArgumentParser(prog="python -m congress.devserver", description=_("开发服务器"))
    parser.add_argument("address", nargs="?", default="127.0.0.1:8000")
    parser.add_argument("--concurrency", type=int, default=2, help=_("Celery worker 的进程数"))
    parser.add_argument("--noreload", action="store_true", help=_("代码改动时不重启 Web 服务器"))
    args = parser.parse_args(argv)

    procs = children(args.address, args.concurrency, reload=not args.noreload)
    print(
        _("在 http://%(address)s/ 提供服务，同时运行 Celery worker 和 beat；按 Ctrl-C 全部停止。")
        % {"address": args.address},
        flush=True,
    )
    status = 0
    try:
        for child in procs:
            if received:
                break
            child.start()
        while not received:
            gone = next((child for child in procs if child.process is not None and not child.running()), None)
            if gone is not None:
                print(
                    _("%(name)s 已退出（退出码 %(code)s），正在停止其余进程。")
                    % {"name": gone.name, "code": gone.process.returncode if gone.process else None},
                    flush=True,
                )
                status = 1
                break
            time.sleep(POLL_SECONDS)
    finally:
        stop(procs)
    if received:
        # Exit by the signal itself, as a shell expects of a program it interrupted (make then reports it).
        first = received[0]
        signal.signal(first, signal.SIG_DFL)
        os.kill(os.getpid(), first)
    return status


if __name__ == "__main__":
    sys.exit(main())
