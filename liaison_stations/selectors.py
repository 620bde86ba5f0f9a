"""Reads for stations, duty days and opinions, and the figures stations feed into the office's reports."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.pagination import cached_rows, shown
from representatives import tallies
from representatives.audit import timeline
from representatives.models import Deputy, Membership, Region
from representatives.permissions import deputies_for, handling_units_for, region_scope_q, regions_for

from . import permissions
from .filters import (
    OPINION_FIGURES,
    OPINION_REPLIED_ON_TIME,
    DutyDayFilter,
    OpinionFilter,
    StationDeputyFilter,
    StationFilter,
    StationVisitFilter,
    due_within,
    opinions_assigned_in_year,
    seat_served_between,
)
from .models import DutyDay, DutyShift, Opinion, Rating, Station, StationMember, StationVisit


def station_list(*, user, filters=None) -> StationFilter:
    # Counted per row in a subquery rather than a GROUP BY over every station's members: the page then counts
    # only its 25 stations (a province's list took 0.4 s when all 20,000 were grouped first).
    # Serving members only, as the station's page lists them (``_serving_members``).
    serving = Membership.objects.filter(deputy=OuterRef("deputy_id"), status=Membership.Status.SERVING)
    members = (
        StationMember.objects.filter(Exists(serving), station=OuterRef("pk"))
        .order_by()
        .values("station")
        .annotate(n=Count("pk"))
    )
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
    # The office's pages list the members through ``station_members`` (with who still serves), not
    # ``station.deputies``: no prefetch of those.
    return get_object_or_404(permissions.stations_for(user).select_related("region").prefetch_related("checks"), pk=pk)


def public_station(public_id) -> Station:
    return get_object_or_404(
        permissions.public_stations()
        .select_related("region")
        .prefetch_related(Prefetch("deputies", queryset=_serving_members())),
        public_id=public_id,
    )


def station_members(station):
    """A station's members with their deputies, each marked whether they still hold a seat."""
    serving = Membership.objects.filter(deputy=OuterRef("deputy_id"), status=Membership.Status.SERVING)
    return (
        StationMember.objects.filter(station=station)
        .select_related("deputy__region")
        .annotate(serving=Exists(serving))
        .order_by("deputy__name", "deputy__code")
    )


def receiving_deputies(duty_day) -> QuerySet[Deputy]:
    """Who may have received a voter on the day: once the day is recorded only deputies who came; before that,
    the roster."""
    shifts = duty_day.shifts.all()
    if duty_day.status == DutyDay.Status.HELD:
        ids = [shift.deputy_id for shift in shifts if shift.attended]
    else:
        ids = [shift.deputy_id for shift in shifts]
    return Deputy.objects.filter(pk__in=ids).order_by("name", "code")


