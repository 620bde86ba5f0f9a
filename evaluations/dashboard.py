"""The figures behind the statistics dashboard and the annual report (统计看板、年度报告).

Everything is counted in the database with conditional aggregation, one query per source table, so a page
costs the same number of queries for a township with ten deputies as for a province with a hundred thousand.
Each figure is defined the way the staff list it links to counts rows, wherever that list's filters allow;
where they do not (a deputy's seat being both serving and directly elected, ratings), the docstring says so.

Definitions offices rely on:

- 述职率 (reports to voters): directly elected deputies with a serving seat who have at least one confirmed
  report-to-voters activity dated in the year, over all directly elected deputies with a serving seat.
- 按期答复率 (on-time replies): parts assigned to a lead or split unit (co-units send an opinion, not a reply;
  parts moved to another unit are left out) that are either answered or past their deadline; on time means
  answered on or before the deadline, in local time.
- 满意率 (satisfaction): ratings of each suggestion's current round, satisfied plus basically satisfied over
  rated; an unsatisfied rating that sent the suggestion back for re-handling is not final and not counted.
- 办结率 vs 办成率: suggestions answered at least once over those registered; versus A-class replies plus kept
  B-class promises over all replies of the current round. "Answered" is not "solved".
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from liaison_stations import permissions as station_permissions
from liaison_stations.models import Opinion, Rating
from liaison_stations.selectors import StationFigures, station_statistics
from representatives import permissions
from representatives.models import ActivityKind, ActivityRecord, Level, Membership, Region
from suggestions import permissions as suggestion_permissions
from suggestions.models import Assignment, Evaluation, Reply, ReplyClass, Suggestion

S = Suggestion.Status
REGISTERED_STATES = (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED)
SUGGESTION_STATES = (S.SUBMITTED, S.REGISTERED, S.NOT_REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED)
RANKED_UNITS = 5


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _under(field: str, region: Region | None) -> Q:
    return Q(**{f"{field}__path__startswith": region.path}) if region is not None else Q()


def _tally(queryset, path_field: str, rows: list[Region], metrics: dict, per_row=()) -> tuple[dict, list[dict]]:
    """One query: each metric over the whole queryset, and those named in ``per_row`` for each row region too.

    ``metrics`` maps a name to ``(function, column, condition)``; counts are distinct so joins cannot inflate them.
    """
    expressions = {}
    for name, (function, column, condition) in metrics.items():
        options = {"distinct": True} if function is Count else {}
        expressions[f"{name}__all"] = function(column, filter=condition or None, **options)
        if name in per_row:
            for index, region in enumerate(rows):
                scope = Q(**{f"{path_field}__startswith": region.path}) & condition
                expressions[f"{name}__{index}"] = function(column, filter=scope, **options)
    result = queryset.aggregate(**expressions)
    total = {name: result[f"{name}__all"] or 0 for name in metrics}
    split = [{name: result.get(f"{name}__{index}") or 0 for name in per_row} for index in range(len(rows))]
    return total, split


# Figures --------------------------------------------------------------------------------------------------------


@dataclass
class LevelFigures:
    level: int
    label: str
    serving: int = 0
    direct: int = 0


@dataclass
class DeputyFigures:
    serving: int = 0
    direct: int = 0
    reported: int = 0
    by_level: list[LevelFigures] = field(default_factory=list)

    @property
    def report_rate(self) -> float | None:
        return percent(self.reported, self.direct)


@dataclass
class ActivityFigures:
    total: int = 0
    # (kind, label, count) for every kind, in the order of ActivityKind, so charts keep their colours.
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)
    # {(month 1..12, kind): count}
    by_month: dict[tuple[int, str], int] = field(default_factory=dict)
    voters_at_reports: int = 0


@dataclass
class OpinionMonth:
    month: int
    collected: int = 0
    fed_back: int = 0
    closed: int = 0

    @property
    def resolved(self) -> int:
        return self.fed_back + self.closed


@dataclass
class OpinionFigures:
    """Voter opinions received in the year; merged duplicates are left out, as in the stations' statistics."""

    months: list[OpinionMonth] = field(default_factory=list)
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    @property
    def collected(self) -> int:
        return sum(m.collected for m in self.months)

    @property
    def fed_back(self) -> int:
        return sum(m.fed_back for m in self.months)

    @property
    def closed(self) -> int:
        return sum(m.closed for m in self.months)

    @property
    def resolved(self) -> int:
        return self.fed_back + self.closed

    @property
    def resolved_rate(self) -> float | None:
        return percent(self.resolved, self.collected)

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        return percent(self.satisfied + self.basic, self.rated)


