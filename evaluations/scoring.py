"""Annual scoring in the database: one INSERT … SELECT per chunk of deputies, no Python loop per deputy.

Each metric is a correlated COUNT over an indexed table (activities, suggestions, co-signatures, duty shifts,
attendance); points, caps, bonuses, the total, the grade and the warning are SQL expressions built from the
rule set. Re-running replaces a rule set's results inside one transaction, so readers see either the old
results or the new ones, and a failed run leaves the old ones in place.
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
    whens = [When(**{f"{total}__gte": band.min_points}, then=Value(band.grade)) for band in bands]
    return Case(*whens, default=Value(""), output_field=CharField())


def _warning(rule_set: RuleSet, total: str, year: int) -> Case:
    bands = sorted(rule_set.warnings.all(), key=lambda band: band.below_points)
    whens = []
    red_band = next((band for band in bands if band.level == Warning.RED), None)
    if rule_set.red_two_years_below is not None:
        threshold = rule_set.red_two_years_below
        weak_last_year = Score.objects.filter(deputy=OuterRef("pk"), year=year - 1, total__lt=threshold)
        whens.append(When(Q(**{f"{total}__lt": threshold}) & Exists(weak_last_year), then=Value(Warning.RED)))
    if red_band is not None:
        whens.append(When(**{f"{total}__lt": red_band.below_points}, then=Value(Warning.RED)))
    whens += [
        When(**{f"{total}__lt": band.below_points}, then=Value(band.level))
        for band in bands
        if band.level != Warning.RED
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


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


def scoring_queryset(rule_set: RuleSet, now: datetime.datetime):
    """Deputies annotated with every Score column, in COLUMNS order, ready for INSERT … SELECT."""
    counts = count_expressions(rule_set.year)
    points = _points(rule_set)
    adjustments = Coalesce(
        Subquery(
            ScoreAdjustment.objects.filter(rule_set=rule_set, deputy=OuterRef("pk"))
            .order_by()
            .values("deputy_id")
            .annotate(s=Sum("points"))
            .values("s"),
            output_field=DECIMAL,
        ),
        ZERO,
    )
    annotations = {
        "c_rule_set_id": Value(rule_set.pk, output_field=IntegerField()),
        "c_rule_set_version": Value(rule_set.version, output_field=IntegerField()),
        "c_year": Value(rule_set.year, output_field=IntegerField()),
        "c_deputy_id": F("pk"),
    }
    for metric in Metric.values:
        annotations[f"n_{metric}"] = counts[metric]
    annotations["n_report_good"] = counts["report_good"]
    for metric in Metric.values:
        annotations[f"p_{metric}"] = points[metric]
    computed = sum((F(f"p_{m}") for m in Metric.values[1:]), F(f"p_{Metric.values[0]}"))
    annotations["c_computed_total"] = computed
    annotations["c_adjustment"] = adjustments
    annotations["c_total"] = F("c_computed_total") + F("c_adjustment")
    annotations["c_grade"] = _grade(rule_set, "c_total")
    annotations["c_warning"] = _warning(rule_set, "c_total", rule_set.year)
    annotations["c_computed_at"] = Value(now)
    queryset = scored_deputies(rule_set).order_by()
    for name, expression in annotations.items():
        queryset = queryset.annotate(**{name: expression})
    return queryset.values(*annotations.keys())


@dataclass
class ScoringOutcome:
    deputies: int
    seconds: float


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
    with transaction.atomic():
        Score.objects.filter(rule_set=rule_set).delete()
        if first_id is not None:
            step = max(1, (last_id - first_id + 1) // chunks + 1)
            for index, low in enumerate(range(first_id, last_id + 1, step)):
                chunk = scoring_queryset(rule_set, now).filter(pk__gte=low, pk__lt=low + step)
                sql, params = chunk.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608 — compiled by the ORM
                    inserted += max(cursor.rowcount, 0)
                if progress is not None:
                    progress(min(99, round(100 * (index + 1) * step / (last_id - first_id + 1))))
    if progress is not None:
        progress(100)
    return ScoringOutcome(deputies=inserted, seconds=time.monotonic() - started)


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
        status=ScoreRun.Status.DONE, finished_at=timezone.now(), deputies_scored=outcome.deputies
    )
    run.refresh_from_db()
    return run
