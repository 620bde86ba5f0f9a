"""The figures behind the statistics dashboard and the annual report (统计看板、年度报告).

Every figure is a sum of summary rows kept current as the data changes (``representatives.tallies``; what each
counter counts is defined once, next to its data: ``representatives/figures.py``, ``liaison_stations/figures.py``
and ``suggestions/figures.py``). One query adds up all of them for the chosen region, split by the regions
below it, so a page costs the same for a township with ten deputies as for a province with three million
activity records. Each figure is defined the way the staff list it links to counts rows, wherever that list's
filters allow; where they do not (a deputy's seat being both serving and directly elected, ratings), the
docstring says so.

Every figure for year Y counts the roster as it stood in Y, read as "served at any time during Y"
(``representatives.figures.seat_served_in``): a deputy who reported in Y and left office the next February still
counts in Y's numerator and denominator, and last year's report does not change when someone leaves this year.

Each region table adds up: its rows are the regions right below the chosen one plus a row for the chosen
region's own items (a city's own suggestions, a deputy whose region is the county itself), which the tallies
put in no sub-region (``Sums`` row -1).

Definitions offices rely on:

- 述职率 (reports to voters): deputies with a directly elected seat served in the year who have at least one
  confirmed report-to-voters activity dated in the year, over all deputies with a directly elected seat served
  in the year.
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

from django.db.models import Q

from liaison_stations import selectors as station_selectors
from liaison_stations.selectors import StationFigures
from representatives import permissions, tallies
from representatives.models import ActivityKind, ActivityRecord, HandlingUnit, Level, Region
from suggestions.models import Evaluation, ReplyClass, Suggestion

S = Suggestion.Status
REGISTERED_STATES = (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED)
SUGGESTION_STATES = (S.SUBMITTED, S.REGISTERED, S.NOT_REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED)
RANKED_UNITS = 5


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Figures --------------------------------------------------------------------------------------------------------


@dataclass
class LevelFigures:
    """Deputies with a seat at one congress level served in the year (and those of them directly elected)."""

    level: int
    serving: int = 0
    direct: int = 0

    @property
    def label(self) -> str:
        # Labelled when shown, in the visitor's language: the figures are kept in the cache for every language.
        return str(Level(self.level).label)


@dataclass
class DeputyFigures:
    """The roster of the year: ``serving`` deputies with a seat served in it, ``direct`` with a directly elected
    one, ``reported`` those of them with a confirmed report to voters in the year."""

    serving: int = 0
    direct: int = 0
    reported: int = 0
    by_level: list[LevelFigures] = field(default_factory=list)

    @property
    def not_reported(self) -> int:
        return self.direct - self.reported

    @property
    def report_rate(self) -> float | None:
        return percent(self.reported, self.direct)


@dataclass
class ActivityFigures:
    total: int = 0
    # {kind: count} for every kind
    kinds: dict[str, int] = field(default_factory=dict)
    # {(month 1..12, kind): count}
    by_month: dict[tuple[int, str], int] = field(default_factory=dict)
    voters_at_reports: int = 0

    @property
    def by_kind(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every kind, in the order of ActivityKind so charts keep their colours; labelled
        when shown, in the visitor's language."""
        return [(kind.value, str(kind.label), self.kinds.get(kind.value, 0)) for kind in ActivityKind]


@dataclass
class OpinionMonth:
    """Opinions received in the month: ``fed_back`` those fed back and not (yet) closed, ``closed`` closed."""

    month: int
    collected: int = 0
    fed_back: int = 0
    closed: int = 0

    @property
    def resolved(self) -> int:
        # Fed back (已反馈) in the one meaning of liaison_stations.filters.OPINION_FIGURES: reached that step.
        return self.fed_back + self.closed


