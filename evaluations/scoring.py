"""Annual scoring in the database, no Python loop per deputy.

One INSERT … SELECT stores every deputy's row: counts, points, total, grade and warning. The counts come
from one grouped pass per source table (all activity kinds in a single scan of the year's records, with a
FILTER per metric), joined to the scored deputies; points and totals are column arithmetic over those
counts in the levels of the SELECT above them, so no count is computed twice and no row is written twice.

Measured at 300,000 deputies (bench/README.md, "Scoring, roster import, seed and memory"): the earlier
design, a correlated COUNT per deputy and metric followed by an UPDATE of every row for the points, took
36–60 s, of which the UPDATE (rewriting every row and its five index entries) was 12–14 s.

Re-running replaces a rule set's results inside one transaction, so readers see either the old results or
the new ones, and a failed run leaves the old ones in place.
"""

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from liaison_stations.models import DutyDay, DutyShift
from representatives.models import ActivityKind, ActivityRecord, Deputy, Membership
from suggestions.models import CoSigner, Suggestion
from training.models import Attendance as TrainingAttendance

from .models import Attendance, Metric, RuleSet, Score, ScoreAdjustment, ScoreRun, Warning

CLOSED_SESSION_KINDS = [ActivityKind.INSPECTION, ActivityKind.RESEARCH, ActivityKind.LAW_CHECK, ActivityKind.HEARING]
ACTIVITY_METRICS = {
    Metric.CLOSED_SESSION: CLOSED_SESSION_KINDS,
    Metric.REPORT: [ActivityKind.REPORT_TO_VOTERS],
    Metric.TRAINING: [ActivityKind.TRAINING],
    Metric.GROUP: [ActivityKind.GROUP],
    Metric.OTHER: [ActivityKind.OTHER],
}
# Suggestions that count: registered and beyond (a refused one became a letter and does not count).
COUNTED_SUGGESTION_STATES = ["registered", "assigned", "replied", "closed"]
COUNTS = [f"n_{metric}" for metric in Metric.values] + ["n_report_good"]


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def scored_deputies(rule_set: RuleSet):
    """Deputies of the rule set's region who held a seat there at any time in the year."""
    first, _last = year_bounds(rule_set.year)
    seat = Membership.objects.filter(
        deputy=OuterRef("pk"), congress__region__path__startswith=rule_set.region.path
    ).filter(Q(status=Membership.Status.SERVING) | Q(status_date__gte=first))
    return Deputy.objects.filter(region__path__startswith=rule_set.region.path).filter(Exists(seat))


