"""Every staff list's download goes through here: built at once when small, by a worker when large.

A domain app describes each of its downloads as an ``ExportKind`` and registers it from its own
``AppConfig.ready()``; core knows no domain app. ``respond(request, name)`` is what a list view returns for
``?export=…``: a list of at most ``EXPORT_ASYNC_ROWS`` rows is written inside the request; a larger one
becomes an ``ExportJob`` that a Celery task builds into a private file (``EXPORT_ROOT``, never under
MEDIA), and the requester is sent to a page that polls until the file can be fetched.

The task asks the kind for the rows again with the requester and the request's query string, through the
same selector the list uses, so the file holds what the list showed that user: their scope, their filters.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from .registry import Registry
from .spreadsheets import ExportFile, file_response

# A list's rows, and who asks for them: core knows neither the domain's models nor its user model's fields.
Rows = QuerySet[Any]
User = Any


@dataclasses.dataclass(frozen=True)
class ExportKind:
    """One list's download.

    ``rows(user, params)``: the list's rows for this user and query (a QuerySet scoped as the list is);
    ``write(user, rows, params)``: the file (an ``ExportFile``; ``params["export"]`` names the format);
    ``allowed(user)``: whether the user may download this list at all (asked again when the file is fetched).
    """

    name: str
    title: object  # a (lazy) name, shown on the waiting page
    rows: Callable[[User, QueryDict], Rows]
    write: Callable[[User, Rows, QueryDict], ExportFile]
    allowed: Callable[[User], bool]


# Filled by the domain apps' ``AppConfig.ready()`` (the project's one plug-in mechanism, core/registry.py).
kinds: Registry[ExportKind] = Registry("staff list downloads")


def register(kind: ExportKind) -> ExportKind:
    return kinds.register(kind.name, kind)


def kind_named(name: str) -> ExportKind | None:
    return kinds.get(name)


def registered() -> list[str]:
    return sorted(name for name, _kind in kinds.items())


def async_rows() -> int:
    return int(settings.EXPORT_ASYNC_ROWS)


def respond(request: HttpRequest, name: str, rows: Rows | None = None) -> HttpResponse:
    """The download of list ``name`` for this request; ``rows`` saves working the list out again."""
    from . import services

    kind = kinds[name]
    user = request.user
    if not kind.allowed(user):
        raise PermissionDenied
    params = request.GET.copy()
    if rows is None:
        rows = kind.rows(user, params)
    count = rows.count()
    if count <= async_rows():
        return file_response(kind.write(user, rows, params))
    job = services.export_job_start(user=user, kind=kind, params=params, rows=count, source=request.path)
    return redirect("staff:export_job", pk=job.pk)
