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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

PK_NAMES = {"pk", "id"}
# A count slower than settings.PAGE_COUNT_CACHE_AFTER_SECONDS is kept for COUNT_CACHE_SECONDS: counting a
# million opinions in a city's scope takes longer than the rest of the page, and a total a minute old is fine on
# a list of thousands. Counts of small lists (a township's, a unit's) are fast and stay exact.
COUNT_CACHE_SECONDS = 60
# Rows on a list page, unless the list asks for another size.
PAGE_SIZE = 25


def remembered_count(key: str, count: Callable[[], int]) -> int:
    """``count()``, kept under ``key`` for COUNT_CACHE_SECONDS when it was slow (the comment above says why)."""
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    started = time.monotonic()
    value = count()
    if time.monotonic() - started > settings.PAGE_COUNT_CACHE_AFTER_SECONDS:
        cache.set(key, value, COUNT_CACHE_SECONDS)
    return value


def cached_count(queryset: QuerySet[Any], key: str | None = None) -> int:
    """``queryset.count()``, kept like ``remembered_count``; keyed on its SQL unless the caller knows a key
    (``list_count_key``) that determines the queryset."""
    if key is None:
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return 0  # ``none()``, or a filter that can match nothing: no SQL to run
        key = "pagecount:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    return remembered_count(key, queryset.count)


# Query-string parameters that do not change which rows a list holds.
NOT_FILTERS = frozenset({"page", "export"})


def list_count_key(user: Any, path: str, params: Mapping[str, Any], part: int = 0) -> str:
    """The count cache key of the list at ``path`` as ``user`` opens it with the query string ``params``.

    A list's rows are determined by who asks, which list, its filters and the day (the deadline tabs count from
    today), so this key stands for the list's SQL without compiling it: compiling the SQL of a count only to
    look it up was a sixth of a list page's CPU, and most of the staff start page's, which counts a dozen lists
    (bench/README.md). The start page's counts and the lists they link to share it, so they agree. A change to
    the user's own scope (region, unit) may show a count kept from before it for up to COUNT_CACHE_SECONDS, as a
    change to the rows already may. ``part`` tells apart the lists one page paginates after the first.
    """
    getlist = getattr(params, "getlist", None)
    filters = sorted(
        (name, str(value))
        for name in params
        if name not in NOT_FILTERS
        for value in (getlist(name) if getlist else [params[name]])
        if value not in ("", None)
    )
    identity = repr((getattr(user, "pk", None), path, filters, part, timezone.localdate().isoformat()))
    return "pagecount:list:" + hashlib.sha256(identity.encode()).hexdigest()


def request_count_key(request: HttpRequest, part: int = 0, **overrides: Any) -> str:
    """``list_count_key`` of the list this request shows, with some parameters replaced (``None`` removes one)."""
    if not overrides:
        return list_count_key(request.user, request.path, request.GET, part)
    params = request.GET.copy()
    for name, value in overrides.items():
        params.pop(name, None)
        if value is not None:
            params[name] = str(value)
    return list_count_key(request.user, request.path, params, part)


def cached_rows(queryset: QuerySet[Any], key: str | None = None) -> list[Any]:
    """``list(queryset)``, kept for COUNT_CACHE_SECONDS when it was slow, as ``cached_count`` keeps counts.

    For small grouped figures read on every visit (the start page's "overdue by unit" entries group a
    province's overdue opinions or suggestions by unit: 0.2–0.3 s each at province scale, bench/README.md);
    the rows must pickle (``values()`` dicts, tuples, numbers). The key is the SQL with its parameters, so a
    figure that depends on today's date is not served after midnight, unless the caller gives one that
    determines the rows (today's date included where they depend on it).
    """
    if key is None:
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


def shown(queryset: QuerySet[Any], columns: Sequence[str]) -> QuerySet[Any]:
    """A list page's rows with only the ``columns`` its template shows, joined as they name them
    (``station__name`` joins the station, ``deputy`` loads only the deputy's id).

    A list row used to load every column of its row and of each relation (an opinion list's 83 columns for
    the 13 it shows, its texts among them): a fifth of the SQL to compile, send and turn into model
    instances (bench/README.md). The suite fails on a template that reads a column left out
    (congress/testing/deferred.py), so a new column on a page is added here and not loaded row by row.
    """
    joins = {column.rpartition("__")[0] for column in columns if "__" in column}
    queryset = queryset.select_related(None)
    if joins:  # select_related() with no names would follow every non-null foreign key instead
        queryset = queryset.select_related(*sorted(joins))
    return queryset.only(*columns)


def daily_key(name: str, user: Any, *parts: Any) -> str:
    """A ``cached_rows`` key for a read determined by its name, the user's scope, ``parts`` and today's date."""
    identity = repr((name, getattr(user, "pk", None), parts, timezone.localdate().isoformat()))
    return "pagerows:" + hashlib.sha256(identity.encode()).hexdigest()


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

    def __init__(
        self,
        object_list: QuerySet[Any] | Sequence[Any],
        per_page: int,
        *args: Any,
        count_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(object_list, QuerySet):
            object_list = with_unique_ordering(object_list)
        self.count_key = count_key
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        return cached_count(self.object_list, self.count_key)

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
    end. Links to other pages keep the rest of the query string with ``{% querystring page=n %}``.

    The count is kept under the request's ``list_count_key``; a page that paginates several lists numbers them
    in the order it paginates them, which is the same on every visit."""
    part = getattr(request, "_paginated_lists", 0)
    request._paginated_lists = part + 1  # type: ignore[attr-defined]  # a per-request counter
    key = request_count_key(request, part) if hasattr(request, "user") else None
    return MirroredPaginator(queryset, per_page, count_key=key).get_page(request.GET.get("page"))
