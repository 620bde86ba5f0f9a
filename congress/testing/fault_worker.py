"""For the fault tests only: an SMS gateway that writes down every message it hands over, and can be told to stop
before one, so the test kills the worker at a known point instead of guessing a moment.

A Celery worker started by ``congress/tests/test_faults.py`` uses it (through ``fault_worker_settings``) so the
test can kill the worker part-way through a delivery run and then count what each phone received.
"""

import os
import threading
from pathlib import Path


def holding_marker(log: str | os.PathLike[str]) -> Path:
    """The file the gateway creates when it holds a message back (the test waits for it, then kills)."""
    return Path(f"{os.fspath(log)}.holding")


class RecordingSlowSmsBackend:
    def send(self, phone: str, text: str) -> None:
        log = os.environ["FAULT_SMS_LOG"]
        hold_after = os.environ.get("FAULT_SMS_HOLD_AFTER")
        if hold_after is not None and _recorded(log) >= int(hold_after):
            # Taken from the outbox, not yet handed over: the worker is killed here, so this message stays unsent
            # and its row unmarked.
            holding_marker(log).touch()
            threading.Event().wait()
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{phone}\n")
            file.flush()
            os.fsync(file.fileno())


def _recorded(log: str) -> int:
    try:
        with open(log, encoding="utf-8") as file:
            return sum(1 for _ in file)
    except FileNotFoundError:
        return 0
