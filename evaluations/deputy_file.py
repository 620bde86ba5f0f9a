"""Reads for the annual file (一人一档) and the staff score list, each in a fixed number of queries.

The file gathers a deputy's year from the records the other apps keep, with the same year boundaries and the
same "what counts" rules as ``scoring``, so that a deputy can check every number of their score against the
records listed beside it.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.regions import ancestor_paths
from liaison_stations.models import DutyDay, DutyShift
from motions import selectors as motion_selectors
from motions.models import Motion
from representatives import services_ratings
from representatives.models import ActivityKind, ActivityRecord, Deputy
from representatives.permissions import sees_region_data
from suggestions.models import CoSigner, Evaluation, Suggestion
from training import selectors as training_selectors
from training.models import Attendance as TrainingAttendance

from . import permissions
from .models import METRICS, Attendance, Metric, RuleSet, Score, ScoreAdjustment, ScoreRun, Warning
from .scoring import CLOSED_SESSION_KINDS, COUNTED_SUGGESTION_STATES, year_bounds

# Earliest year the pages accept: the first people's congresses met in 1954.
FIRST_YEAR = 1954
YEARS_OFFERED = 10


def year_is_valid(year: int) -> bool:
    return FIRST_YEAR <= year <= timezone.localdate().year + 1


def file_years(deputy: Deputy) -> list[int]:
    """Years worth offering in the file's year picker, newest first, from the memberships already loaded."""
    this_year = timezone.localdate().year
    starts = [m.congress.start_date.year for m in deputy.memberships.all()]
    first = max(min(starts, default=this_year - 4), this_year - YEARS_OFFERED + 1)
    return list(range(this_year, first - 1, -1))


@dataclass
class ScoredYear:
    """One stored result with the rows that explain it."""

    score: Score
    rows: list[dict]
    adjustments: list[ScoreAdjustment]

    @property
    def rule_set(self) -> RuleSet:
        return self.score.rule_set

    @property
    def is_stale(self) -> bool:
        """The rules were edited after this result was computed; the office has not re-run the year yet."""
        return self.score.rule_set_version != self.score.rule_set.version