def grouped_counts(rule_set: RuleSet) -> list:
    """Per source, a queryset of ``deputy_id`` and its counts (``n_<metric>`` names, ``adjustment``).

    Each is one grouped pass over the year's rows of the deputies scored, which PostgreSQL answers with a
    hash aggregate; the per-deputy correlated counts they replace were 3 million index probes per run.
    """
    year = rule_set.year
    first, last = year_bounds(year)
    path = rule_set.region.path

    def by_deputy(queryset, **aggregates):
        # Rows of the region's deputies: the join to the scored deputies drops the others. (Filtering on the
        # scored deputies themselves repeated their seat check once per source.)
        queryset = queryset.filter(deputy__region__path__startswith=path)
        return queryset.order_by().values("deputy_id").annotate(**aggregates)

    confirmed = ActivityRecord.objects.filter(status="confirmed", date__gte=first, date__lte=last)
    activities = {f"n_{metric}": Count("pk", filter=Q(kind__in=kinds)) for metric, kinds in ACTIVITY_METRICS.items()}
    activities["n_report_good"] = Count(
        "pk", filter=Q(kind=ActivityKind.REPORT_TO_VOTERS, voter_rating=ActivityRecord.VoterRating.GOOD)
    )
    attendance = Attendance.objects.filter(session__start_date__gte=first, session__start_date__lte=last)
    return [
        by_deputy(confirmed.filter(kind__in=[k for kinds in ACTIVITY_METRICS.values() for k in kinds]), **activities),
        by_deputy(
            attendance,
            **{
                f"n_{Metric.ATTENDANCE}": Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
                f"n_{Metric.ABSENCE}": Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            },
        ),
        by_deputy(
            Suggestion.objects.filter(status__in=COUNTED_SUGGESTION_STATES, registered_at__year=year),
            **{f"n_{Metric.SUGGESTION_LED}": Count("pk")},
        ),
        by_deputy(
            CoSigner.objects.filter(
                status=CoSigner.Status.ACCEPTED,
                suggestion__status__in=COUNTED_SUGGESTION_STATES,
                suggestion__registered_at__year=year,
            ),
            **{f"n_{Metric.SUGGESTION_COSIGNED}": Count("pk")},
        ),
        by_deputy(
            DutyShift.objects.filter(
                attended=True,
                duty_day__status=DutyDay.Status.HELD,
                duty_day__date__gte=first,
                duty_day__date__lte=last,
            ),
            **{f"n_{Metric.DUTY_DAY}": Count("pk")},
        ),
        # Training sessions attended (training app), counted with the training activities the deputy logged.
        by_deputy(
            TrainingAttendance.objects.filter(attended=True, session__date__gte=first, session__date__lte=last),
            **{f"n_{Metric.TRAINING}": Count("pk")},
        ),
        by_deputy(ScoreAdjustment.objects.filter(rule_set=rule_set), adjustment=Sum("points")),
    ]