def upcoming_duty_days(*, station=None, deputy=None, limit: int = 10, with_shifts: bool = True) -> list[DutyDay]:
    """The planned days from today on, with who is on duty unless ``with_shifts`` is off (one query less)."""
    queryset = DutyDay.objects.filter(status=DutyDay.Status.PLANNED, date__gte=timezone.localdate())
    if station is not None:
        queryset = queryset.filter(station=station)
    if deputy is not None:
        queryset = queryset.filter(shifts__deputy=deputy)
    queryset = queryset.select_related("station").order_by("date", "start_time")
    if with_shifts:
        queryset = queryset.prefetch_related(Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy")))
    return list(queryset[:limit])


def duty_day_list(*, user, filters=None) -> DutyDayFilter:
    # Both duty-day lists show a day's shifts as the deputies' names and nothing else.
    shifts = shown(DutyShift.objects.all(), DUTY_DAY_SHIFT_COLUMNS)
    queryset = (
        permissions.duty_days_for(user)
        .select_related("station__region")
        .prefetch_related(Prefetch("shifts", queryset=shifts))
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


# The columns each opinion list shows (core.pagination.shown); the rest of a row, its texts above all, stays
# in the database.
STAFF_OPINION_COLUMNS = (
    "received_at",
    "title",
    "supervised",
    "status",
    "deadline",
    "deadline_provisional",
    "station__name",
    "unit__name",
)
UNIT_OPINION_COLUMNS = ("assigned_at", "title", "status", "deadline")
DEPUTY_OPINION_COLUMNS = ("received_at", "title", "status", "source", "station__name")
# An outcome as the public reads it (public/stations/_outcome.html); a station's page leaves out the place.
STATION_OUTCOME_COLUMNS = ("title", "public_summary", "received_at", "closed_at", "rating", "deputy__name")
PUBLIC_OUTCOME_COLUMNS = (*STATION_OUTCOME_COLUMNS, "region__name", "station__name")
STAFF_STATION_COLUMNS = ("name", "kind", "region__name", "address", "star_rating", "is_active")
PUBLIC_STATION_COLUMNS = ("public_id", "name", "kind", "region__name", "address", "opening_hours", "star_rating")
STAFF_DUTY_DAY_COLUMNS = (
    "date",
    "start_time",
    "end_time",
    "topic",
    "status",
    "voters_received",
    "station__name",
    "station__region__name",
)
DEPUTY_DUTY_DAY_COLUMNS = ("date", "status", "topic", "station__name")
# ``duty_day`` is what the prefetch files each shift under.
DUTY_DAY_SHIFT_COLUMNS = ("duty_day", "deputy__name")


def opinion_due_counts(filterset: OpinionFilter, keys: dict[str, str] | None = None) -> dict[str, int]:
    """How many rows of the filtered list each quick tab (``due``) holds, whichever tab is open; ``keys`` are the
    tabs' count cache keys (``core.pagination.request_count_key`` with ``due=tab``), shared with the tabs' lists."""
    from core.pagination import cached_count

    keys = keys or {}
    return {tab: cached_count(due_within(filterset.untabbed_qs, tab), keys.get(tab)) for tab in OpinionFilter.DUE_TABS}


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
    # No joins: the lists narrow the rows to what they show (``*_OUTCOME_COLUMNS``), and join for that.
    queryset = Opinion.objects.published().order_by("-published_at", "-id")
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
    """One row of the station statistics: a region below the chosen one, the chosen region's own items
    (``own``), or the total. What each figure counts: ``STATISTICS_COLUMNS``."""

    region: Region | None
    stations: int = 0
    deputies_assigned: int = 0
    duty_days_held: int = 0
    voters_received: int = 0
    opinions_collected: int = 0
    opinions_on_the_spot: int = 0
    opinions_answered: int = 0
    opinions_fed_back: int = 0
    opinions_closed: int = 0
    opinions_solved: int = 0
    rated: int = 0
    satisfied: int = 0
    own: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def deputies_per_station(self) -> float | None:
        return round(self.deputies_assigned / self.stations, 1) if self.stations else None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def closed_rate(self) -> float | None:
        """办结率: closed over collected."""
        return self._rate(self.opinions_closed, self.opinions_collected)

    @property
    def solved_rate(self) -> float | None:
        """解决率, the opinions' 办成率: actually solved over collected."""
        return self._rate(self.opinions_solved, self.opinions_collected)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)

    # Before issue 14 "resolved" meant fed back or closed; the dashboard still reads it under that name.
    @property
    def opinions_resolved(self) -> int:
        return self.opinions_fed_back

    @property
    def resolved_rate(self) -> float | None:
        return self._rate(self.opinions_fed_back, self.opinions_collected)

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.stations, self.deputies_assigned, self.duty_days_held, self.voters_received, self.opinions_collected)
        )


@dataclass(frozen=True)
class Column:
    """A figure of the statistics page: its attribute on ``StationFigures``, its label, how it is counted, and the
    staff list (URL name and parameters) that shows exactly the rows it counts. ``measure`` says how the list
    gives the figure: ``rows`` (the number of rows), ``sum:<field>`` (the sum of a field over the rows) or
    ``rate`` (a percentage; its link lists the numerator's rows)."""

    name: str
    label: str
    how: str
    list_name: str
    params: tuple = ()
    measure: str = "rows"
    period: tuple[str, str] | None = ("date_from", "date_to")


