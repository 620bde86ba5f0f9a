"""Reads for stations, duty days and opinions, and the figures stations feed into the office's reports."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from representatives import tallies
from representatives.audit import timeline
from representatives.models import Deputy, Membership, Region
from representatives.permissions import handling_units_for, region_scope_q, regions_for

from . import permissions
from .filters import DutyDayFilter, OpinionFilter, StationFilter, StationVisitFilter
from .models import DutyDay, DutyShift, Opinion, Rating, Station, StationMember, StationVisit


def station_list(*, user, filters=None) -> StationFilter:
    # Counted per row in a subquery rather than a GROUP BY over every station's members: the page then counts
    # only its 25 stations (a province's list took 0.4 s when all 20,000 were grouped first).
    members = StationMember.objects.filter(station=OuterRef("pk")).order_by().values("station").annotate(n=Count("pk"))
    queryset = (
        permissions.stations_for(user)
        .select_related("region")
        .annotate(member_count=Coalesce(Subquery(members.values("n"), output_field=IntegerField()), Value(0)))
        .order_by("region__path", "name")
    )
    filterset = StationFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def _serving_members():
    serving = Membership.objects.filter(deputy=OuterRef("pk"), status=Membership.Status.SERVING)
    return Deputy.objects.filter(Exists(serving)).select_related("region").order_by("name")


def station_detail(*, user, pk) -> Station:
    return get_object_or_404(
        permissions.stations_for(user)
        .select_related("region")
        .prefetch_related(Prefetch("deputies", queryset=_serving_members()), "checks"),
        pk=pk,
    )


def public_station(public_id) -> Station:
    return get_object_or_404(
        permissions.public_stations()
        .select_related("region")
        .prefetch_related(Prefetch("deputies", queryset=_serving_members())),
        public_id=public_id,
    )


def upcoming_duty_days(*, station=None, deputy=None, limit: int = 10) -> list[DutyDay]:
    queryset = DutyDay.objects.filter(status=DutyDay.Status.PLANNED, date__gte=timezone.localdate())
    if station is not None:
        queryset = queryset.filter(station=station)
    if deputy is not None:
        queryset = queryset.filter(shifts__deputy=deputy)
    return list(
        queryset.select_related("station")
        .prefetch_related(Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy")))
        .order_by("date", "start_time")[:limit]
    )


def duty_day_list(*, user, filters=None) -> DutyDayFilter:
    queryset = (
        permissions.duty_days_for(user)
        .select_related("station__region")
        .prefetch_related(Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy")))
        .order_by("-date", "-id")
    )
    filterset = DutyDayFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def duty_day_detail(*, user, pk) -> DutyDay:
    return get_object_or_404(
        permissions.duty_days_for(user)
        .select_related("station__region")
        .prefetch_related(Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy")), "opinions"),
        pk=pk,
    )


def opinion_list(*, user, filters=None) -> OpinionFilter:
    queryset = (
        permissions.opinions_for(user)
        .select_related("station", "region", "unit", "deputy")
        .order_by("-received_at", "-id")
    )
    filterset = OpinionFilter(
        filters or {}, queryset=queryset, regions=regions_for(user), units=handling_units_for(user)
    )
    filterset.qs  # noqa: B018
    return filterset


def opinion_detail(*, user, pk) -> Opinion:
    return get_object_or_404(
        permissions.opinions_for(user)
        .select_related("station", "region", "unit", "deputy", "merged_into", "duty_day")
        .prefetch_related("supervisions__by"),
        pk=pk,
    )


def opinion_timeline(opinion: Opinion):
    return timeline(opinion)


def published_outcomes(*, station=None, region=None) -> QuerySet[Opinion]:
    queryset = Opinion.objects.published().select_related("station", "deputy").order_by("-published_at", "-id")
    if station is not None:
        queryset = queryset.filter(station=station)
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    return queryset


def opinions_handled_on_the_spot_query(year: int, region: Region | None) -> dict[str, str]:
    """The staff opinion list's parameters (``staff:opinions``) that list what ``opinions_handled_on_the_spot``
    counts: ``handled=on_the_spot``, received in the year, in the region."""
    query = {
        "handled": "on_the_spot",
        "received_from": datetime.date(year, 1, 1).isoformat(),
        "received_to": datetime.date(year, 12, 31).isoformat(),
    }
    if region is not None:
        query["region"] = str(region.pk)
    return query


def opinions_handled_on_the_spot(user, year: int, region: Region | None) -> QuerySet[Opinion]:
    """Opinions handled on the spot (当场答复/现场办结): answered on the spot when the office proposed how to handle
    them (``filters.HANDLED_ON_THE_SPOT``), received in ``year`` (local time, as "opinions collected" counts),
    in ``region`` and below (None: everything the user sees).

    These are the rows of the staff opinion list with ``opinions_handled_on_the_spot_query(year, region)``: the
    same FilterSet filters both, so the figure is the list's count.
    """
    filterset = opinion_list(user=user, filters=opinions_handled_on_the_spot_query(year, region))
    # A region the user does not see is not a filter the list applies; nothing of it is counted either.
    return filterset.qs.none() if filterset.form.errors else filterset.qs


# Leaders' visits to stations ------------------------------------------------------------------------------------


def station_visit_list(*, user, filters=None) -> StationVisitFilter:
    queryset = (
        permissions.station_visits_for(user)
        .select_related("station__region", "leader", "recorded_by")
        .order_by("-date", "-id")
    )
    filterset = StationVisitFilter(
        filters or {},
        queryset=queryset,
        regions=regions_for(user),
        stations=permissions.stations_for(user),
        leaders=permissions.visiting_leaders_for(user).order_by("last_name", "first_name", "username"),
    )
    filterset.qs  # noqa: B018
    return filterset


def leader_visits_query(year: int, region: Region | None) -> dict[str, str]:
    """The staff visit list's parameters (``staff:station_visits``) that list what ``leader_visits`` counts."""
    query = {"year": str(year)}
    if region is not None:
        query["region"] = str(region.pk)
    return query


