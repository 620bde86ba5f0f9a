"""Figures that add up a whole region, kept as summary rows that follow every change of the data.

The dashboard, the year report, the staff start page and the station statistics add up a province's three
million activity records, a million opinions and a hundred thousand suggestions. Counted inside the visit,
the dashboard's first load took 18 s at province scale and the SQLite demo's year report 12–28 s on every
visit (bench/README.md). Here every such figure is a sum of a few thousand ``Tally`` rows, kept exact so:

1. Saving or deleting a row of a watched model writes ``TallyMark`` rows for the buckets (source, region,
   year) the row counts in, before and after the change, in the change's own transaction (``watch``). Bulk
   writes that send no signals call ``mark`` themselves.
2. After the commit the marked buckets are counted again (``flush``): by a Celery task, or right away in the
   same request when ``REFRESH_IN_BACKGROUND`` is off. A recount replaces all the bucket's rows with what the
   source's counting function finds in the database, so the figures never drift the way adjusted deltas can.
3. A page that reads tallies first makes sure no mark is waiting (``current``): a cache lookup normally says
   so; when it cannot, the page counts the waiting buckets itself (a township's rows, not the province's).

Apps register their sources (``source``, ``watch``) in ``AppConfig.ready()``. A source's function counts the
rows of the buckets it is given with grouped queries, so recounting one township and rebuilding everything
(``manage.py recount_tallies``) run the same code, and ``check`` compares the stored rows with a recount.
"""

import copy
import datetime
import logging
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone, translation

from congress.cache import CacheUnavailable

from .models import Region, Tally, TallyMark

logger = logging.getLogger(__name__)

WRITES_KEY = "tallies:writes"
FLUSHED_KEY = "tallies:flushed"
VERSION_KEY = "tallies:version"
QUEUED_KEY = "tallies:flush-queued"
# After this long without a flush a reader looks for marks in the database again: the only check there is when
# the cache is per process (no Redis) and another process wrote.
FLUSHED_SECONDS = 300
FIGURES_SECONDS = 60 * 60
# PostgreSQL advisory lock id: one recount at a time, so two never rewrite the same bucket at once.
LOCK_ID = 0x7A11E5
WRITE_BATCH = 2000


class Row(NamedTuple):
    """One counter as a source's function yields it (``Tally`` without its source)."""

    bucket: int
    region: int
    year: int
    month: int
    key: str
    value: int
    counts_from: datetime.date | None = None


def row(region: int, key: str, value: int, *, year: int = 0, month: int = 0, counts_from=None, bucket=None) -> Row:
    """A counter that adds up where it was counted (``bucket`` is then the same region)."""
    return Row(region if bucket is None else bucket, region, year, month, key, value or 0, counts_from)


@dataclass(frozen=True)
class Buckets:
    """The rows a count covers: bucket regions (None: all), years (None: all), and for live counts a period of
    days and a region path everything must lie under."""

    regions: frozenset[int] | None = None
    years: frozenset[int] | None = None
    period: tuple[datetime.date, datetime.date] | None = None
    under: str | None = None

    def q(self, region: str, year: str | None = None, day: str | None = None, moment: str | None = None) -> Q:
        """A filter on the counted model: ``region`` leads to the bucket region, ``year`` to the year a row counts
        in (``date__year``, in local time for date-times), and ``day`` to its date or ``moment`` to its date-time
        (compared with the local midnights around the period, so that an index on it serves)."""
        condition = Q()
        if self.period is not None and moment is not None:
            zone = timezone.get_current_timezone()
            first, last = self.period
            condition &= Q(**{f"{moment}__gte": datetime.datetime.combine(first, datetime.time.min, zone)})
            after = last + datetime.timedelta(days=1)
            condition &= Q(**{f"{moment}__lt": datetime.datetime.combine(after, datetime.time.min, zone)})
        if self.regions is not None:
            condition &= Q(**{f"{region}__in": sorted(self.regions)})
        if self.under is not None:
            condition &= Q(**{f"{region}__path__startswith": self.under})
        if self.years is not None and year is not None:
            condition &= Q(**{f"{year}__in": sorted(self.years)})
        if self.period is not None and day is not None:
            condition &= Q(**{f"{day}__range": self.period})
        return condition


@dataclass(frozen=True)
class Source:
    name: str
    count: Callable[[Buckets], Iterable[Row]]
    yearly: bool


SOURCES: dict[str, Source] = {}


