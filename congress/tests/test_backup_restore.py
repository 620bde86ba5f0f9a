"""deploy/backup.sh and deploy/restore-test.sh against the suite's PostgreSQL database, so CI exercises them."""

import os
import shutil
import subprocess  # nosec B404
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def database_url() -> str:
    conf = connection.settings_dict
    user = conf.get("USER") or "postgres"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{conf['NAME']}"


def run(script: str, env: dict) -> subprocess.CompletedProcess:
    # bash from PATH, as CI and the systemd timers run it.
    command = ["bash", str(DEPLOY / script)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603  # nosec B603


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore need PostgreSQL (set DATABASE_URL)")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    # pg_dump runs in another process and sees only committed rows, not this test's transaction; the migrated
    # test database already has plenty (content types, permissions, the holiday calendar, periodic tasks).
    return database_url()


def test_backup_then_restore_test(postgres, tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("REDIS_URL",)},
        "DATABASE_URL": postgres,
        "BACKUP_DIR": str(tmp_path / "backups"),
        "BACKUP_KEEP": "2",
        "DEBUG": "true",
        "PYTHON": sys.executable,
        "RESTORE_DB": connection.settings_dict["NAME"] + "_restore_test",
    }
    for _ in range(3):
        backup = run("backup.sh", env)
        assert backup.returncode == 0, backup.stderr
    dumps = sorted((tmp_path / "backups").glob("congress-*.dump"))
    # Rotation kept the newest two; "latest" points at a complete dump.
    assert len(dumps) <= 2
    assert (tmp_path / "backups" / "latest.dump").resolve() in dumps

    restore = run("restore-test.sh", env)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "restore test passed" in restore.stdout
    tables, rows = restore.stdout.split(", ")[1:3]
    assert int(tables.split()[0]) > 20
    assert int(rows.split()[0]) > 0

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [env["RESTORE_DB"]])
        assert cursor.fetchone() is None, "the scratch database is dropped afterwards"


def test_restore_test_fails_on_a_damaged_dump(postgres, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "latest.dump").write_bytes(b"PGDMP this is not a dump")
    env = {**os.environ, "DATABASE_URL": postgres, "BACKUP_DIR": str(backups), "DEBUG": "true"}
    env["RESTORE_DB"] = connection.settings_dict["NAME"] + "_restore_test"
    restore = run("restore-test.sh", env)
    assert restore.returncode != 0
    assert "restore test passed" not in restore.stdout
