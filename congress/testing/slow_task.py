"""For the redelivery test only (congress/tests/test_worker_lost.py): a task that writes down each start in a
file and, on its first run, takes long enough for the test to kill its worker part-way."""

import os
import time
from pathlib import Path

from celery import shared_task


def _note(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())


@shared_task(name="congress.testing.slow_task.note_and_wait")
def note_and_wait(log_path: str, first_run_seconds: float) -> str:
    path = Path(log_path)
    first_run = not path.exists()
    _note(path, f"start {os.getpid()}")
    if first_run:
        time.sleep(first_run_seconds)
    _note(path, f"done {os.getpid()}")
    return "done"