def source(name: str, *, yearly: bool):
    """Registers ``func(buckets) -> Rows`` as the counting function of source ``name``."""

    def register(func):
        SOURCES[name] = Source(name, func, yearly)
        return func

    return register


# --- marking changes ------------------------------------------------------------------------------------------

_local = threading.local()


@contextmanager
def paused():
    """No marks inside (bulk loads that rebuild every tally afterwards, like the demo seed)."""
    _local.paused = getattr(_local, "paused", 0) + 1
    try:
        yield
    finally:
        _local.paused -= 1


def _is_paused() -> bool:
    return getattr(_local, "paused", 0) > 0


def mark(buckets: Iterable[tuple[str, int | None, int | None]]) -> None:
    """Has these (source, region id, year) buckets counted again after the commit; None: all regions or years."""
    wanted = {(name, region, year) for name, region, year in buckets}
    if not wanted or _is_paused():
        return
    TallyMark.objects.bulk_create(TallyMark(source=name, region_id=region, year=year) for name, region, year in wanted)
    # Counted now as well as after the commit, so that a reader in the same transaction (or a test, where the
    # commit never comes) also finds the tallies out of date.
    _count_write()
    transaction.on_commit(_after_commit, robust=True)


def _count_write() -> None:
    try:
        try:
            cache.incr(WRITES_KEY)
        except ValueError:
            cache.add(WRITES_KEY, 1, None)
    except CacheUnavailable:
        pass  # readers cannot tell either, so they look at the marks themselves


def _after_commit() -> None:
    _count_write()
    if not settings.REFRESH_IN_BACKGROUND:
        flush(wait=True)
        return
    if not cache.add(QUEUED_KEY, 1, 60):
        return  # a flush is already queued; it reads every mark committed before it starts
    try:
        flush_tallies.delay()
    except Exception:
        # The broker is down: the next page that reads the tallies counts the marks itself.
        cache.delete(QUEUED_KEY)
        logger.warning("could not queue the tally flush", exc_info=True)


@dataclass(frozen=True)
class _Watch:
    buckets: Callable[[object], Iterable[tuple[str, int | None, int | None]]]
    moves: tuple[str, ...]
    relevant: tuple[str, ...] | None
    only_changes: bool

    def fields(self) -> set[str]:
        return set(self.moves) | set(self.relevant or ())


_watches: dict[type, list[_Watch]] = defaultdict(list)


def watch(
    model, buckets, *, moves: Sequence[str] = (), relevant: Sequence[str] | None = None, only_changes: bool = False
) -> None:
    """Marks ``buckets(instance)`` whenever a row of ``model`` is created, changed or deleted.

    ``moves``: fields whose change moves the row to other buckets (the old ones are marked too, as read before
    the save). ``relevant``: the only fields whose change alters a figure (None: any change may); a save that
    changes none of them marks nothing. ``only_changes``: creating or deleting a row marks nothing either (a
    congress counts through its seats, which are marked themselves).
    """
    _watches[model].append(
        _Watch(buckets, tuple(moves), tuple(relevant) if relevant is not None else None, only_changes)
    )
    label = model._meta.label_lower
    pre_save.connect(_before_save, sender=model, weak=False, dispatch_uid=f"tallies-pre-save-{label}")
    post_save.connect(_after_save, sender=model, weak=False, dispatch_uid=f"tallies-post-save-{label}")
    pre_delete.connect(_before_delete, sender=model, weak=False, dispatch_uid=f"tallies-pre-delete-{label}")


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


def _touched(model, spec: _Watch, update_fields) -> bool:
    if update_fields is None:
        return True
    names = set(update_fields) | {_attname(model, name) for name in update_fields}
    return any(name in names or _attname(model, name) in names for name in spec.fields())


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._tally_old = None
    if raw or _is_paused() or instance._state.adding:
        return
    # The values before the save, read once for every watch that needs them: where the row counted until now.
    needed = set()
    for spec in _watches[sender]:
        if _touched(sender, spec, update_fields) and (spec.moves or spec.relevant is not None):
            needed |= spec.fields()
    if needed:
        attnames = sorted({_attname(sender, name) for name in needed})
        instance._tally_old = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()


def _as_before(instance, old: dict):
    before = copy.copy(instance)
    before._state = copy.copy(instance._state)
    before._state.fields_cache = {}
    for name, value in old.items():
        setattr(before, name, value)
    return before


