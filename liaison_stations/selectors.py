"""Reads for stations, duty days and opinions, and the figures stations feed into the office's reports."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from representatives.audit import timeline
from representatives.models import Deputy, Membership, Region
from representatives.permissions import handling_units_for, regions_for

from . import permissions
from .filters import DutyDayFilter, OpinionFilter, StationFilter
from .models import DutyDay, DutyShift, Opinion, Rating, Station, StationMember


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


def _per_region(queryset, path_field: str, rows: list[Region], **aggregates) -> dict:
    """One query: every aggregate computed for each row region with a conditional filter on its path."""
    expressions = {}
    for index, region in enumerate(rows):
        scope = Q(**{f"{path_field}__startswith": region.path})
        for name, (function, column, condition) in aggregates.items():
            expressions[f"{name}_{index}"] = function(column, filter=scope & condition, distinct=function is Count)
    return queryset.aggregate(**expressions) if expressions else {}


def station_statistics(*, user, region: Region | None, date_from: datetime.date | None, date_to: datetime.date | None):
    """Figures per child region of ``region`` plus a total row, in a fixed number of queries."""
    scope_root = region or (user.region if user.region_id else None)
    if scope_root is None:
        rows = list(Region.objects.filter(parent__isnull=True))
    else:
        rows = list(regions_for(user).filter(parent=scope_root).order_by("path")) or [scope_root]

    period = Q()
    if date_from:
        period &= Q(date__gte=date_from)
    if date_to:
        period &= Q(date__lte=date_to)
    received = Q()
    if date_from:
        received &= Q(received_at__date__gte=date_from)
    if date_to:
        received &= Q(received_at__date__lte=date_to)

    all_regions = rows + ([scope_root] if scope_root is not None and scope_root not in rows else [])
    station_scope = permissions.stations_for(user).filter(is_active=True)
    stations = _per_region(
        station_scope,
        "region__path",
        all_regions,
        stations=(Count, "id", Q()),
        deputies=(Count, "members__deputy", Q()),
    )
    duty = _per_region(
        permissions.duty_days_for(user).filter(period, status=DutyDay.Status.HELD),
        "station__region__path",
        all_regions,
        held=(Count, "id", Q()),
        voters=(Sum, "voters_received", Q()),
    )
    opinions = _per_region(
        permissions.opinions_for(user).filter(received).exclude(status=Opinion.Status.MERGED),
        "region__path",
        all_regions,
        collected=(Count, "id", Q()),
        resolved=(Count, "id", Q(status__in=Opinion.RESOLVED_STATES)),
        rated=(Count, "id", ~Q(rating="")),
        satisfied=(Count, "id", Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
    )

    def figures(index: int, region: Region) -> StationFigures:
        return StationFigures(
            region=region,
            stations=stations.get(f"stations_{index}") or 0,
            deputies_assigned=stations.get(f"deputies_{index}") or 0,
            duty_days_held=duty.get(f"held_{index}") or 0,
            voters_received=duty.get(f"voters_{index}") or 0,
            opinions_collected=opinions.get(f"collected_{index}") or 0,
            opinions_resolved=opinions.get(f"resolved_{index}") or 0,
            rated=opinions.get(f"rated_{index}") or 0,
            satisfied=opinions.get(f"satisfied_{index}") or 0,
        )

    table = [figures(i, r) for i, r in enumerate(rows)]
    if scope_root is not None and scope_root not in rows:
        total = figures(len(rows), scope_root)
    else:
        total = StationFigures(region=None)
        for row in table:
            for name in (
                "stations",
                "deputies_assigned",
                "duty_days_held",
                "voters_received",
                "opinions_collected",
                "opinions_resolved",
                "rated",
                "satisfied",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
    return table, total