STATISTICS_COLUMNS = (
    Column(
        "stations",
        _("联络站"),
        _("目前在用的联络站，按联络站所在区域计（不随所选期间变化）。"),
        "staff:stations",
        (("is_active", "true"),),
        period=None,
    ),
    Column(
        "deputies_assigned",
        _("编入代表"),
        _(
            "目前编入在用联络站、且在所选期间内任何一天在任的代表（未选期间：目前在任），每人只计一次，"
            "按代表本人所在区域计入各行；期间开始前已离任的代表不计。"
        ),
        "staff:station_deputies",
    ),
    Column(
        "deputies_per_station",
        _("站均代表"),
        _("编入代表数除以联络站数。"),
        "staff:station_deputies",
        measure="rate",
    ),
    Column(
        "duty_days_held",
        _("接待日"),
        _("所选期间内已接待的接待日，按联络站所在区域计；当天值班代表均已离任的不计。"),
        "staff:duty_days",
        (("counted", "on"),),
    ),
    Column(
        "voters_received",
        _("接待人次"),
        _("上述接待日登记的接待选民人次之和（一个接待日的人次只计一次，不按值班代表重复计算）。"),
        "staff:duty_days",
        (("counted", "on"),),
        measure="sum:voters_received",
    ),
    Column(
        "opinions_collected",
        _("收集意见"),
        OPINION_FIGURES["counted"].how,
        "staff:opinions",
        (("outcome", "counted"),),
    ),
    Column(
        "opinions_on_the_spot",
        _("当场答复"),
        _("收集的意见中，拟办时确定当场答复的。"),
        "staff:opinions",
        (("outcome", "counted"), ("handled", "on_the_spot")),
    ),
    Column(
        "opinions_answered",
        OPINION_FIGURES["answered"].label,
        OPINION_FIGURES["answered"].how,
        "staff:opinions",
        (("outcome", "answered"),),
    ),
    Column(
        "opinions_closed",
        OPINION_FIGURES["closed"].label,
        OPINION_FIGURES["closed"].how,
        "staff:opinions",
        (("outcome", "closed"),),
    ),
    Column(
        "opinions_solved",
        OPINION_FIGURES["solved"].label,
        OPINION_FIGURES["solved"].how,
        "staff:opinions",
        (("outcome", "solved"),),
    ),
    Column(
        "closed_rate",
        _("办结率"),
        _("已办结意见占收集意见的比例。"),
        "staff:opinions",
        (("outcome", "closed"),),
        measure="rate",
    ),
    Column(
        "solved_rate",
        _("解决率"),
        _("已解决意见占收集意见的比例（意见的“办成率”）。"),
        "staff:opinions",
        (("outcome", "solved"),),
        measure="rate",
    ),
    Column(
        "satisfaction_rate",
        _("满意率"),
        _("选民评为满意或基本满意的意见占选民已评价意见的比例。"),
        "staff:opinions",
        (("outcome", "satisfied"),),
        measure="rate",
    ),
)
# The opinion list filters the period by the day received.
OPINION_PERIOD = ("received_from", "received_to")