def leader_visits(user, year: int, region: Region | None) -> QuerySet[StationVisit]:
    """The visits the figure "leaders' visits to stations in year Y" (常委会组成人员/领导到联络站活动次数) counts:
    dated in ``year``, at stations in ``region`` and below (None: everything the user sees), each visit once.

    These are the rows of the staff visit list with ``leader_visits_query(year, region)``: the same FilterSet
    filters both, so the figure is the list's count (a region the user does not see gives none in both).
    """
    return station_visit_list(user=user, filters=leader_visits_query(year, region)).qs


def station_visit_detail(*, user, pk) -> StationVisit:
    return get_object_or_404(
        permissions.station_visits_for(user).select_related("station__region", "leader", "recorded_by"), pk=pk
    )


def station_visits_at(station: Station, *, limit: int = 10) -> list[StationVisit]:
    """A station's latest visits, for its staff page (the caller has already checked the station is readable)."""
    return list(StationVisit.objects.filter(station=station).select_related("leader").order_by("-date", "-id")[:limit])


def station_visit_timeline(visit: StationVisit):
    steps = timeline(visit)
    labels = dict(StationVisit.Step.choices)
    for step in steps:
        step.to_label = labels.get(step.to_state, step.to_state)
    return steps


# Statistics -----------------------------------------------------------------------------------------------------


@dataclass
class StationFigures:
    region: Region | None
    stations: int = 0
    deputies_assigned: int = 0
    duty_days_held: int = 0
    voters_received: int = 0
    opinions_collected: int = 0
    opinions_resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def deputies_per_station(self) -> float | None:
        return round(self.deputies_assigned / self.stations, 1) if self.stations else None

    @property
    def resolved_rate(self) -> float | None:
        return round(100 * self.opinions_resolved / self.opinions_collected, 1) if self.opinions_collected else None

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


# The sources whose tallies (representatives.tallies, counted as liaison_stations/figures.py says) make the figures.
STATION_SOURCES = ("stations", "station_members")
PERIOD_SOURCES = ("duty_days", "opinions")


def statistics_rows(*, user, region: Region | None) -> tuple[Region | None, list[Region]]:
    """The region the figures add up (None: every region) and its rows: the regions right below it."""
    scope_root = region or (user.region if user.region_id else None)
    if scope_root is None:
        return None, list(Region.objects.filter(parent__isnull=True))
    return scope_root, list(regions_for(user).filter(parent=scope_root).order_by("path")) or [scope_root]


def statistics_scope(*, user, scope_root: Region | None) -> Q:
    """The tallies the user may add up: their region's, and only those under ``scope_root``."""
    where = region_scope_q(user, "region")
    return where & Q(region__path__startswith=scope_root.path) if scope_root is not None else where


def station_figures(found: tallies.Sums, *, scope_root: Region | None, rows: list[Region]):
    """The table of ``station_statistics`` from tallies summed with ``rows`` (and the rest of the scope as -1)."""

    def figures(region: Region | None, index: int | None) -> StationFigures:
        def total(name: str, key: str) -> int:
            return found.total(name, key, row=index)

        resolved = total("opinions", Opinion.Status.FED_BACK) + total("opinions", Opinion.Status.CLOSED)
        ratings = {rating: total("opinions", f"rating|{rating}") for rating in Rating.values}
        return StationFigures(
            region=region,
            stations=total("stations", "active"),
            deputies_assigned=total("station_members", "members"),
            duty_days_held=total("duty_days", "held"),
            voters_received=total("duty_days", "voters"),
            opinions_collected=total("opinions", "collected"),
            opinions_resolved=resolved,
            rated=sum(ratings.values()),
            satisfied=ratings[Rating.SATISFIED] + ratings[Rating.BASIC],
        )

    table = [figures(region, index) for index, region in enumerate(rows)]
    # Chosen a township (no rows below it), or every region: the rows already make the whole.
    whole = scope_root is not None and scope_root not in rows
    return table, figures(scope_root if whole else None, None)


def station_statistics(*, user, region: Region | None, date_from: datetime.date | None, date_to: datetime.date | None):
    """Figures per child region of ``region`` plus a total row, from the tallies, in a fixed number of queries.

    Whole months of the period are read from the monthly tallies; days of a month the period covers only in
    part are counted now, under the chosen region (at most two months' rows).
    """
    scope_root, rows = statistics_rows(user=user, region=region)
    months, partial = tallies.period(date_from, date_to)
    wanted = {name: Q() for name in STATION_SOURCES} | dict.fromkeys(PERIOD_SOURCES, months)
    under = scope_root.path if scope_root is not None else None
    live = [(name, tallies.Buckets(period=days, under=under)) for days in partial for name in PERIOD_SOURCES]
    found = tallies.sums(wanted, where=statistics_scope(user=user, scope_root=scope_root), rows=rows, live=live)
    return station_figures(found, scope_root=scope_root, rows=rows)