def _differs(model, instance, old: dict, name: str) -> bool:
    attname = _attname(model, name)
    return attname in old and old[attname] != getattr(instance, attname)


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    old = instance.__dict__.pop("_tally_old", None)
    if not raw and not _is_paused():
        mark(_changed_buckets(sender, instance, created=created, old=old, update_fields=update_fields))


def _changed_buckets(model, instance, *, created: bool, old: dict | None, update_fields=None) -> list:
    buckets = []
    for spec in _watches[model]:
        if created:
            if not spec.only_changes:
                buckets += spec.buckets(instance)
            continue
        if not _touched(model, spec, update_fields):
            if spec.relevant is None and not spec.only_changes:
                buckets += spec.buckets(instance)
            continue
        changed = {name for name in spec.fields() if old is not None and _differs(model, instance, old, name)}
        if spec.relevant is not None and not changed & set(spec.relevant):
            continue
        buckets += spec.buckets(instance)
        if changed & set(spec.moves):
            buckets += spec.buckets(_as_before(instance, old))
    return buckets


def saved(model, *, created: Iterable = (), updated: Iterable = (), before: dict | None = None) -> None:
    """Marks what a bulk write of ``model`` rows changed, as the signals would have for each row saved.

    ``before`` maps an updated row's primary key to a copy of it as it was stored; rows without one are taken
    to have changed everything.
    """
    before = before or {}
    buckets = []
    for instance in created:
        buckets += _changed_buckets(model, instance, created=True, old=None)
    for instance in updated:
        stored = before.get(instance.pk)
        if stored is None:
            buckets += _changed_buckets(model, instance, created=True, old=None)
            continue
        names = {name for spec in _watches[model] for name in spec.fields()}
        old = {_attname(model, name): getattr(stored, _attname(model, name)) for name in names}
        buckets += _changed_buckets(model, instance, created=False, old=old)
    mark(buckets)


def _before_delete(sender, instance, **kwargs):
    if not _is_paused():
        mark(bucket for spec in _watches[sender] if not spec.only_changes for bucket in spec.buckets(instance))


# --- counting again -------------------------------------------------------------------------------------------