def statistics_link(
    column: Column,
    *,
    row: StationFigures,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> tuple[str, dict[str, str]]:
    """The list (URL name, parameters) showing exactly the rows ``column`` counts in ``row``."""
    params = dict(column.params)
    if row.region is not None:
        params["region"] = str(row.region.pk)
        if row.own:
            params["own"] = "on"
    if column.period is not None:
        first, last = OPINION_PERIOD if column.list_name == "staff:opinions" else column.period
        if date_from is not None:
            params[first] = date_from.isoformat()
        if date_to is not None:
            params[last] = date_to.isoformat()
    return column.list_name, params


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


# Deputies assigned to stations ------------------------------------------------------------------------------------


def station_deputies_queryset(*, user, date_from=None, date_to=None) -> QuerySet[Deputy]:
    """The deputies "deputies assigned" counts: assigned to an active station the user sees, with a seat held on
    some day of the period (no period: serving today), each once. Assignments have no history (a deputy taken off
    a station is deleted, and imported rows carry the import's date), so they are today's; the seats are those of
    the period."""
    seats = StationMember.objects.filter(
        deputy=OuterRef("pk"), station__in=permissions.stations_for(user).filter(is_active=True)
    )
    served = Membership.objects.filter(Q(deputy=OuterRef("pk")) & seat_served_between(date_from, date_to))
    return deputies_for(user).filter(Exists(seats), Exists(served))


def station_deputy_list(*, user, filters=None) -> StationDeputyFilter:
    def deputies(date_from, date_to):
        return (
            station_deputies_queryset(user=user, date_from=date_from, date_to=date_to)
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "station_memberships",
                    queryset=StationMember.objects.filter(
                        station__in=permissions.stations_for(user).filter(is_active=True)
                    )
                    .select_related("station")
                    .order_by("station__name"),
                ),
                Prefetch("memberships", queryset=Membership.objects.select_related("congress__region")),
            )
            .order_by("region__path", "name", "code")
        )

    filterset = StationDeputyFilter(
        filters or {}, queryset=Deputy.objects.none(), deputies=deputies, regions=regions_for(user)
    )
    filterset.qs  # noqa: B018
    return filterset


@dataclass
class RowCounts:
    rows: list[int]
    own: int
    total: int


def deputies_assigned(
    *, user, scope_root: Region | None, rows: list[Region], date_from=None, date_to=None
) -> RowCounts:
    """How many deputies ``station_deputies_queryset`` holds per row region, in the scope root's own region
    (not below it) and in all, by the deputy's own region: the rows and the own count add up to the total."""
    queryset = station_deputies_queryset(user=user, date_from=date_from, date_to=date_to)
    if scope_root is not None:
        queryset = queryset.filter(region__path__startswith=scope_root.path)
    row = Case(
        *[When(region__path__startswith=region.path, then=Value(i)) for i, region in enumerate(rows)],
        default=Value(-1),
        output_field=IntegerField(),
    )
    # Counted now (assignments have no history to keep tallies of), over every deputy of the scope: 0.65 s for a
    # province (bench/README.md), so kept a minute when slow, as the lists' counts are.
    counted = queryset.annotate(row=row).values("row").annotate(n=Count("pk")).values_list("row", "n").order_by()
    found = dict(cached_rows(counted))
    return RowCounts(rows=[found.get(i, 0) for i in range(len(rows))], own=found.get(-1, 0), total=sum(found.values()))


# Statistics ---------------------------------------------------------------------------------------------------------


def station_figures(
    found: tallies.Sums, *, scope_root: Region | None, rows: list[Region], assigned: RowCounts | None = None
):
    """The table of ``station_statistics`` from tallies summed with ``rows`` (and the rest of the scope as -1),
    and ``assigned`` deputies (None: the ``station_members`` tallies, today's assignments of any seat).

    Returns the rows, then the total; when the chosen region has items of its own (a station or opinion attached
    to a county itself), a last row with ``own=True`` holds them, so the rows add up to the total."""

    def figures(region: Region | None, index: int | None, deputies: int | None) -> StationFigures:
        def total(name: str, key: str) -> int:
            return found.total(name, key, row=index)

        ratings = {rating: total("opinions", f"rating|{rating}") for rating in Rating.values}
        closed = total("opinions", Opinion.Status.CLOSED)
        return StationFigures(
            region=region,
            stations=total("stations", "active"),
            deputies_assigned=total("station_members", "members") if deputies is None else deputies,
            duty_days_held=total("duty_days", "held"),
            voters_received=total("duty_days", "voters"),
            opinions_collected=total("opinions", "collected"),
            opinions_on_the_spot=total("opinions", "on_the_spot"),
            opinions_answered=total("opinions", "answered"),
            opinions_fed_back=total("opinions", Opinion.Status.FED_BACK) + closed,
            opinions_closed=closed,
            opinions_solved=total("opinions", "solved"),
            rated=sum(ratings.values()),
            satisfied=ratings[Rating.SATISFIED] + ratings[Rating.BASIC],
        )

    def deputies(index: int | None) -> int | None:
        if assigned is None:
            return None
        return assigned.total if index is None else assigned.own if index == -1 else assigned.rows[index]

    table = [figures(region, index, deputies(index)) for index, region in enumerate(rows)]
    # Chosen a township (no rows below it), or every region: the rows already make the whole.
    whole = scope_root is not None and scope_root not in rows
    if whole:
        own = figures(scope_root, -1, deputies(-1))
        own.own = True
        if not own.is_empty:
            table.append(own)
    return table, figures(scope_root if whole else None, None, deputies(None))


