"""Background exports' tasks (``core.exports``): build one job's file; remove old files on a schedule."""

from celery import shared_task
from django.db import OperationalError

from congress.db_router import report_reads

from . import services


# A second run is harmless: a finished job is left as it is.
@shared_task(
    name="core.tasks.build_export",
    autoretry_for=(ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    max_retries=3,
)
def build_export(job_id: str) -> str | None:
    # The rows may come from the replica once it holds everything committed before now, the request included.
    with report_reads(read_own_writes=True):
        job = services.export_job_build(job_id=job_id)
    return job.status if job else None


@shared_task(name="core.tasks.remove_old_exports")
def remove_old_exports() -> int:
    return services.export_jobs_remove_old()
