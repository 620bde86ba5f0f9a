"""Changes to rule sets and scores: atomic and audited."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from representatives.audit import record_transition
from representatives.permissions import is_office_staff, user_covers_region
from representatives.services import TransitionError

from . import scoring
from .models import Grade, GradeBand, Metric, RuleItem, RuleSet, Score, ScoreAdjustment, ScoreRun, Warning, WarningBand

__all__ = ["TransitionError"]

STALE_RUN_AFTER = datetime.timedelta(hours=1)

D = Decimal
# The example rule set of DOMAIN.md: what a new office starts from before editing its own.
EXAMPLE_ITEMS = [
    (Metric.ATTENDANCE, D(10), D(10), D(0)),
    (Metric.SUGGESTION_LED, D(5), D(20), D(0)),
    (Metric.SUGGESTION_COSIGNED, D(1), D(5), D(0)),
    (Metric.CLOSED_SESSION, D(2), D(20), D(0)),
    (Metric.DUTY_DAY, D(3), D(24), D(0)),
    (Metric.REPORT, D(10), D(15), D(5)),
    (Metric.TRAINING, D(2), D(8), D(0)),
    (Metric.GROUP, D(2), D(10), D(0)),
    (Metric.ABSENCE, D(-10), None, D(0)),
]
EXAMPLE_GRADES = [
    (Grade.EXCELLENT, D(90)),
    (Grade.COMPETENT, D(60)),
    (Grade.BASIC, D(40)),
    (Grade.INCOMPETENT, D(-999)),
]
EXAMPLE_WARNINGS = [(Warning.YELLOW, D(60)), (Warning.ORANGE, D(40)), (Warning.RED, D(20))]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


@transaction.atomic
def rule_set_create_example(*, region, year: int, by=None) -> RuleSet:
    _require(by is None or (is_office_staff(by) and user_covers_region(by, region)), _("您无权为该区域制定考评规则。"))
    _require(not RuleSet.objects.filter(region=region, year=year).exists(), _("该年度已有考评规则。"))
    rule_set = RuleSet.objects.create(region=region, year=year, name=_("%(year)d年度代表履职考评") % {"year": year})
    RuleItem.objects.bulk_create(
        RuleItem(rule_set=rule_set, metric=m, points=p, cap=c, bonus=b) for m, p, c, b in EXAMPLE_ITEMS
    )
    GradeBand.objects.bulk_create(GradeBand(rule_set=rule_set, grade=g, min_points=v) for g, v in EXAMPLE_GRADES)
    WarningBand.objects.bulk_create(
        WarningBand(rule_set=rule_set, level=w, below_points=v) for w, v in EXAMPLE_WARNINGS
    )
    record_transition(obj=rule_set, from_state="", to_state="created", by=by)
    return rule_set


@transaction.atomic
def rule_set_copy(*, source: RuleSet, year: int, by=None) -> RuleSet:
    """Start a new year from last year's rules: items, grades and warnings copied as they are."""
    _require(
        by is None or (is_office_staff(by) and user_covers_region(by, source.region)), _("您无权为该区域制定考评规则。")
    )
    _require(not RuleSet.objects.filter(region=source.region, year=year).exists(), _("该年度已有考评规则。"))
    copy = RuleSet.objects.create(
        region=source.region,
        year=year,
        name=source.name.replace(str(source.year), str(year)),
        red_two_years_below=source.red_two_years_below,
        copied_from=source,
    )
    RuleItem.objects.bulk_create(
        RuleItem(rule_set=copy, metric=i.metric, points=i.points, cap=i.cap, bonus=i.bonus) for i in source.items.all()
    )
    GradeBand.objects.bulk_create(
        GradeBand(rule_set=copy, grade=g.grade, min_points=g.min_points) for g in source.grades.all()
    )
    WarningBand.objects.bulk_create(
        WarningBand(rule_set=copy, level=w.level, below_points=w.below_points) for w in source.warnings.all()
    )
    record_transition(
        obj=copy, from_state="", to_state="created", by=by, note=_("复制自 %(year)d 年") % {"year": source.year}
    )
    return copy


def rule_set_touch(rule_set: RuleSet) -> None:
    """Any edit of a rule set's items, grades or warnings makes a new version; results keep the one they used."""
    RuleSet.objects.filter(pk=rule_set.pk).update(version=F("version") + 1)


def score_run_queue(*, rule_set: RuleSet, by=None) -> ScoreRun:
    _require(
        by is None or (is_office_staff(by) and user_covers_region(by, rule_set.region)), _("您无权计算该区域的考评。")
    )
    _require(rule_set.items.exists(), _("考评规则还没有考评项目。"))
    _require(rule_set.grades.exists(), _("考评规则还没有设置等次。"))
    unfinished = ScoreRun.objects.filter(
        rule_set=rule_set, status__in=[ScoreRun.Status.QUEUED, ScoreRun.Status.RUNNING]
    )
    # A run whose worker died never finishes; after an hour it no longer blocks the next one.
    unfinished.filter(created_at__lt=timezone.now() - STALE_RUN_AFTER).update(
        status=ScoreRun.Status.FAILED, finished_at=timezone.now(), error=_("计算超时，视为失败。")
    )
    _require(not unfinished.exists(), _("这套规则正在计算中，请等待完成。"))
    run = ScoreRun.objects.create(rule_set=rule_set, rule_set_version=rule_set.version, by=by)
    record_transition(obj=rule_set, from_state="", to_state="scoring", by=by)
    return run


@transaction.atomic
def score_adjust(*, score: Score, points: Decimal, reason: str, by) -> Score:
    """A staff correction with its reason; it is kept and applied again when the year is re-scored."""
    score = Score.objects.select_for_update().select_related("deputy__region", "rule_set").get(pk=score.pk)
    _require(is_office_staff(by) and user_covers_region(by, score.deputy.region), _("您无权调整这名代表的得分。"))
    _require(bool(reason.strip()), _("调整得分必须说明理由。"))
    _require(points != 0, _("调整分不能为零。"))
    ScoreAdjustment.objects.create(
        rule_set=score.rule_set, deputy=score.deputy, points=points, reason=reason.strip(), by=by
    )
    score.adjustment += points
    score.total = score.computed_total + score.adjustment
    rule_set = score.rule_set
    score.grade = _grade_for(rule_set, score.total)
    score.warning = _warning_for(rule_set, score)
    score.save(update_fields=["adjustment", "total", "grade", "warning"])
    record_transition(obj=score, from_state=str(score.total - points), to_state=str(score.total), by=by, note=reason)
    return score


def _grade_for(rule_set: RuleSet, total: Decimal) -> str:
    for band in sorted(rule_set.grades.all(), key=lambda b: b.min_points, reverse=True):
        if total >= band.min_points:
            return band.grade
    return ""


def _warning_for(rule_set: RuleSet, score: Score) -> str:
    total = score.total
    threshold = rule_set.red_two_years_below
    weak_before = Score.objects.filter(deputy=score.deputy, year=score.year - 1, total__lt=threshold or 0)
    if threshold is not None and total < threshold and weak_before.exists():
        return Warning.RED
    for band in sorted(rule_set.warnings.all(), key=lambda b: b.below_points):
        if total < band.below_points:
            return band.level
    return ""


def score_year_now(*, rule_set: RuleSet, by=None, progress=None) -> ScoreRun:
    """Queue and run at once (the command line and tests); the admin queues and lets Celery run it."""
    run = score_run_queue(rule_set=rule_set, by=by)
    return scoring.run_scoring(run, progress=progress)
