"""A task whose worker is killed outright runs again on another worker once the Redis visibility timeout has
passed (CELERY_VISIBILITY_TIMEOUT; kombu's own default would keep it waiting an hour).

The worker and the broker are real: a throwaway redis-server of the test's own (so the 5-second timeout the
test sets touches no one else's messages) and ``celery worker`` processes killed with SIGKILL.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery

from congress.tests.test_faults import throwaway_redis  # noqa: F401 — the fixture, used by name below

ROOT = Path(__file__).resolve().parent.parent.parent
TASK = "congress.testing.slow_task.note_and_wait"
VISIBILITY_SECONDS = 5
START_SECONDS = 60


class Worker:
    def __init__(self, broker_url: str, tmp_path: Path):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "congress.settings.test",
                "REDIS_URL": broker_url,
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
                # The task needs no database; this keeps the worker off the checkout's own files.
                "VAR_DIR": str(tmp_path / "var"),
            }
        )
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and module, no user input
            [sys.executable, "-m", "celery", "-A", "congress", "worker", "--pool=solo", "--loglevel=WARNING"]
            + [
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--include",
                "congress.testing.slow_task",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


@pytest.fixture
def workers(throwaway_redis, tmp_path):  # noqa: F811
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(throwaway_redis.url, tmp_path)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def wait_for(condition, worker: Worker, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail("Celery worker exited: " + worker.process.stderr.read().decode(errors="replace"))
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_task_whose_worker_was_killed_runs_again_after_the_visibility_timeout(
    throwaway_redis,  # noqa: F811
    workers,
    tmp_path,
):
    log = tmp_path / "runs.log"
    broker = redis.Redis.from_url(throwaway_redis.url)
    producer = Celery("producer", broker=throwaway_redis.url)

    first = workers()
    producer.send_task(TASK, args=[str(log), 120])
    wait_for(lambda: len(lines(log)) >= 1, first, "the first run to start")
    assert lines(log) == [f"start {first.process.pid}"]
    # Taken but not acknowledged (acks_late): the message waits in Redis's unacked set, stamped when it was taken.
    [(tag, taken_at)] = broker.zrange("unacked_index", 0, -1, withscores=True)
    assert json.loads(broker.hget("unacked", tag))[0]["headers"]["task"] == TASK

    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait()

    # A worker started once the timeout has passed restores the message as it starts to consume.
    while time.time() < taken_at + VISIBILITY_SECONDS + 0.5:
        time.sleep(0.1)
    second = workers()
    wait_for(lambda: len(lines(log)) >= 3, second, "the task to run again and finish")

    pid = second.process.pid
    assert lines(log) == [f"start {first.process.pid}", f"start {pid}", f"done {pid}"]
    # Acknowledged this time: nothing is left to hand out again.
    wait_for(lambda: broker.zcard("unacked_index") == 0, second, "the acknowledgement")
    assert broker.llen("celery") == 0
    broker.close()


def test_the_visibility_timeout_defaults_to_ten_minutes_on_redis():
    env = {k: v for k, v in os.environ.items() if k != "CELERY_VISIBILITY_TIMEOUT"}
    env.update({"REDIS_URL": "redis://127.0.0.1:6379/0", "DJANGO_SETTINGS_MODULE": "congress.settings.test"})
    probe = subprocess.run(  # noqa: S603 — our own interpreter, a fixed snippet
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings as s;"
            "print(json.dumps([s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
            " s.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS['visibility_timeout'], s.CELERY_VISIBILITY_TIMEOUT,"
            " s.CELERY_TASK_ACKS_LATE]))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(probe.stdout) == [600, 600, 600, True]
