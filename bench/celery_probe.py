"""A Celery task the benchmark sends to a real worker: the reminder sweep, rolled back afterwards.

Running the production task body inside a transaction that is undone keeps the bench database reusable (a
second run would otherwise find every reminder already claimed in the ledger and measure an empty sweep).
"""

import resource
import time

from celery import shared_task
from django.db import connection, transaction


class _Rollback(Exception):
    pass


@shared_task(name="bench.reminder_sweep_probe")
def reminder_sweep_probe() -> dict:
    from suggestions.tasks import send_deadline_reminders

    started = time.monotonic()
    sent = None
    try:
        with transaction.atomic():
            sent = send_deadline_reminders.run()
            raise _Rollback
    except _Rollback:
        pass
    connection.close()
    return {
        "sent": sent,
        "seconds": round(time.monotonic() - started, 3),
        # ru_maxrss is in KiB on Linux: the high-water mark of this worker process so far.
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
