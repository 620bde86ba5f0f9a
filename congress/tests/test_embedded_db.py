"""The embedded SQLite file that make run serves holds several writers at once: a transaction that reads and
then writes waits for another's write lock instead of failing with "database is locked".

The suite's own database is in memory, so this runs the real settings on a file in a temp folder, in a process
of its own (congress/testing/sqlite_contention.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_read_then_write_transaction_waits_for_another_writer_on_the_embedded_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "congress.settings.base", "DEBUG": "true", "VAR_DIR": str(tmp_path)})
    result = subprocess.run(  # noqa: S603 — our own interpreter and module
        [sys.executable, "-m", "congress.testing.sqlite_contention"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])

    # The write-ahead log (readers never block the writer), NORMAL sync, and a busy timeout that waits.
    assert outcome["pragmas"] == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 20000}
    # Both increments landed: the second transaction took the write lock when it began and waited for it (the
    # first held it for a second); before, it failed at once with "database is locked".
    assert outcome["error"] is None
    assert outcome["n"] == 2
    assert outcome["waited"] >= 0.5
