"""Page-number pagination whose last page costs what the first one does.

Django's Paginator reads page ``n`` with ``OFFSET (n-1)*size``: the database walks and discards every row
before it, so on a list of a million opinions the last page is the slowest page of the site. Here a page in
the second half is read from the other end instead, with the ordering reversed and a small offset from the
end, and then shown in the normal order. That needs an ordering without ties (otherwise the two directions
would not mirror each other), so a primary-key tie-break is added when the ordering has none.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PK_NAMES = {"pk", "id"}
# A count slower than settings.PAGE_COUNT_CACHE_AFTER_SECONDS is kept for COUNT_CACHE_SECONDS: counting a
# million opinions in a city's scope takes longer than the rest of the page, and a total a minute old is fine on
# a list of thousands. Counts of small lists (a township's, a unit's) are fast and stay exact.
COUNT_CACHE_SECONDS = 60
# Rows on a list page, unless the list asks for another size.
PAGE_SIZE = 25


def cached_count(queryset: QuerySet[Any]) -> int:
    """``queryset.count()``, kept for COUNT_CACHE_SECONDS when it was slow (the comment above says why)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0  # ``none()``, or a filter that can match nothing: no SQL to run
    key = "pagecount:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    started = time.monotonic()
    count = queryset.count()
    if time.monotonic() - started > settings.PAGE_COUNT_CACHE_AFTER_SECONDS:
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def cached_rows(queryset: QuerySet[Any]) -> list[Any]:
    """``list(queryset)``, kept for COUNT_CACHE_SECONDS when it was slow, as ``cached_count`` keeps counts.

    For small grouped figures read on every visit (the start page's "overdue by unit" entries group a
    province's overdue opinions or suggestions by unit: 0.2–0.3 s each at province scale, bench/README.md);
    the rows must pickle (``values()`` dicts, tuples, numbers). The key is the SQL with its parameters, so a
    figure that depends on today's date is not served after midnight.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    key = "pagerows:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return list(cached)
    started = time.monotonic()
    rows = list(queryset.all())  # a fresh read, not rows an earlier evaluation left on this queryset
    if time.monotonic() - started > settings.PAGE_COUNT_CACHE_AFTER_SECONDS:
        cache.set(key, rows, COUNT_CACHE_SECONDS)
    return rows


def _names_pk(term: object) -> bool:
    if isinstance(term, str):
        return term.lstrip("-?") in PK_NAMES
    if isinstance(term, OrderBy):
        term = term.expression
    return isinstance(term, F) and term.name in PK_NAMES


def with_unique_ordering(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset`` ordered as before, with ties broken by primary key so every row has one place."""
    query = queryset.query
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if any(_names_pk(term) for term in ordering):
        if not query.order_by:
            queryset = queryset.order_by(*ordering)
        return queryset
    # Newest first is the natural reading of a list with no order of its own.
    return queryset.order_by(*ordering, "pk") if ordering else queryset.order_by("-pk")


class MirroredPaginator(Paginator):  # type: ignore[type-arg]  # not subscriptable at run time
    """A Paginator that reads pages past the middle from the end of the list."""

    def __init__(self, object_list: QuerySet[Any] | Sequence[Any], per_page: int, **kwargs: Any) -> None:
        if isinstance(object_list, QuerySet):
            object_list = with_unique_ordering(object_list)
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        return cached_count(self.object_list)

    def page(self, number: int | str) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if not isinstance(self.object_list, QuerySet) or bottom <= (self.count - top):
            return super().page(number)
        # The rows [bottom, top) are rows [count - top, count - bottom) of the reversed list. Selecting them by
        # primary key keeps ``object_list`` a lazy queryset in the normal order, so views can still add
        # prefetches or annotations to the page, and the page stays one query.
        window = self.object_list.reverse()[self.count - top : self.count - bottom].values("pk")
        page: Page[Any] = self._get_page(  # type: ignore[attr-defined]  # Django's hook for building a Page
            self.object_list.filter(pk__in=window), number, self
        )
        return page


def paginate(request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any], per_page: int = PAGE_SIZE) -> Page[Any]:
    """Every list page goes through here: the page asked for by ``?page=``, pages past the middle read from the
    end. Links to other pages keep the rest of the query string with ``{% querystring page=n %}``."""
    return MirroredPaginator(queryset, per_page).get_page(request.GET.get("page"))