def station_statistics(*, user, region: Region | None, date_from: datetime.date | None, date_to: datetime.date | None):
    """Figures per child region of ``region``, its own items and a total row, from the tallies (and deputies
    assigned counted now), in a fixed number of queries.

    Whole months of the period are read from the monthly tallies; days of a month the period covers only in
    part are counted now, under the chosen region (at most two months' rows).
    """
    scope_root, rows = statistics_rows(user=user, region=region)
    months, partial = tallies.period(date_from, date_to)
    wanted = {"stations": Q()} | dict.fromkeys(PERIOD_SOURCES, months)
    under = scope_root.path if scope_root is not None else None
    live = [(name, tallies.Buckets(period=days, under=under)) for days in partial for name in PERIOD_SOURCES]
    found = tallies.sums(wanted, where=statistics_scope(user=user, scope_root=scope_root), rows=rows, live=live)
    assigned = deputies_assigned(user=user, scope_root=scope_root, rows=rows, date_from=date_from, date_to=date_to)
    return station_figures(found, scope_root=scope_root, rows=rows, assigned=assigned)


UNIT_OPINION_COUNTS = {
    # Assigned in the year and not merged away into another opinion (a duplicate is handled once, on its original).
    "assigned": OPINION_FIGURES["counted"].where,
    "replied": OPINION_FIGURES["answered"].where,
    "on_time": OPINION_REPLIED_ON_TIME,
    "overdue": Q(status=Opinion.Status.ASSIGNED),  # and deadline before today: added in ``unit_opinion_counts``
    "rated": OPINION_FIGURES["rated"].where,
    "satisfied": Q(rating=Rating.SATISFIED) & ~Q(status=Opinion.Status.MERGED),
    "basic": Q(rating=Rating.BASIC) & ~Q(status=Opinion.Status.MERGED),
    "unsatisfied": Q(rating=Rating.UNSATISFIED) & ~Q(status=Opinion.Status.MERGED),
}


def unit_opinion_counts(*, user, year: int, today: datetime.date | None = None) -> dict[int, dict[str, int]]:
    """Per handling unit (by id), the opinions of the user's scope assigned (交办) to it in ``year``, local time:
    ``UNIT_OPINION_COUNTS``, each counting the rows the staff opinion list shows for ``unit=<id>&assigned_year=Y``
    with the matching filter (key None: any opinion assigned in the year and sent back without a unit since). One
    query whatever the number of units, kept for a minute when slow (``cached_rows``): grouping a province's
    year of opinions by unit takes 0.6–1 s (bench/README.md)."""
    today = today or timezone.localdate()
    where = dict(UNIT_OPINION_COUNTS)
    where["overdue"] = where["overdue"] & Q(deadline__lt=today)
    rows = (
        permissions.opinions_for(user)
        .filter(opinions_assigned_in_year(year))
        .order_by()
        .values("unit_id")
        .annotate(**{name: Count("pk", filter=q) for name, q in where.items()})
    )
    return {row.pop("unit_id"): row for row in cached_rows(rows)}