@dataclass
class SuggestionFigures:
    received: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    replied: int = 0
    key: int = 0
    rehandled: int = 0
    overdue: int = 0
    due: int = 0
    on_time: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    unsatisfied_ever: int = 0
    replies_a: int = 0
    replies_b: int = 0
    replies_c: int = 0
    promises_reported: int = 0
    promises_kept: int = 0

    @property
    def registered(self) -> int:
        return sum(self.by_status.get(state, 0) for state in REGISTERED_STATES)

    @property
    def not_registered(self) -> int:
        return self.by_status.get(S.NOT_REGISTERED, 0)

    @property
    def reply_rate(self) -> float | None:
        return percent(self.replied, self.registered)

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.due)

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        return percent(self.satisfied + self.basic, self.rated)

    @property
    def replies(self) -> int:
        return self.replies_a + self.replies_b + self.replies_c

    @property
    def solved(self) -> int:
        return self.replies_a + self.promises_kept

    @property
    def solved_rate(self) -> float | None:
        return percent(self.solved, self.replies)

    @property
    def promise_kept_rate(self) -> float | None:
        return percent(self.promises_kept, self.replies_b)


@dataclass
class UnitFigures:
    unit_id: int
    name: str
    due: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.due)


@dataclass
class RegionRow:
    """One sub-region's line in the report (the total line has ``region`` set to the chosen region)."""

    region: Region | None
    stations: StationFigures
    serving: int = 0
    direct: int = 0
    reported: int = 0
    activities: int = 0
    suggestions_received: int = 0
    suggestions_registered: int = 0
    suggestions_replied: int = 0
    due: int = 0
    on_time: int = 0

    @property
    def report_rate(self) -> float | None:
        return percent(self.reported, self.direct)

    @property
    def reply_rate(self) -> float | None:
        return percent(self.suggestions_replied, self.suggestions_registered)

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.due)


