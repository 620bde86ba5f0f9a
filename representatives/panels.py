"""Extension points for pages of this app that later apps add to.

Apps depend one way (representatives ← liaison_stations ← suggestions ← evaluations), so the deputy's home
page cannot import the apps above it. Instead they register panels here in their AppConfig.ready()
(``deputy_home_panels.register(app_label, panel)``, core.registry): a callable taking (request, deputy) and
returning a (template name, context) pair, or None to show nothing.

A panel whose figures are counts is a ``CountingPanel``: it names the querysets it counts, and ``render_panels``
counts every panel's in one query (``count_together``) before rendering them. The start pages' panels ran up to
nine COUNT queries one after another, each a round trip to the database that a busy two-core server pays in
milliseconds (issue 18's profile of the deputy's start page); one query for all of them keeps every figure exact,
the same count of the same rows as the list it links to.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string

from core.registry import Registry

PanelResult = tuple[str, dict[str, Any]] | None
Panel = Callable[..., PanelResult]


def count_together(querysets: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """``{name: queryset.count()}`` in one query: a SELECT of one scalar COUNT subquery per queryset.

    Each count is the one ``QuerySet.count()`` would give (the rows of the queryset's own SQL, DISTINCT and joins
    included), so a figure still equals the rows of the list it links to. All querysets read the same database.
    """
    found = dict.fromkeys(querysets, 0)
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    using = None
    for name, queryset in querysets.items():
        if not queryset.query.is_sliced:
            queryset = queryset.order_by()  # a slice keeps its order: it picks which rows are in it
        try:
            sql, part_params = queryset.values("pk").query.sql_with_params()
        except EmptyResultSet:
            continue  # ``none()`` or a filter that can match nothing: 0 without asking
        using = using or queryset.db
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(parts)})")  # noqa: S608  # Django-compiled SQL, values bound  # nosec B608
        params.extend(part_params)
        names.append(name)
    if not parts:
        return found
    with connections[using or "default"].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    found.update(zip(names, (int(value) for value in row), strict=True))
    return found


@dataclass(frozen=True)
class CountingPanel:
    """A panel whose figures are counts: ``counts(request, *args)`` names the querysets, ``render(request, *args,
    counts=...)`` gets their numbers and returns what a panel returns. Called on its own, it counts its own."""

    counts: Callable[..., Mapping[str, QuerySet[Any]]]
    render: Callable[..., PanelResult]

    def __call__(self, request: HttpRequest, *args: Any) -> PanelResult:
        return self.render(request, *args, counts=count_together(self.counts(request, *args)))


deputy_home_panels: Registry[Panel] = Registry("deputy home panels")
staff_home_panels: Registry[Panel] = Registry("staff home panels")
unit_home_panels: Registry[Panel] = Registry("unit home panels")
# On an activity record's page (the deputy's and the office's), called with (request, record).
activity_panels: Registry[Panel] = Registry("activity record panels")


def render_panels(panels: Iterable[Panel], request: HttpRequest, *args: Any) -> list[str]:
    panels = list(panels)
    wanted: dict[str, QuerySet[Any]] = {}
    for number, panel in enumerate(panels):
        if isinstance(panel, CountingPanel):
            wanted.update({f"{number}:{name}": qs for name, qs in panel.counts(request, *args).items()})
    found = count_together(wanted)
    rendered = []
    for number, panel in enumerate(panels):
        if isinstance(panel, CountingPanel):
            prefix = f"{number}:"
            counts = {key[len(prefix) :]: value for key, value in found.items() if key.startswith(prefix)}
            result = panel.render(request, *args, counts=counts)
        else:
            result = panel(request, *args)
        if result is not None:
            template, context = result
            rendered.append(render_to_string(template, context, request=request))
    return rendered
