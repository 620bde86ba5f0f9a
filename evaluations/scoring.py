"""Annual scoring in the database, no Python loop per deputy.

First one INSERT … SELECT per chunk of deputies stores the counts: each metric is a correlated COUNT over an
indexed table (activities, suggestions, co-signatures, duty shifts, attendance), evaluated once per deputy.
Then two set-based UPDATEs turn the stored counts into points (caps, bonuses, deductions), totals, grades and
warnings. Computing points in the same SELECT would repeat every count subquery inside each expression that
uses it (points, total, every grade and warning band) and multiply the work many times over.

Re-running replaces a rule set's results inside one transaction, so readers see either the old results or
the new ones, and a failed run leaves the old ones in place.
"""

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from liaison_stations.models import DutyDay, DutyShift
from representatives.models import ActivityKind, ActivityRecord, Deputy, Membership
from suggestions.models import CoSigner, Suggestion

from .models import Attendance, Metric, RuleSet, Score, ScoreAdjustment, ScoreRun, Warning

DECIMAL = DecimalField(max_digits=7, decimal_places=1)
ZERO = Value(Decimal("0"), output_field=DECIMAL)
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
CHUNKS = 20


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values("deputy_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def count_expressions(year: int) -> dict:
    """One correlated count per metric, each on an indexed (deputy, …) lookup."""
    first, last = year_bounds(year)
    deputy = OuterRef("pk")
    confirmed = ActivityRecord.objects.filter(deputy=deputy, status="confirmed", date__gte=first, date__lte=last)
    attendance = Attendance.objects.filter(deputy=deputy, session__start_date__gte=first, session__start_date__lte=last)
    counts = {
        Metric.ATTENDANCE: _count(attendance.filter(status=Attendance.Status.PRESENT)),
        Metric.ABSENCE: _count(attendance.filter(status=Attendance.Status.ABSENT)),
        Metric.SUGGESTION_LED: _count(
            Suggestion.objects.filter(deputy=deputy, status__in=COUNTED_SUGGESTION_STATES, registered_at__year=year)
        ),
        Metric.SUGGESTION_COSIGNED: _count(
            CoSigner.objects.filter(
                deputy=deputy,
                status=CoSigner.Status.ACCEPTED,
                suggestion__status__in=COUNTED_SUGGESTION_STATES,
                suggestion__registered_at__year=year,
            )
        ),
        Metric.DUTY_DAY: _count(
            DutyShift.objects.filter(
                deputy=deputy,
                attended=True,
                duty_day__status=DutyDay.Status.HELD,
                duty_day__date__gte=first,
                duty_day__date__lte=last,
            )
        ),
    }
    for metric, kinds in ACTIVITY_METRICS.items():
        counts[metric] = _count(confirmed.filter(kind__in=kinds))
    counts["report_good"] = _count(
        confirmed.filter(kind=ActivityKind.REPORT_TO_VOTERS, voter_rating=ActivityRecord.VoterRating.GOOD)
    )
    return counts


def _points(rule_set: RuleSet) -> dict:
    """Points per metric as expressions over the count annotations (``n_<metric>``)."""
    items = {item.metric: item for item in rule_set.items.all()}
    points = {}
    for metric in Metric.values:
        item = items.get(metric)
        if item is None:
            points[metric] = ZERO
            continue
        expression = F(f"n_{metric}") * Value(item.points, output_field=DECIMAL)
        if metric == Metric.REPORT and item.bonus:
            expression = expression + F("n_report_good") * Value(item.bonus, output_field=DECIMAL)
        if item.cap is not None:
            cap = Value(item.cap, output_field=DECIMAL)
            expression = Least(expression, cap) if item.points >= 0 else Greatest(expression, -cap)
        points[metric] = expression
    return points


def _grade(rule_set: RuleSet, total) -> Case:
    bands = sorted(rule_set.grades.all(), key=lambda band: band.min_points, reverse=True)
    whens = [When(GreaterThanOrEqual(total, _decimal(band.min_points)), then=Value(band.grade)) for band in bands]
    return Case(*whens, default=Value(""), output_field=CharField())


def _warning(rule_set: RuleSet, year: int, total) -> Case:
    """The warning from the total; red also for two weak years in a row (seed 003's rule)."""
    bands = sorted(rule_set.warnings.all(), key=lambda band: band.below_points)
    whens = []
    if rule_set.red_two_years_below is not None:
        threshold = rule_set.red_two_years_below
        weak_last_year = Score.objects.filter(deputy=OuterRef("deputy_id"), year=year - 1, total__lt=threshold)
        whens.append(When(LessThan(total, _decimal(threshold)) & Exists(weak_last_year), then=Value(Warning.RED)))
    whens += [When(LessThan(total, _decimal(band.below_points)), then=Value(band.level)) for band in bands]
    return Case(*whens, default=Value(""), output_field=CharField())


def _decimal(value) -> Value:
    return Value(value, output_field=DECIMAL)


def scored_deputies(rule_set: RuleSet):
    """Deputies of the rule set's region who held a seat there at any time in the year."""
    first, _last = year_bounds(rule_set.year)
    seat = Membership.objects.filter(
        deputy=OuterRef("pk"), congress__region__path__startswith=rule_set.region.path
    ).filter(Q(status=Membership.Status.SERVING) | Q(status_date__gte=first))
    return Deputy.objects.filter(region__path__startswith=rule_set.region.path).filter(Exists(seat))


COLUMNS = (
    ["rule_set_id", "rule_set_version", "year", "deputy_id"]
    + [f"n_{m}" for m in Metric.values]
    + ["n_report_good"]
    + [f"p_{m}" for m in Metric.values]
    + ["computed_total", "adjustment", "total", "grade", "warning", "computed_at"]
)


def counting_queryset(rule_set: RuleSet, now: datetime.datetime):
    """Deputies annotated with every Score column in COLUMNS order: the counts and adjustments, and zeros
    for what the UPDATE fills in. Each count subquery appears once, so it runs once per deputy."""
    counts = count_expressions(rule_set.year)
    annotations = {
        "c_rule_set_id": Value(rule_set.pk, output_field=IntegerField()),
        "c_rule_set_version": Value(rule_set.version, output_field=IntegerField()),
        "c_year": Value(rule_set.year, output_field=IntegerField()),
        "c_deputy_id": F("pk"),
    }
    for metric in Metric.values:
        annotations[f"c_n_{metric}"] = counts[metric]
    annotations["c_n_report_good"] = counts["report_good"]
    for metric in Metric.values:
        annotations[f"c_p_{metric}"] = ZERO
    annotations["c_computed_total"] = ZERO
    annotations["c_adjustment"] = _adjustment(rule_set, OuterRef("pk"))
    annotations["c_total"] = ZERO
    annotations["c_grade"] = Value("", output_field=CharField())
    annotations["c_warning"] = Value("", output_field=CharField())
    annotations["c_computed_at"] = Value(now)
    queryset = scored_deputies(rule_set).order_by()
    for name, expression in annotations.items():
        queryset = queryset.annotate(**{name: expression})
    return queryset.values(*annotations.keys())


def _adjustment(rule_set: RuleSet, deputy) -> Coalesce:
    """The staff's adjustments of one deputy's score under ``rule_set``, summed (zero when there are none)."""
    adjustments = Subquery(
        ScoreAdjustment.objects.filter(rule_set=rule_set, deputy=deputy)
        .order_by()
        .values("deputy_id")
        .annotate(s=Sum("points"))
        .values("s"),
        output_field=DECIMAL,
    )
    return Coalesce(adjustments, ZERO)


def _apply_rules(rule_set: RuleSet) -> None:
    """Points, totals, grades and warnings in one set-based UPDATE over the stored counts and adjustments.

    One pass, because each UPDATE rewrites every row of the year (12–14 s at 300,000 deputies): the total is
    repeated as column arithmetic in the grade and warning cases, which costs nothing next to a second pass.
    """
    points = _points(rule_set)
    computed = sum((points[m] for m in Metric.values[1:]), points[Metric.values[0]])
    total = computed + F("adjustment")
    Score.objects.filter(rule_set=rule_set).update(
        **{f"p_{metric}": expression for metric, expression in points.items()},
        computed_total=computed,
        total=total,
        grade=_grade(rule_set, total),
        warning=_warning(rule_set, rule_set.year, total),
    )


SOURCE_MODELS = (ActivityRecord, Attendance, Suggestion, CoSigner, DutyShift, DutyDay, Membership, Deputy)


def refresh_statistics() -> None:
    """On PostgreSQL, refresh the planner's statistics of the counted tables first.

    After a bulk load (seeding, a large import) the planner may still believe the tables are tiny and scan
    a whole year of activities for every deputy instead of using the per-deputy index: measured at 300,000
    deputies, minutes per chunk instead of under a minute for the whole run. ANALYZE takes a few seconds.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in SOURCE_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@dataclass
class ScoringOutcome:
    deputies: int
    seconds: float
    replaced: int = 0


def score_rule_set(
    rule_set: RuleSet, *, progress: Callable[[int], None] | None = None, chunks: int = CHUNKS
) -> ScoringOutcome:
    """Compute and store every deputy's score for ``rule_set``, replacing earlier results atomically."""
    started = time.monotonic()
    rule_set = (
        RuleSet.objects.select_related("region").prefetch_related("items", "grades", "warnings").get(pk=rule_set.pk)
    )
    now = timezone.now()
    bounds = scored_deputies(rule_set).aggregate(low=Min("pk"), high=Max("pk"))
    first_id, last_id = bounds["low"], bounds["high"]
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    table = connection.ops.quote_name(Score._meta.db_table)
    inserted = 0
    refresh_statistics()
    with transaction.atomic():
        # A plain DELETE: nothing hangs off a score row, and per-row deletion signals would cost minutes.
        replaced = Score.objects.filter(rule_set=rule_set)._raw_delete(connection.alias)
        if first_id is not None:
            step = max(1, (last_id - first_id + 1) // chunks + 1)
            for index, low in enumerate(range(first_id, last_id + 1, step)):
                chunk = counting_queryset(rule_set, now).filter(pk__gte=low, pk__lt=low + step)
                sql, params = chunk.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608 — compiled by the ORM
                    inserted += max(cursor.rowcount, 0)
                if progress is not None:
                    progress(min(90, round(90 * (index + 1) * step / (last_id - first_id + 1))))
        _apply_rules(rule_set)
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