@dataclass
class Figures:
    year: int
    region: Region | None
    rows: list[RegionRow]
    total: RegionRow
    deputies: DeputyFigures
    activities: ActivityFigures
    opinions: OpinionFigures
    suggestions: SuggestionFigures
    units: list[UnitFigures]

    @property
    def date_from(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def date_to(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def rows_hold_congresses(self) -> bool:
        """Suggestions belong to a congress's region: split by sub-region only when sub-regions have congresses."""
        return any(row.region is not None and row.region.level <= Region.Level.COUNTY for row in self.rows)

    @property
    def top_units(self) -> list[UnitFigures]:
        return self.units[: min(RANKED_UNITS, (len(self.units) + 1) // 2)]

    @property
    def bottom_units(self) -> list[UnitFigures]:
        # Split the ranking in two so that a short list never shows the same unit as both best and worst.
        return self.units[::-1][: min(RANKED_UNITS, len(self.units) // 2)]


# Queries --------------------------------------------------------------------------------------------------------


def _deputies(user, region, rows, start, end) -> tuple[DeputyFigures, list[dict]]:
    serving = Membership.objects.filter(deputy=OuterRef("pk"), status=Membership.Status.SERVING)
    direct = serving.filter(election=Membership.Election.DIRECT)
    reported = ActivityRecord.objects.filter(
        deputy=OuterRef("pk"),
        kind=ActivityKind.REPORT_TO_VOTERS,
        status=ActivityRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    )
    queryset = (
        permissions.deputies_for(user)
        .filter(_under("region", region))
        .annotate(is_serving=Exists(serving), is_direct=Exists(direct), has_reported=Exists(reported))
    )
    total, split = _tally(
        queryset,
        "region__path",
        rows,
        {
            "serving": (Count, "id", Q(is_serving=True)),
            "direct": (Count, "id", Q(is_direct=True)),
            "reported": (Count, "id", Q(is_direct=True, has_reported=True)),
        },
        per_row=("serving", "direct", "reported"),
    )
    levels = {
        row["congress__level"]: row
        for row in Membership.objects.filter(
            permissions.region_scope_q(user, "deputy__region"),
            _under("deputy__region", region),
            status=Membership.Status.SERVING,
        )
        .values("congress__level")
        .annotate(
            serving=Count("deputy", distinct=True),
            direct=Count("deputy", filter=Q(election=Membership.Election.DIRECT), distinct=True),
        )
        .order_by()
    }
    by_level = [
        LevelFigures(
            level=level.value,
            label=str(level.label),
            serving=levels.get(level.value, {}).get("serving", 0),
            direct=levels.get(level.value, {}).get("direct", 0),
        )
        for level in Level
    ]
    figures = DeputyFigures(
        serving=total["serving"], direct=total["direct"], reported=total["reported"], by_level=by_level
    )
    return figures, split


def _activities(user, region, rows, start, end) -> tuple[ActivityFigures, list[dict]]:
    queryset = (
        permissions.activities_for(user)
        .filter(_under("deputy__region", region))
        .filter(status=ActivityRecord.Status.CONFIRMED, date__gte=start, date__lte=end)
    )
    by_month, kinds, voters = {}, dict.fromkeys(ActivityKind.values, 0), 0
    for row in (
        queryset.annotate(month=TruncMonth("date"))
        .values("month", "kind")
        .annotate(n=Count("id"), voters=Sum("voters_attended"))
        .order_by()
    ):
        by_month[(row["month"].month, row["kind"])] = row["n"]
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]
        if row["kind"] == ActivityKind.REPORT_TO_VOTERS:
            voters += row["voters"] or 0
    _total, split = _tally(queryset, "deputy__region__path", rows, {"n": (Count, "id", Q())}, per_row=("n",))
    figures = ActivityFigures(
        total=sum(kinds.values()),
        by_kind=[(kind.value, str(kind.label), kinds.get(kind.value, 0)) for kind in ActivityKind],
        by_month=by_month,
        voters_at_reports=voters,
    )
    return figures, split


def _opinions(user, region, start, end) -> OpinionFigures:
    queryset = (
        station_permissions.opinions_for(user)
        .filter(_under("region", region))
        .filter(received_at__date__gte=start, received_at__date__lte=end)
        .exclude(status=Opinion.Status.MERGED)
    )
    months = {m: OpinionMonth(month=m) for m in range(1, 13)}
    figures = OpinionFigures(months=list(months.values()))
    for row in (
        queryset.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(
            collected=Count("id"),
            fed_back=Count("id", filter=Q(status=Opinion.Status.FED_BACK)),
            closed=Count("id", filter=Q(status=Opinion.Status.CLOSED)),
            satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)),
            basic=Count("id", filter=Q(rating=Rating.BASIC)),
            unsatisfied=Count("id", filter=Q(rating=Rating.UNSATISFIED)),
        )
        .order_by()
    ):
        # TruncMonth works in the current time zone, so an opinion left at 23:30 on 31 March stays in March.
        month = months[row["month"].month]
        month.collected, month.fed_back, month.closed = row["collected"], row["fed_back"], row["closed"]
        figures.satisfied += row["satisfied"]
        figures.basic += row["basic"]
        figures.unsatisfied += row["unsatisfied"]
    return figures


def _suggestions(user, region, rows, year) -> tuple[SuggestionFigures, list[UnitFigures], list[dict]]:
    base = suggestion_permissions.suggestions_for(user).filter(_under("region", region), year=year)
    late = Assignment.objects.filter(
        suggestion=OuterRef("pk"), status=Assignment.Status.ACTIVE, deadline__lt=timezone.localdate()
    )
    metrics = {f"status_{state}": (Count, "id", Q(status=state)) for state in SUGGESTION_STATES}
    metrics.update(
        received=(Count, "id", Q()),
        registered=(Count, "id", Q(status__in=REGISTERED_STATES)),
        replied=(Count, "id", Q(replied_at__isnull=False)),
        key=(Count, "id", Q(is_key=True)),
        rehandled=(Count, "id", Q(round__gt=1)),
        overdue=(Count, "id", Q(Exists(late))),
    )
    total, split = _tally(base, "region__path", rows, metrics, per_row=("received", "registered", "replied"))

    judged = (
        Assignment.objects.filter(suggestion__in=base, role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT])
        .exclude(status=Assignment.Status.REASSIGNED)
        .filter(Q(status=Assignment.Status.DONE) | Q(deadline__lt=timezone.localdate()))
    )
    on_time = Q(status=Assignment.Status.DONE, done_at__date__lte=F("deadline"))
    parts, part_split = _tally(
        judged,
        "suggestion__region__path",
        rows,
        {"due": (Count, "id", Q()), "on_time": (Count, "id", on_time)},
        per_row=("due", "on_time"),
    )
    units = [
        UnitFigures(unit_id=row["unit_id"], name=row["unit__name"], due=row["due"], on_time=row["on_time"])
        for row in judged.values("unit_id", "unit__name")
        .annotate(due=Count("id"), on_time=Count("id", filter=on_time))
        .order_by()
    ]
    units.sort(key=lambda u: (-(u.on_time_rate or 0), -u.due, u.name, u.unit_id))

    final = Q(round=F("suggestion__round"))
    ratings = Evaluation.objects.filter(suggestion__in=base).aggregate(
        satisfied=Count("id", filter=final & Q(value=Evaluation.Value.SATISFIED)),
        basic=Count("id", filter=final & Q(value=Evaluation.Value.BASIC)),
        unsatisfied=Count("id", filter=final & Q(value=Evaluation.Value.UNSATISFIED)),
        unsatisfied_ever=Count("id", filter=Q(value=Evaluation.Value.UNSATISFIED)),
    )
    b_class = Q(reply_class=ReplyClass.B)
    replies = Reply.objects.filter(
        assignment__suggestion__in=base, assignment__round=F("assignment__suggestion__round")
    ).aggregate(
        a=Count("id", filter=Q(reply_class=ReplyClass.A)),
        b=Count("id", filter=b_class),
        c=Count("id", filter=Q(reply_class=ReplyClass.C)),
        reported=Count("id", filter=b_class & Q(promise_done_at__isnull=False)),
        kept=Count("id", filter=b_class & Q(promise_confirmed_at__isnull=False)),
    )
    figures = SuggestionFigures(
        received=total["received"],
        by_status={state: total[f"status_{state}"] for state in SUGGESTION_STATES},
        replied=total["replied"],
        key=total["key"],
        rehandled=total["rehandled"],
        overdue=total["overdue"],
        due=parts["due"],
        on_time=parts["on_time"],
        satisfied=ratings["satisfied"],
        basic=ratings["basic"],
        unsatisfied=ratings["unsatisfied"],
        unsatisfied_ever=ratings["unsatisfied_ever"],
        replies_a=replies["a"],
        replies_b=replies["b"],
        replies_c=replies["c"],
        promises_reported=replies["reported"],
        promises_kept=replies["kept"],
    )
    merged = [{**counts, **part_split[index]} for index, counts in enumerate(split)]
    return figures, units, merged


def compute(*, user, region: Region | None, year: int) -> Figures:
    """All figures for ``region`` (or, for a superuser without one, everything) in calendar year ``year``.

    The caller has checked that ``region`` lies within the user's; every query is scoped by the user too.
    """
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    table, station_total = station_statistics(user=user, region=region, date_from=start, date_to=end)
    regions = [row.region for row in table]
    deputies, deputy_split = _deputies(user, region, regions, start, end)
    activities, activity_split = _activities(user, region, regions, start, end)
    opinions = _opinions(user, region, start, end)
    suggestions, units, suggestion_split = _suggestions(user, region, regions, year)

    rows = [
        RegionRow(
            region=station_row.region,
            stations=station_row,
            serving=deputy_split[index]["serving"],
            direct=deputy_split[index]["direct"],
            reported=deputy_split[index]["reported"],
            activities=activity_split[index]["n"],
            suggestions_received=suggestion_split[index]["received"],
            suggestions_registered=suggestion_split[index]["registered"],
            suggestions_replied=suggestion_split[index]["replied"],
            due=suggestion_split[index]["due"],
            on_time=suggestion_split[index]["on_time"],
        )
        for index, station_row in enumerate(table)
    ]
    total = RegionRow(
        region=region,
        stations=station_total,
        serving=deputies.serving,
        direct=deputies.direct,
        reported=deputies.reported,
        activities=activities.total,
        suggestions_received=suggestions.received,
        suggestions_registered=suggestions.registered,
        suggestions_replied=suggestions.replied,
        due=suggestions.due,
        on_time=suggestions.on_time,
    )
    return Figures(
        year=year,
        region=region,
        rows=rows,
        total=total,
        deputies=deputies,
        activities=activities,
        opinions=opinions,
        suggestions=suggestions,
        units=units,
    )