def _number(value) -> str:
    """A rule's number as an SQL literal (NUMERIC on every backend): a finite Decimal prints only digits,
    sign and point, and literals keep the parameters in the order of the text however often it repeats."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return f"CAST('{number:f}' AS NUMERIC)"


def _points(rule_set: RuleSet) -> dict[str, str]:
    """Per metric, the points as SQL over the count columns (``c.n_<metric>``)."""
    items = {item.metric: item for item in rule_set.items.all()}
    points = {}
    for metric in Metric.values:
        item = items.get(metric)
        if item is None:
            points[metric] = _number(0)
            continue
        expression = f"c.n_{metric} * {_number(item.points)}"
        if metric == Metric.REPORT and item.bonus:
            expression = f"{expression} + c.n_report_good * {_number(item.bonus)}"
        if item.cap is not None:
            # LEAST (GREATEST for a deduction) written as CASE, which SQLite has too.
            beyond, bound = (">", _number(item.cap)) if item.points >= 0 else ("<", _number(-item.cap))
            expression = f"CASE WHEN {expression} {beyond} {bound} THEN {bound} ELSE {expression} END"
        points[metric] = expression
    return points


def _grade(rule_set: RuleSet, params: list) -> str:
    bands = sorted(rule_set.grades.all(), key=lambda band: band.min_points, reverse=True)
    whens = []
    for band in bands:
        whens.append(f"WHEN t.total >= {_number(band.min_points)} THEN %s")
        params.append(band.grade)
    return f"CASE {' '.join(whens)} ELSE '' END" if whens else "''"


def _weak_last_year_join(rule_set: RuleSet) -> str | None:
    """The deputies whose score of the year before was under the two-weak-years threshold, as a join.

    A join, not an ``EXISTS`` per row: on a scores table the planner believes small (the first scoring after a
    fresh load, or before autovacuum has seen last year's rows) it ran the ``EXISTS`` as a sequential scan per
    scored deputy over the very table being filled: quadratic, 13 minutes for a province instead of 20 s.
    """
    if rule_set.red_two_years_below is None:
        return None
    scores = connection.ops.quote_name(Score._meta.db_table)
    threshold = _number(rule_set.red_two_years_below)
    return (
        f"LEFT JOIN (SELECT DISTINCT last_year.deputy_id FROM {scores} last_year"  # noqa: S608  # our own names and numbers  # nosec B608
        f" WHERE last_year.year = {int(rule_set.year) - 1} AND last_year.total < {threshold}) weak"
        " ON weak.deputy_id = d.scored_id"
    )


def _warning(rule_set: RuleSet, params: list) -> str:
    """The warning from the total; red also for two weak years in a row (seed 003's rule)."""
    bands = sorted(rule_set.warnings.all(), key=lambda band: band.below_points)
    whens = []
    if rule_set.red_two_years_below is not None:
        threshold = _number(rule_set.red_two_years_below)
        whens.append(f"WHEN t.total < {threshold} AND t.weak_last_year = 1 THEN %s")
        params.append(Warning.RED.value)
    for band in bands:
        whens.append(f"WHEN t.total < {_number(band.below_points)} THEN %s")
        params.append(band.level)
    return f"CASE {' '.join(whens)} ELSE '' END" if whens else "''"


COLUMNS = (
    ["rule_set_id", "rule_set_version", "year", "deputy_id"]
    + COUNTS
    + [f"p_{m}" for m in Metric.values]
    + ["computed_total", "adjustment", "total", "grade", "warning", "computed_at"]
)


def scoring_sql(rule_set: RuleSet, now: datetime.datetime) -> tuple[str, list]:
    """``INSERT INTO score … SELECT`` of every scored deputy's row, and its parameters.

    Four levels, each naming what the next one uses: ``c`` the counts (grouped sources joined to the
    deputies), ``p`` the points per metric, ``t`` their sum and the total, and the outer SELECT the grade,
    warning and the fixed columns.
    """
    quote = connection.ops.quote_name
    deputies, params = scored_deputies(rule_set).order_by().values(scored_id=F("pk")).query.sql_with_params()
    params = list(params)
    # Two sources may feed one count (training: logged activities and attended sessions): their counts add up.
    sums: dict[str, list[str]] = {}
    joins = []
    for index, queryset in enumerate(grouped_counts(rule_set)):
        source_sql, source_params = queryset.query.sql_with_params()
        params += source_params
        alias = f"s{index}"
        joins.append(f"LEFT JOIN ({source_sql}) {alias} ON {alias}.deputy_id = d.scored_id")
        for name in queryset.query.annotations:
            sums.setdefault(name, []).append(f"COALESCE({alias}.{quote(name)}, 0)")
    counted = ["d.scored_id AS deputy_id"] + [f"{' + '.join(terms)} AS {name}" for name, terms in sums.items()]
    weak = _weak_last_year_join(rule_set)
    if weak is not None:
        joins.append(weak)
        counted.append("CASE WHEN weak.deputy_id IS NULL THEN 0 ELSE 1 END AS weak_last_year")
    counts_sql = f"SELECT {', '.join(counted)} FROM ({deputies}) d {' '.join(joins)}"  # noqa: S608  # our own names and numbers, values bound  # nosec B608

    # PostgreSQL would merge the levels into one and then evaluate every point expression again inside the
    # total, and the total again in each grade and warning band (profiled: 14 of 23 s at 300,000 deputies);
    # OFFSET 0 keeps each level's columns computed once. SQLite is fine without it (and has no bare OFFSET).
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    points = ", ".join(f"{expression} AS p_{metric}" for metric, expression in _points(rule_set).items())
    points_sql = f"SELECT c.*, {points} FROM ({counts_sql}) c{fence}"  # noqa: S608  # our own names and numbers, values bound  # nosec B608
    computed = " + ".join(f"p.p_{metric}" for metric in Metric.values)
    total_sql = (
        f"SELECT p.*, {computed} AS computed_total, {computed} + p.adjustment AS total"  # noqa: S608  # our own names and numbers, values bound  # nosec B608
        f" FROM ({points_sql}) p{fence}"
    )

    # The outer level's parameters come first in the text: the fixed columns, grade, warning, the time.
    outer: list[Any] = [rule_set.pk, rule_set.version, rule_set.year]
    grade = _grade(rule_set, outer)
    warning = _warning(rule_set, outer)
    outer.append(connection.ops.adapt_datetimefield_value(now))
    selected = ", ".join(
        ["%s", "%s", "%s", "t.deputy_id"]
        + [f"t.{name}" for name in COUNTS]
        + [f"t.p_{metric}" for metric in Metric.values]
        + ["t.computed_total", "t.adjustment", "t.total", grade, warning, "%s"]
    )
    columns = ", ".join(quote(column) for column in COLUMNS)
    statement = f"INSERT INTO {quote(Score._meta.db_table)} ({columns}) SELECT {selected} FROM ({total_sql}) t"  # noqa: S608  # our own names and numbers, values bound  # nosec B608
    return statement, outer + params


def insert_scores(rule_set: RuleSet, now: datetime.datetime) -> int:
    """Write every scored deputy's row for ``rule_set``; returns how many."""
    statement, params = scoring_sql(rule_set, now)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


SOURCE_MODELS = (ActivityRecord, Attendance, Suggestion, CoSigner, DutyShift, DutyDay, Membership, Deputy)


# A table whose rows changed by more than this share since its last ANALYZE is analyzed again before scoring.
STALE_STATISTICS_SHARE = 0.1


def stale_tables() -> list[str]:
    """The counted tables whose planner statistics are missing or behind their rows (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return []
    tables = [model._meta.db_table for model in SOURCE_MODELS]
    with connection.cursor() as cursor:
        # Statistics views are read once per transaction unless told otherwise; a run must see the latest.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
            " AND ((last_analyze IS NULL AND last_autoanalyze IS NULL)"
            " OR n_mod_since_analyze > %s * GREATEST(n_live_tup, 1))",
            [tables, STALE_STATISTICS_SHARE],
        )
        stale = {row[0] for row in cursor.fetchall()}
    return [table for table in tables if table in stale]


def refresh_statistics() -> list[str]:
    """On PostgreSQL, refresh the planner's statistics of the counted tables that need it; returns those.

    After a bulk load (seeding, a large import) the planner may still believe the tables are tiny and choose
    nested loops over millions of rows. Analyzing every table on every run cost 3-4 s of a province's 19 s
    (bench/README.md); tables autovacuum or an earlier run has analyzed since they last changed are left be.
    """
    stale = stale_tables()
    with connection.cursor() as cursor:
        for table in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return stale


@dataclass
class ScoringOutcome:
    deputies: int
    seconds: float
    replaced: int = 0


def score_rule_set(rule_set: RuleSet, *, progress: Callable[[int], None] | None = None) -> ScoringOutcome:
    """Compute and store every deputy's score for ``rule_set``, replacing earlier results atomically."""
    started = time.monotonic()
    rule_set = (
        RuleSet.objects.select_related("region").prefetch_related("items", "grades", "warnings").get(pk=rule_set.pk)
    )
    now = timezone.now()
    refresh_statistics()
    if progress is not None:
        progress(10)
    with transaction.atomic():
        # A plain DELETE: nothing hangs off a score row, and per-row deletion signals would cost minutes.
        replaced = Score.objects.filter(rule_set=rule_set)._raw_delete(connection.alias)
        if progress is not None:
            progress(20)
        inserted = insert_scores(rule_set, now)
    if progress is not None:
        progress(100)
    return ScoringOutcome(deputies=inserted, seconds=time.monotonic() - started, replaced=max(replaced or 0, 0))


def run_scoring(run: ScoreRun, *, progress: Callable[[int], None] | None = None) -> ScoreRun:
    """Execute a queued run and record its outcome (used by the Celery task and the command)."""
    ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRun.Status.RUNNING, started_at=timezone.now())
    try:
        outcome = score_rule_set(run.rule_set, progress=progress)
    except Exception as exc:
        ScoreRun.objects.filter(pk=run.pk).update(
            status=ScoreRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    ScoreRun.objects.filter(pk=run.pk).update(
        status=ScoreRun.Status.DONE,
        finished_at=timezone.now(),
        deputies_scored=outcome.deputies,
        scores_replaced=outcome.replaced,
    )
    run.refresh_from_db()
    return run