@dataclass
class DeputyFile:
    deputy: Deputy
    year: int
    attendance: list[Attendance]
    led: list[Suggestion]
    cosigned: list[CoSigner]
    activities: list[ActivityRecord]
    duty_shifts: list[DutyShift]
    scores: list[ScoredYear] = field(default_factory=list)
    # Led or seconded, listed apart from suggestions (motions.selectors.file_motions).
    motions: list[Motion] = field(default_factory=list)
    # Training sessions attended (training.selectors.file_attendance), with their hours.
    training_sessions: list[TrainingAttendance] = field(default_factory=list)

    @property
    def training_hours(self):
        return training_selectors.file_hours(self.training_sessions)

    def _of_kinds(self, kinds) -> list[ActivityRecord]:
        return [record for record in self.activities if record.kind in kinds]

    @cached_property
    def activity_counts(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every activity kind, zeros included, so the table reads the same each year."""
        counts = defaultdict(int)
        for record in self.activities:
            counts[record.kind] += 1
        return [(kind.value, kind.label, counts[kind.value]) for kind in ActivityKind]

    @cached_property
    def closed_session(self) -> list[ActivityRecord]:
        return self._of_kinds(CLOSED_SESSION_KINDS + [ActivityKind.OTHER])

    @cached_property
    def reports(self) -> list[ActivityRecord]:
        reports = self._of_kinds([ActivityKind.REPORT_TO_VOTERS])
        # The voters' own ratings of each report (述职评议 by QR code), one query for the year's reports.
        counts = services_ratings.counts_by_record([record.pk for record in reports]) if reports else {}
        for record in reports:
            record.voter_counts = counts.get(record.pk)
        return reports

    @cached_property
    def trainings(self) -> list[ActivityRecord]:
        return self._of_kinds([ActivityKind.TRAINING])

    @cached_property
    def group_activities(self) -> list[ActivityRecord]:
        return self._of_kinds([ActivityKind.GROUP])

    @property
    def speeches(self) -> int:
        return sum(row.speeches for row in self.attendance)

    @property
    def voters_at_days_served(self) -> int:
        """Voters received at the duty days the deputy served (在其值班的接待日共接待选民): each day's whole count,
        shared with the other deputies on duty that day, so it is not the deputy's own and files must not be added
        up. A region's or station's total counts each duty day once (``liaison_stations/figures.py``)."""
        return sum(shift.duty_day.voters_received for shift in self.duty_shifts)

    @property
    def led_counted(self) -> int:
        return sum(1 for suggestion in self.led if suggestion.counts_for_score)


def _suggestion_in_year(year: int, prefix: str = "") -> Q:
    # Registered suggestions belong to the year they were registered in, as scoring counts them; the others
    # (submitted, refused) to the year they were submitted in.
    return Q(**{f"{prefix}registered_at__year": year}) | Q(
        **{f"{prefix}registered_at__isnull": True, f"{prefix}year": year}
    )


def _metric_order(item) -> int:
    return METRICS.index(item.metric) if item.metric in METRICS else len(METRICS)


def deputy_file(deputy: Deputy, year: int) -> DeputyFile:
    """Everything the deputy's file shows for ``year``: seven queries whatever the number of records."""
    first, last = year_bounds(year)
    attendance = list(
        Attendance.objects.filter(deputy=deputy, session__start_date__gte=first, session__start_date__lte=last)
        .select_related("session")
        .order_by("session__start_date", "session_id")
    )
    led = list(
        Suggestion.objects.filter(deputy=deputy)
        .exclude(status=Suggestion.Status.DRAFT)
        .filter(_suggestion_in_year(year))
        .prefetch_related(Prefetch("evaluations", queryset=Evaluation.objects.order_by("round")))
        .order_by("number", "id")
    )
    for suggestion in led:
        suggestion.counts_for_score = (
            suggestion.status in COUNTED_SUGGESTION_STATES
            and suggestion.registered_at is not None
            and timezone.localtime(suggestion.registered_at).year == year
        )
    cosigned = list(
        CoSigner.objects.filter(deputy=deputy, status=CoSigner.Status.ACCEPTED)
        .exclude(suggestion__status=Suggestion.Status.DRAFT)
        .filter(_suggestion_in_year(year, "suggestion__"))
        .select_related("suggestion__deputy")
        .order_by("suggestion__number", "suggestion_id")
    )
    for cosignature in cosigned:
        cosignature.counts_for_score = cosignature.suggestion.status in COUNTED_SUGGESTION_STATES
    activities = list(
        ActivityRecord.objects.filter(
            deputy=deputy, status=ActivityRecord.Status.CONFIRMED, date__gte=first, date__lte=last
        ).order_by("date", "id")
    )
    duty_shifts = list(
        DutyShift.objects.filter(
            deputy=deputy,
            attended=True,
            duty_day__status=DutyDay.Status.HELD,
            duty_day__date__gte=first,
            duty_day__date__lte=last,
        )
        .select_related("duty_day__station")
        .order_by("duty_day__date", "duty_day_id")
    )
    return DeputyFile(
        deputy=deputy,
        year=year,
        attendance=attendance,
        led=led,
        cosigned=cosigned,
        activities=activities,
        duty_shifts=duty_shifts,
        scores=scored_years(deputy, year),
        motions=motion_selectors.file_motions(deputy.pk, year),
        training_sessions=training_selectors.file_attendance(deputy.pk, year),
    )


def scored_years(deputy: Deputy, year: int) -> list[ScoredYear]:
    """The deputy's stored results for ``year``, the nearest office's rule set first (a county deputy may
    also be scored by the city)."""
    scores = list(
        Score.objects.filter(deputy=deputy, year=year)
        .select_related("rule_set__region")
        .prefetch_related("rule_set__items")
        .order_by("-rule_set__region__level", "rule_set_id")
    )
    adjustments = defaultdict(list)
    if scores:
        for adjustment in (
            ScoreAdjustment.objects.filter(deputy=deputy, rule_set__in=[s.rule_set_id for s in scores])
            .select_related("by")
            .order_by("at", "id")
        ):
            adjustments[adjustment.rule_set_id].append(adjustment)
    return [
        ScoredYear(
            score=score,
            rows=explained_rows(score),
            adjustments=adjustments[score.rule_set_id],
        )
        for score in scores
    ]


def explained_rows(score: Score) -> list[dict]:
    """``Score.breakdown`` in the order of the metrics, each row saying whether its cap cut the points."""
    items = sorted(score.rule_set.items.all(), key=_metric_order)
    rows = score.breakdown(items)
    for row in rows:
        item = row["item"]
        raw = row["count"] * item.points
        if item.metric == Metric.REPORT and item.bonus:
            raw += (row["good"] or 0) * item.bonus
        row["raw"] = raw
        row["capped"] = item.cap is not None and abs(raw) > item.cap
    return rows


def latest_score(deputy: Deputy) -> Score | None:
    """The deputy's most recent result, for the home page panel."""
    return (
        Score.objects.filter(deputy=deputy)
        .select_related("rule_set")
        .order_by("-year", "-rule_set__region__level")
        .first()
    )


# The staff score list ------------------------------------------------------------------------------------------


def _visible_rule_sets(user) -> QuerySet[RuleSet]:
    """Rule sets whose scores the user may list: those of their region, the regions above (a county may be
    scored by its city's rules) and the regions below."""
    if user.is_authenticated and user.is_superuser:
        return RuleSet.objects.all()
    if not sees_region_data(user) or not user.region_id:
        return RuleSet.objects.none()
    region = user.region
    return RuleSet.objects.filter(
        Q(region__path__in=ancestor_paths(region.path)) | Q(region__path__startswith=region.path)
    )


def rule_set_years(user) -> list[int]:
    return sorted(set(_visible_rule_sets(user).values_list("year", flat=True)), reverse=True)


def rule_set_options(user, year: int) -> list[RuleSet]:
    return list(_visible_rule_sets(user).filter(year=year).select_related("region").order_by("region__path"))


def nearest_rule_set(user, options: list[RuleSet]) -> RuleSet | None:
    """The rule set of the user's own region, or else of the nearest region above that has one."""
    if not options:
        return None
    region = getattr(user, "region", None)
    if region is not None:
        above = [rs for rs in options if region.path.startswith(rs.region.path)]
        if above:
            return max(above, key=lambda rs: len(rs.region.path))
    return options[0]


def rule_set_for(user, year: int) -> RuleSet | None:
    """The rule set a staff member's score list uses for ``year`` by default."""
    return nearest_rule_set(user, rule_set_options(user, year))


def default_year(years: list[int]) -> int:
    """The latest year with rules that has begun; a rule set drafted for next year has nothing to list yet."""
    this_year = timezone.localdate().year
    started = [year for year in years if year <= this_year]
    return started[0] if started else this_year


def scores_in(user, rule_set: RuleSet) -> QuerySet[Score]:
    """The user's part of a rule set's results, best first."""
    return (
        permissions.scores_for(user)
        .filter(rule_set=rule_set)
        .select_related("deputy__region")
        .order_by("-total", "deputy__name", "deputy_id")
    )


class Ranking:
    """Competition ranks ("1, 2, 2, 4") within everything the user sees of a rule set, whatever the filters.

    One query reads the totals; a filtered page then looks its rows up, so rank 37 means 37th in the county
    even when only red warnings are listed.
    """

    def __init__(self, user, rule_set: RuleSet):
        totals = permissions.scores_for(user).filter(rule_set=rule_set).values_list("total", flat=True)
        self._ascending_negated = sorted(-total for total in totals)

    def __len__(self) -> int:
        return len(self._ascending_negated)

    def rank(self, total: Decimal) -> int:
        return bisect_left(self._ascending_negated, -total) + 1

    def decorate(self, scores) -> list[Score]:
        scores = list(scores)
        for score in scores:
            score.rank = self.rank(score.total)
        return scores


def warning_counts(user, rule_set: RuleSet) -> dict[str, int]:
    rows = (
        permissions.scores_for(user)
        .filter(rule_set=rule_set)
        .exclude(warning="")
        .order_by()
        .values("warning")
        .annotate(n=Count("pk"))
    )
    counts = {level.value: 0 for level in Warning if level.value}
    counts.update({row["warning"]: row["n"] for row in rows})
    return counts


def is_stale(user, rule_set: RuleSet) -> bool:
    """Some listed results were computed with an earlier version of the rules."""
    return permissions.scores_for(user).filter(rule_set=rule_set).exclude(rule_set_version=rule_set.version).exists()


def last_run(rule_set: RuleSet) -> ScoreRun | None:
    return rule_set.runs.order_by("-created_at", "-id").first()


def score_for_adjusting(user, pk: int) -> ScoredYear:
    """A score the user may see, with its breakdown and earlier adjustments (404 outside their region)."""
    score = get_object_or_404(
        permissions.scores_for(user)
        .select_related("deputy__region", "rule_set__region")
        .prefetch_related("rule_set__items"),
        pk=pk,
    )
    adjustments = list(
        ScoreAdjustment.objects.filter(rule_set_id=score.rule_set_id, deputy_id=score.deputy_id)
        .select_related("by")
        .order_by("at", "id")
    )
    return ScoredYear(score=score, rows=explained_rows(score), adjustments=adjustments)
