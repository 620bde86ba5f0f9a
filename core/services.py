"""Background exports: a job is asked for, built, fetched, and removed when old (``core.exports`` says why)."""

import datetime
import logging
import os
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .exports import ExportKind, User, kind_named
from .models import ExportJob

logger = logging.getLogger(__name__)
S = ExportJob.Status


def export_storage() -> FileSystemStorage:
    """Where built files wait: a private folder with no URL, served only through the job's own page."""
    return FileSystemStorage(location=settings.EXPORT_ROOT, base_url=None)


def export_job_start(*, user: User, kind: ExportKind, params: QueryDict, rows: int, source: str = "") -> ExportJob:
    """Record the request and queue the build once the record is committed."""
    job = ExportJob.objects.create(
        user=user,
        kind=kind.name,
        title=str(kind.title)[:200],
        params=params.urlencode(),
        source=source[:255],
        language=get_language() or settings.LANGUAGE_CODE,
        rows=rows,
    )
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id: uuid.UUID | str) -> None:
    from .export_tasks import build_export

    try:
        build_export.delay(str(job_id))
    except Exception:  # the broker is unreachable: say so on the waiting page rather than wait for ever
        logger.exception("export job %s could not be queued", job_id)
        ExportJob.objects.filter(pk=job_id, status=S.QUEUED).update(
            status=S.FAILED,
            error=_("后台任务暂时无法启动，请稍后再试。"),
            finished_at=timezone.now(),
        )


def export_job_build(*, job_id: uuid.UUID | str) -> ExportJob | None:
    """Build the job's file for its requester (their rights and scope as they are now); a finished job is left."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("user").filter(pk=job_id).first()
        if job is None or job.finished:
            return job
        job.status, job.started_at = S.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    kind = kind_named(job.kind)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if kind is None or not job.user.is_active or not kind.allowed(job.user):
            return _fail(job, _("你已无权导出这份名单，文件没有生成。"))
        try:
            params = QueryDict(job.params)
            built = kind.write(job.user, kind.rows(job.user, params), params)
        except Exception:
            logger.exception("export job %s (%s) failed", job.pk, job.kind)
            return _fail(job, _("生成文件时出错，请稍后重试；仍不成功请缩小筛选范围或联系管理员。"))
    extension = os.path.splitext(built.filename)[1] or ".bin"
    path = export_storage().save(f"{job.pk}{extension}", ContentFile(built.data))
    job.status, job.finished_at = S.DONE, timezone.now()
    job.path, job.filename, job.content_type, job.size = path, built.filename, built.content_type, len(built.data)
    job.save(update_fields=["status", "finished_at", "path", "filename", "content_type", "size"])
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status, job.error, job.finished_at = S.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def export_jobs_remove_old(*, now: datetime.datetime | None = None) -> int:
    """Remove jobs older than ``EXPORT_KEEP_HOURS`` with their files, and files no job names. Returns jobs."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    storage = export_storage()
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for path in old.exclude(path="").values_list("path", flat=True):
        storage.delete(path)
    removed, _counts = old.delete()
    # A file whose job row is gone (a worker killed between writing the file and saving the row).
    if os.path.isdir(storage.location):
        known = set(ExportJob.objects.exclude(path="").values_list("path", flat=True))
        for name in storage.listdir("")[1]:
            if name not in known and storage.get_modified_time(name) < cutoff:
                storage.delete(name)
    return removed
