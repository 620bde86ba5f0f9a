"""Settings for the Celery worker the fault tests start and kill: the suite's settings, plus a queue of the
test's own (so the deliveries a sweep queues reach this worker and no other) and the recording SMS gateway."""

import os

from congress.settings.test import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["FAULT_QUEUE"]
SMS_BACKEND = "congress.testing.fault_worker.RecordingSlowSmsBackend"
