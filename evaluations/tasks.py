"""Scoring in the background: the admin queues a run and this task computes it, reporting progress."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import scoring
from .models import ScoreRun

logger = logging.getLogger(__name__)

# Long enough for the progress page to read the last value after the run; the run row keeps the outcome.
PROGRESS_TIMEOUT = 3600


def progress_key(run_id: int) -> str:
    return f"score-run:{run_id}"


def progress_of(run: ScoreRun) -> int:
    """Percent done: from the cache while running, from the run's status otherwise."""
    if run.status == ScoreRun.Status.DONE:
        return 100
    if run.status == ScoreRun.Status.QUEUED:
        return 0
    return int(cache.get(progress_key(run.pk), 0))


@shared_task(name="evaluations.tasks.run_score")
def run_score(run_id: int) -> int:
    """Compute a queued run; returns how many deputies were scored (0 if the run was already finished)."""
    run = ScoreRun.objects.select_related("rule_set").filter(pk=run_id).first()
    # A run already finished is a redelivered message; one left "running" lost its worker and is safe to redo,
    # because a run replaces the rule set's results in one transaction.
    if run is None or run.status not in (ScoreRun.Status.QUEUED, ScoreRun.Status.RUNNING):
        return 0
    key = progress_key(run_id)
    cache.set(key, 0, PROGRESS_TIMEOUT)

    def progress(percent: int) -> None:
        cache.set(key, percent, PROGRESS_TIMEOUT)

    run = scoring.run_scoring(run, progress=progress)
    return run.deputies_scored


def send_run(run: ScoreRun) -> None:
    """Hand a queued run to the workers once it is committed; a broker outage fails the run visibly instead of
    leaving it queued for ever (a queued run blocks the next one)."""

    def send():
        try:
            run_score.delay(run.pk)
        except Exception as exc:  # noqa: BLE001 — any broker error means the run will never start
            logger.warning("could not queue score run %s", run.pk, exc_info=True)
            ScoreRun.objects.filter(pk=run.pk, status=ScoreRun.Status.QUEUED).update(
                status=ScoreRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
            )

    transaction.on_commit(send)
