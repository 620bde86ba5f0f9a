"""A real Celery worker, on whichever broker the settings choose (filesystem by default, Redis in CI)."""

import os
import subprocess
import sys
import time

import pytest

from congress.celery import app as celery_app
from congress.celery import heartbeat


@pytest.fixture
def worker():
    # Whatever earlier runs left on the broker is not this test's business, and would run ahead of its task.
    celery_app.control.purge()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congress.settings.test"}
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
    process.stderr.close()


def test_a_task_sent_through_the_configured_broker_runs_on_a_real_worker(worker):
    result = heartbeat.delay()
    deadline = time.monotonic() + 60
    while not result.ready() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert result.get(timeout=1) == "ok"
    result.forget()
