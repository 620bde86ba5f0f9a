"""For the fault tests only: an SMS gateway that is slow and writes down every message it hands over.

A Celery worker started by ``congress/tests/test_faults.py`` uses it (through ``fault_worker_settings``) so the
test can kill the worker part-way through a delivery run and then count what each phone received.
"""

import os
import time


class RecordingSlowSmsBackend:
    def send(self, phone: str, text: str) -> None:
        # Slow first, record second: a kill during the pause leaves the message unsent and its row unmarked.
        time.sleep(float(os.environ.get("FAULT_SMS_SECONDS", "0.3")))
        with open(os.environ["FAULT_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{phone}\n")
            log.flush()
            os.fsync(log.fileno())