def _lock(wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite lets one writer at a time in; a second flush waits or fails (``flush``)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {'pg_advisory_xact_lock' if wait else 'pg_try_advisory_xact_lock'}(%s)", [LOCK_ID])
        return wait or bool(cursor.fetchone()[0])


def _plan(source: Source, marks: Iterable[tuple[int | None, int | None]]) -> list[Buckets]:
    """The recounts that cover these marks: every region and year marked, as few queries as possible."""
    marks = list(marks)
    if any(region is None for region, _year in marks):
        return [Buckets()]
    if not source.yearly:
        return [Buckets(regions=frozenset(region for region, _year in marks))]
    every_year = frozenset(region for region, year in marks if year is None)
    some_years = {(region, year) for region, year in marks if year is not None and region not in every_year}
    plans = [Buckets(regions=every_year)] if every_year else []
    if some_years:
        # Regions × years may cover a few buckets nobody marked; counting them again is harmless.
        regions = frozenset(region for region, _year in some_years)
        plans.append(Buckets(regions=regions, years=frozenset(year for _region, year in some_years)))
    return plans


def _recount(source: Source, buckets: Buckets) -> int:
    stale = Tally.objects.filter(source=source.name)
    if buckets.regions is not None:
        stale = stale.filter(bucket_id__in=sorted(buckets.regions))
    if buckets.years is not None:
        stale = stale.filter(year__in=sorted(buckets.years))
    stale.delete()
    fresh = [
        Tally(
            source=source.name,
            bucket_id=counted.bucket,
            region_id=counted.region,
            year=counted.year,
            month=counted.month,
            key=counted.key,
            counts_from=counted.counts_from,
            value=counted.value,
        )
        for counted in _combined(source.count(buckets))
    ]
    Tally.objects.bulk_create(fresh, batch_size=WRITE_BATCH)
    return len(fresh)


def _combined(rows: Iterable[Row]) -> list[Row]:
    """One row per counter: a source may yield the same counter in parts; counters of 0 are not kept."""
    totals: dict[tuple, int] = defaultdict(int)
    for counted in rows:
        totals[counted._replace(value=0)] += counted.value
    return [counted._replace(value=value) for counted, value in totals.items() if value]


def flush(*, wait: bool = False) -> int | None:
    """Counts the marked buckets again; returns how many marks it cleared, None if another flush was running.

    Readers pass ``wait=False`` and go on with the tallies as they are while another flush runs; that flush
    publishes the new state when it commits.
    """
    writes = _writes()
    # Looked for outside a transaction first: a reader finding nothing to count takes no lock (on SQLite, every
    # transaction waits for the write lock at its start).
    if not TallyMark.objects.exists():
        transaction.on_commit(lambda: _publish(writes, changed=False))
        return 0
    try:
        with transaction.atomic():
            if not _lock(wait):
                return None
            marks = list(TallyMark.objects.order_by().values_list("id", "source", "region_id", "year"))
            by_source: dict[str, set] = defaultdict(set)
            for _id, name, region, year in marks:
                by_source[name].add((region, year))
            for name, wanted in by_source.items():
                if name in SOURCES:
                    for buckets in _plan(SOURCES[name], wanted):
                        _recount(SOURCES[name], buckets)
            ids = [mark_id for mark_id, *_rest in marks]
            for start in range(0, len(ids), WRITE_BATCH):
                TallyMark.objects.filter(id__in=ids[start : start + WRITE_BATCH]).delete()
    except OperationalError:
        if wait or connection.vendor != "sqlite":
            raise
        return None  # SQLite: another process holds the write lock, and is flushing or about to
    transaction.on_commit(lambda: _publish(writes, changed=bool(marks)))
    return len(marks)


def _writes() -> int:
    return cache.get(WRITES_KEY) or 0


def _publish(writes: int, *, changed: bool) -> None:
    # The version names the tallies' content, so it outlives FLUSHED_KEY: a flush that found nothing to count
    # keeps the figures already kept under it.
    token = None if changed else cache.get(VERSION_KEY)
    if token is None:
        token = secrets.token_hex(6)
        cache.set(VERSION_KEY, token, None)
    cache.set(FLUSHED_KEY, {"writes": writes, "token": token}, FLUSHED_SECONDS)


def current() -> str | None:
    """The tallies' version once no mark waits; None when that cannot be told (no cache, a flush running)."""
    found = cache.get_many([WRITES_KEY, FLUSHED_KEY])
    flushed = found.get(FLUSHED_KEY)
    if flushed and flushed["writes"] == found.get(WRITES_KEY, 0):
        return flushed["token"]
    if flush(wait=False) is None:
        return None
    found = cache.get_many([WRITES_KEY, FLUSHED_KEY])
    flushed = found.get(FLUSHED_KEY)
    return flushed["token"] if flushed and flushed["writes"] == found.get(WRITES_KEY, 0) else None


def cached(key: str, compute: Callable):
    """``compute()``, kept until the tallies change, the day ends (figures depend on the date) or an hour has
    passed. Per language, whatever ``compute`` returns: what it labels is labelled in the visitor's language."""
    version = current()
    if version is None:
        return compute()
    full = f"tallies:{version}:{timezone.localdate().isoformat()}:{translation.get_language()}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, FIGURES_SECONDS)
    return value


def rebuild(names: Iterable[str] | None = None) -> dict[str, int]:
    """Counts every bucket of these sources (all when None) again; returns the rows each now has."""
    names = sorted(names or SOURCES)
    writes = _writes()
    with transaction.atomic():
        _lock(True)
        ids = list(TallyMark.objects.filter(source__in=names).values_list("id", flat=True))
        written = {name: _recount(SOURCES[name], Buckets()) for name in names}
        for start in range(0, len(ids), WRITE_BATCH):
            TallyMark.objects.filter(id__in=ids[start : start + WRITE_BATCH]).delete()
    transaction.on_commit(lambda: _publish(writes, changed=True))
    return written


def check(names: Iterable[str] | None = None) -> list[str]:
    """How the stored tallies differ from a recount, after counting what is marked (empty: they agree)."""
    flush(wait=True)
    differences = []
    for name in sorted(names or SOURCES):
        stored = {
            Row(t.bucket_id, t.region_id, t.year, t.month, t.key, 0, t.counts_from): t.value
            for t in Tally.objects.filter(source=name)
        }
        counted = {r._replace(value=0): r.value for r in _combined(SOURCES[name].count(Buckets()))}
        for found in sorted(stored.keys() | counted.keys(), key=repr):
            if stored.get(found, 0) != counted.get(found, 0):
                differences.append(
                    f"{name} {found.key} region {found.region} (bucket {found.bucket}) {found.year}-{found.month}"
                    f" from {found.counts_from}: stored {stored.get(found, 0)}, counted {counted.get(found, 0)}"
                )
    return differences


# --- reading --------------------------------------------------------------------------------------------------


class Sums:
    """Tally totals by source and key, for the whole scope, per row region and per month."""

    def __init__(self):
        self._total: dict[tuple[str, str], int] = defaultdict(int)
        self._row: dict[tuple[str, int, str], int] = defaultdict(int)
        self._month: dict[tuple[str, int, str], int] = defaultdict(int)

    def add(self, name: str, row_index: int, month: int, key: str, value: int) -> None:
        self._total[(name, key)] += value
        self._row[(name, row_index, key)] += value
        self._month[(name, month, key)] += value

    def total(self, name: str, key: str, *, row: int | None = None, month: int | None = None) -> int:
        if row is not None:
            return self._row.get((name, row, key), 0)
        if month is not None:
            return self._month.get((name, month, key), 0)
        return self._total.get((name, key), 0)

    def keys(self, name: str, prefix: str = "") -> list[str]:
        return sorted(key for source, key in self._total if source == name and key.startswith(prefix))


def period(
    date_from: datetime.date | None, date_to: datetime.date | None
) -> tuple[Q, list[tuple[datetime.date, datetime.date]]]:
    """A period of days as a filter on monthly tallies' year and month for the months it covers whole, and the
    spans of days in the (at most two) months it covers only in part, which ``sums`` counts live."""
    if date_from and date_to and date_from > date_to:
        return Q(pk__in=[]), []
    months, partial = Q(), []
    if date_from is not None:
        first = (date_from.year, date_from.month)
        if date_from.day != 1:
            month_end = _month_end(date_from)
            partial.append((date_from, min(month_end, date_to) if date_to else month_end))
            first = _next_month(*first)
        months &= Q(year__gt=first[0]) | Q(year=first[0], month__gte=first[1])
    if date_to is not None:
        last = (date_to.year, date_to.month)
        if date_to != _month_end(date_to):
            start = date_to.replace(day=1)
            if not partial or partial[0][0] < start:
                partial.append((max(start, date_from) if date_from else start, date_to))
            last = _previous_month(*last)
        months &= Q(year__lt=last[0]) | Q(year=last[0], month__lte=last[1])
    return months, partial


def _month_end(day: datetime.date) -> datetime.date:
    return _first_of(*_next_month(day.year, day.month)) - datetime.timedelta(days=1)


def _first_of(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _row_index(path: str, rows: Sequence[Region]) -> int:
    return next((index for index, region in enumerate(rows) if path.startswith(region.path)), -1)


def sums(
    wanted: dict[str, Q],
    *,
    where: Q | None = None,
    rows: Sequence[Region] = (),
    live: Sequence[tuple[str, Buckets]] = (),
    today: datetime.date | None = None,
) -> Sums:
    """Sums of the tallies of each source in ``wanted`` (with its filter on year and month), within ``where``
    (a filter on the tally's ``region``), in one query; split by ``rows`` (regions: each counter goes to the
    first that holds it, -1 when none does). ``live`` adds counts made now, for parts of months."""
    today = today or timezone.localdate()
    current()
    result = Sums()
    if wanted:
        chosen = Q()
        for name, condition in wanted.items():
            chosen |= Q(source=name) & condition
        row = Case(
            *[When(region__path__startswith=region.path, then=Value(i)) for i, region in enumerate(rows)],
            default=Value(-1),
            output_field=IntegerField(),
        )
        counted = Q(counts_from__isnull=True) | Q(counts_from__lte=today)
        found = (
            Tally.objects.filter(chosen, where or Q())
            .annotate(row=row)
            .values("source", "row", "month", "key")
            .annotate(total=Sum("value", filter=counted))
            .order_by()
        )
        for item in found:
            if item["total"]:
                result.add(item["source"], item["row"], item["month"], item["key"], item["total"])
    for name, buckets in live:
        counts = [c for c in SOURCES[name].count(buckets) if c.counts_from is None or c.counts_from <= today]
        paths = dict(Region.objects.filter(pk__in={c.region for c in counts}).values_list("pk", "path"))
        for c in counts:
            result.add(name, _row_index(paths[c.region], rows), c.month, c.key, c.value)
    return result


@shared_task(name="representatives.tasks.flush_tallies", ignore_result=True)
def flush_tallies() -> None:
    """Counts again the buckets of region figures that changes marked."""
    # Cleared first: a change committed from now on queues another flush rather than relying on this one.
    cache.delete(QUEUED_KEY)
    flush(wait=True)
