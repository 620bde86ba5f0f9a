"""The waiting page of a background export, its polled status, and the file: each only for its requester; the
search behind every searchable pick list."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from . import autocomplete
from .exports import kind_named
from .models import ExportJob
from .services import export_storage


def _own_job(request: HttpRequest, pk: uuid.UUID) -> ExportJob:
    # Another user's job is "not found": its id says nothing about whether it exists.
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


@login_required
def export_job(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return render(request, "core/export_job.html", {"job": _own_job(request, pk)})


@login_required
def export_job_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return render(request, "core/export_job_status.html", {"job": _own_job(request, pk)})


@login_required
def export_job_file(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    job = _own_job(request, pk)
    kind = kind_named(job.kind)
    # Rights are asked again: an account that lost them since asking does not take the file.
    if job.status != ExportJob.Status.DONE or kind is None or not kind.allowed(request.user):
        raise Http404
    storage = export_storage()
    if not storage.exists(job.path):
        raise Http404
    return FileResponse(
        storage.open(job.path, "rb"), as_attachment=True, filename=job.filename, content_type=job.content_type
    )


@login_required
def autocomplete_search(request: HttpRequest, source: str) -> JsonResponse:
    """``?q=<term>&page=<n>``: the rows of ``source`` the user may choose, 20 a page, as Tom Select reads them."""
    entry = autocomplete.sources.get(source)
    if entry is None:
        raise Http404
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        page = 1
    results, more = autocomplete.search(entry, request.user, request.GET.get("q", ""), page)
    return JsonResponse({"results": results, "more": more})