@dataclass
class OpinionFigures:
    """Voter opinions received in the year; merged duplicates are left out, as in the stations' statistics. The
    words are those of ``liaison_stations.filters.OPINION_FIGURES``: answered, fed back, closed and solved each
    count the opinions that reached that step."""

    months: list[OpinionMonth] = field(default_factory=list)
    answered: int = 0
    solved: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    on_the_spot: int = 0

    @property
    def on_the_spot_rate(self) -> float | None:
        return percent(self.on_the_spot, self.collected)

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
    def solved_rate(self) -> float | None:
        return percent(self.solved, self.collected)

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
    # Suggestions, not replies: with a promise (B-class reply) in the current round, and with all of them kept.
    promised: int = 0
    all_kept: int = 0

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
    visits: int = 0
    on_the_spot: int = 0
    suggestions_received: int = 0
    suggestions_registered: int = 0
    suggestions_replied: int = 0
    due: int = 0
    on_time: int = 0

    # The chosen region's own items (in no sub-region), not a region below it.
    own: bool = False

    @property
    def not_reported(self) -> int:
        return self.direct - self.reported

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
    visits: int = 0

    @property
    def date_from(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def date_to(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def rows_hold_congresses(self) -> bool:
        """Suggestions belong to a congress's region: split by sub-region only when sub-regions have congresses."""
        return any(
            row.region is not None and not row.own and row.region.level <= Region.Level.COUNTY for row in self.rows
        )

    @property
    def top_units(self) -> list[UnitFigures]:
        return self.units[: min(RANKED_UNITS, (len(self.units) + 1) // 2)]

    @property
    def bottom_units(self) -> list[UnitFigures]:
        # Split the ranking in two so that a short list never shows the same unit as both best and worst.
        return self.units[::-1][: min(RANKED_UNITS, len(self.units) // 2)]


# Reading the tallies ----------------------------------------------------------------------------------------------

YEAR_SOURCES = ("roster", "reports", "activities", "opinions", "suggestions", "duty_days", "visits")


def _deputies(found: tallies.Sums, rows) -> tuple[DeputyFigures, list[dict]]:
    def counts(index=None):
        return {
            "serving": found.total("roster", "served", row=index),
            "direct": found.total("roster", "direct", row=index),
            "reported": found.total("reports", "reported", row=index),
        }

    total = counts()
    by_level = [
        LevelFigures(
            level=level.value,
            serving=found.total("roster", f"level_served|{level.value}"),
            direct=found.total("roster", f"level_direct|{level.value}"),
        )
        for level in Level
    ]
    return DeputyFigures(**total, by_level=by_level), [counts(index) for index in rows]


def _activities(found: tallies.Sums, rows) -> tuple[ActivityFigures, list[dict]]:
    confirmed = [(kind, f"{ActivityRecord.Status.CONFIRMED}|{kind}") for kind in ActivityKind.values]
    kinds = {kind: found.total("activities", key) for kind, key in confirmed}
    by_month = {
        (month, kind): n
        for month in range(1, 13)
        for kind, key in confirmed
        if (n := found.total("activities", key, month=month))
    }
    figures = ActivityFigures(
        total=sum(kinds.values()),
        kinds=kinds,
        by_month=by_month,
        voters_at_reports=found.total("activities", "report_voters"),
    )
    split = [{"n": sum(found.total("activities", key, row=index) for _kind, key in confirmed)} for index in rows]
    return figures, split


def _opinions(found: tallies.Sums) -> OpinionFigures:
    def month(m: int) -> OpinionMonth:
        return OpinionMonth(
            month=m,
            collected=found.total("opinions", "collected", month=m),
            fed_back=found.total("opinions", "fed_back", month=m),
            closed=found.total("opinions", "closed", month=m),
        )

    return OpinionFigures(
        months=[month(m) for m in range(1, 13)],
        satisfied=found.total("opinions", "rating|satisfied"),
        basic=found.total("opinions", "rating|basic"),
        unsatisfied=found.total("opinions", "rating|unsatisfied"),
        on_the_spot=found.total("opinions", "on_the_spot"),
        answered=found.total("opinions", "answered"),
        solved=found.total("opinions", "solved"),
    )


def _suggestions(found: tallies.Sums, rows) -> tuple[SuggestionFigures, list[UnitFigures], list[dict]]:
    def total(key: str, index=None) -> int:
        return found.total("suggestions", key, row=index)

    by_status = {state: total(f"status|{state}") for state in SUGGESTION_STATES}
    figures = SuggestionFigures(
        received=sum(by_status.values()),
        by_status=by_status,
        replied=total("replied"),
        key=total("key"),
        rehandled=total("rehandled"),
        overdue=total("overdue"),
        due=total("due"),
        on_time=total("on_time"),
        satisfied=total(f"final|{Evaluation.Value.SATISFIED}"),
        basic=total(f"final|{Evaluation.Value.BASIC}"),
        unsatisfied=total(f"final|{Evaluation.Value.UNSATISFIED}"),
        unsatisfied_ever=total("unsatisfied_ever"),
        replies_a=total(f"reply|{ReplyClass.A}"),
        replies_b=total(f"reply|{ReplyClass.B}"),
        replies_c=total(f"reply|{ReplyClass.C}"),
        promises_reported=total("promise_reported"),
        promises_kept=total("promise_kept"),
        promised=total("promised"),
        all_kept=total("all_kept"),
    )
    due = {int(key.split("|")[1]): total(key) for key in found.keys("suggestions", "unit_due|")}
    names = dict(HandlingUnit.objects.filter(pk__in=[unit for unit, n in due.items() if n]).values_list("pk", "name"))
    units = [
        UnitFigures(unit_id=unit, name=name, due=due[unit], on_time=total(f"unit_on_time|{unit}"))
        for unit, name in names.items()
    ]
    units.sort(key=lambda u: (-(u.on_time_rate or 0), -u.due, u.name, u.unit_id))

    def split(index: int) -> dict:
        registered = sum(total(f"status|{state}", index) for state in REGISTERED_STATES)
        received = sum(total(f"status|{state}", index) for state in SUGGESTION_STATES)
        return {
            "received": received,
            "registered": registered,
            "replied": total("replied", index),
            "due": total("due", index),
            "on_time": total("on_time", index),
        }

    return figures, units, [split(index) for index in rows]


def compute(*, user, region: Region | None, year: int) -> Figures:
    """All figures for ``region`` (or, for a superuser without one, everything) in calendar year ``year``.

    The caller has checked that ``region`` lies within the user's; the tallies are read within the user's too.
    """
    scope_root, regions = station_selectors.statistics_rows(user=user, region=region)
    wanted = {name: Q() for name in station_selectors.STATION_SOURCES}
    wanted |= {name: Q(year=year) for name in YEAR_SOURCES}
    found = tallies.sums(
        wanted, where=station_selectors.statistics_scope(user=user, scope_root=scope_root), rows=regions
    )
    # A row for the chosen region's own items when it has regions below it (a township's rows are itself).
    own = scope_root is not None and scope_root not in regions
    indexes = [*range(len(regions)), *([-1] if own else [])]
    assigned = station_selectors.deputies_assigned(
        user=user,
        scope_root=scope_root,
        rows=regions,
        date_from=datetime.date(year, 1, 1),
        date_to=datetime.date(year, 12, 31),
    )
    table, station_total = station_selectors.station_figures(
        found, scope_root=scope_root, rows=regions, assigned=assigned
    )
    if own and len(table) == len(regions):
        # The station figures leave out an own row with nothing in it; the other figures may have some.
        table.append(StationFigures(region=scope_root, own=True))
    deputies, deputy_split = _deputies(found, indexes)
    activities, activity_split = _activities(found, indexes)
    opinions = _opinions(found)
    suggestions, units, suggestion_split = _suggestions(found, indexes)

    rows = [
        RegionRow(
            region=station_row.region,
            stations=station_row,
            serving=deputy_split[position]["serving"],
            direct=deputy_split[position]["direct"],
            reported=deputy_split[position]["reported"],
            activities=activity_split[position]["n"],
            visits=found.total("visits", "visits", row=index),
            on_the_spot=found.total("opinions", "on_the_spot", row=index),
            suggestions_received=suggestion_split[position]["received"],
            suggestions_registered=suggestion_split[position]["registered"],
            suggestions_replied=suggestion_split[position]["replied"],
            due=suggestion_split[position]["due"],
            on_time=suggestion_split[position]["on_time"],
            own=index == -1,
        )
        for position, (index, station_row) in enumerate(zip(indexes, table, strict=True))
    ]
    visits = found.total("visits", "visits")
    total = RegionRow(
        region=region,
        stations=station_total,
        serving=deputies.serving,
        direct=deputies.direct,
        reported=deputies.reported,
        activities=activities.total,
        visits=visits,
        on_the_spot=opinions.on_the_spot,
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
        visits=visits,
    )


def cached(*, user, region: Region | None, year: int) -> Figures:
    """``compute``, kept until the tallies change (per scope, region, year, day and language)."""
    key = f"dashboard:{permissions.scope_key(user)}:{region.pk if region else '-'}:{year}"
    return tallies.cached(key, lambda: compute(user=user, region=region, year=year))
