"""The scale-out demo (bench/scaleout.py) as a test: two gunicorn servers, two Celery workers and one beat on one
PostgreSQL database and one Redis database share sessions, the login throttle, rate limits and the cache, beat runs
once and a sweep on both workers sends each notice once.

Marked ``scaleout`` and left out of ``make test``: it needs PostgreSQL and Redis running, starts five processes
and spends most of its two minutes on ``migrate`` and a small demo in a fresh database. ``make scaleout`` (and CI,
as its own step) runs the script; ``pytest -m scaleout`` runs this test.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.scaleout

ROOT = Path(__file__).resolve().parents[2]
CHECKS = [
    "session made on A works on B",
    "login failures on A and B add up to the lockout",
    "the public form's rate limit counts across both servers",
    "a cache write on A is read on B",
    "a sweep started on both workers at once sends each notice once",
    "a second beat is refused",
    "the one beat queues each periodic task once",
]


def test_every_scale_out_check_passes(tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    run = subprocess.run(  # noqa: S603 — our own interpreter and script
        [
            sys.executable,
            "bench/scaleout.py",
            "--db",
            os.environ.get("SCALEOUT_DB", "scale_test"),
            "--redis-db",
            os.environ.get("SCALEOUT_REDIS_DB", "9"),
            "--logs",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    for check in CHECKS:
        assert f"[PASS] {check}:" in run.stdout, check
