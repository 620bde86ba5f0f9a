"""Searchable pick lists: one JSON endpoint for every choice list that grows with the data (handling units,
stations, ...), so a page renders only the chosen option instead of all of them (issue 18: 1,000 units were
50 KB of the staff suggestion list).

A source is registered by the app that owns its rows, from its ``AppConfig.ready()``: ``core`` names no app.
Its ``queryset(user)`` is the same permission-scoped queryset the filter or form validates against, so a user
finds exactly what they may choose, and a chosen id outside it is refused by the field.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .registry import Registry

PAGE_SIZE = 20
MAX_TERM = 100


@dataclass(frozen=True)
class Source:
    queryset: Callable[[Any], QuerySet[Any]]  # (user) -> the rows the user may choose
    search_fields: tuple[str, ...]  # each matched with ``__icontains``; one of them is enough
    label: Callable[[Any], str] = str
    # What ``label`` reads besides the row, joined when a page renders the chosen row from the field's queryset.
    related: tuple[str, ...] = ()


sources: Registry[Source] = Registry("autocomplete sources")


def search(source: Source, user: Any, term: str, page: int) -> tuple[list[dict[str, str]], bool]:
    """One page of the rows ``user`` may choose whose fields contain ``term``, and whether more follow.

    One query: the page is read with one row more than it shows, which tells "more" without a count.
    """
    queryset = source.queryset(user)
    term = term.strip()[:MAX_TERM]
    if term:
        match = Q()
        for field in source.search_fields:
            match |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(match)
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    results = [{"value": str(row.pk), "text": source.label(row)} for row in rows[:PAGE_SIZE]]
    return results, len(rows) > PAGE_SIZE
