"""Demo and benchmark data for evaluations: each congress's annual session with its deputies' attendance,
and the example rule set for every seeded year, so ``score_year`` runs on the demo straight away.

Attendance is what keeps the scores realistic: without it every deputy misses the ten points for attending
the session and most of them fall below the pass mark.
"""

import datetime
import itertools

from django.utils.translation import gettext as _

from representatives.demo import DemoContext, _drawn, builder
from representatives.models import Level, Membership

from . import services
from .models import Attendance, CongressSession, GradeBand, Metric, RuleItem, RuleSet, WarningBand
from .models import Grade as G
from .models import Warning as W

DIGITS = "零一二三四五六七八九"
# When each level usually holds its session: city and county congresses in January or February, townships
# by March, the province and the nation in their own weeks.
SESSION_WINDOW = {
    Level.NATIONAL: (datetime.date(2000, 3, 5), 0),
    Level.PROVINCIAL: (datetime.date(2000, 1, 20), 10),
    Level.CITY: (datetime.date(2000, 1, 10), 30),
    Level.COUNTY: (datetime.date(2000, 1, 5), 45),
    Level.TOWNSHIP: (datetime.date(2000, 1, 10), 75),
}
STATUS_WEIGHTS = ((Attendance.Status.PRESENT, 93), (Attendance.Status.LEAVE, 5), (Attendance.Status.ABSENT, 2))
SPEECH_WEIGHTS = (45, 30, 15, 7, 3)  # 0 to 4 speeches
# The example rules (DOMAIN.md) ask for more than the seeds' two logged activities a year: on the demo they
# warned 98% of deputies and nobody reached 优秀. The demo office has tuned its rules to its deputies, as offices
# do each year, so the demo's grades look like a real year's (most 称职, some 优秀, a few warnings); the
# rules stay an ordinary, editable rule set. Points and cap per item changed from the example:
DEMO_POINTS = {
    Metric.CLOSED_SESSION: (4, 20),
    Metric.DUTY_DAY: (2, 12),
    Metric.TRAINING: (3, 9),
    Metric.GROUP: (3, 12),
}
DEMO_GRADES = {G.EXCELLENT: 48, G.COMPETENT: 25, G.BASIC: 15}
DEMO_WARNINGS = {W.YELLOW: 25, W.ORANGE: 15, W.RED: 10}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一 (terms and sessions stay well below a hundred)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _sessions(ctx: DemoContext, rng, years: list[int]) -> dict[int, list[CongressSession]]:
    sessions: dict[int, list[CongressSession]] = {}
    fresh = []
    for congress in ctx.congresses.values():
        anchor, spread = SESSION_WINDOW[congress.level]
        for year in years:
            start = anchor.replace(year=year) + datetime.timedelta(days=rng.randint(0, spread))
            start = max(start, congress.start_date)
            if start.year != year or start > ctx.today or start > congress.end_date:
                continue
            length = 1 if congress.level == Level.TOWNSHIP else rng.randint(3, 5)
            end = min(start + datetime.timedelta(days=length - 1), ctx.today)
            number = year - congress.start_date.year + 1
            names = {"term": chinese_number(congress.term_number), "number": chinese_number(number)}
            if congress.level == Level.NATIONAL:
                name = _("第%(term)s届全国人民代表大会第%(number)s次会议") % names
            else:
                name = _("%(region)s第%(term)s届人民代表大会第%(number)s次会议") % {
                    **names,
                    "region": congress.region.name,
                }
            session = CongressSession(congress=congress, name=name, start_date=start, end_date=end)
            fresh.append(session)
            sessions.setdefault(congress.pk, []).append(session)
    ctx.bulk_create(CongressSession, fresh)
    return sessions


def _cumulative(pairs) -> list[int]:
    return list(itertools.accumulate(weight for _value, weight in pairs))


def _attendance(ctx: DemoContext, rng, sessions):
    status_of = _drawn(rng, [str(status) for status, _weight in STATUS_WEIGHTS], _cumulative(STATUS_WEIGHTS))
    spoke = _drawn(rng, range(len(SPEECH_WEIGHTS)), list(itertools.accumulate(SPEECH_WEIGHTS)))
    present = str(Attendance.Status.PRESENT)
    seats = Membership.objects.filter(congress_id__in=list(sessions)).order_by("congress_id", "deputy_id")
    for congress_id, deputy_id, status, left_on in seats.values_list(
        "congress_id", "deputy_id", "status", "status_date"
    ).iterator(chunk_size=ctx.batch_size):
        for session in sessions[congress_id]:
            if status != Membership.Status.SERVING and left_on is not None and left_on < session.start_date:
                continue
            attended = present if deputy_id == ctx.demo_deputy_id else status_of()
            yield session.pk, deputy_id, attended, spoke() if attended == present else 0


@builder("attendance")
def build_attendance(ctx: DemoContext) -> None:
    """Every seat's attendance at its congress's sessions in the seeded years, up to today."""
    rng = ctx.rng("attendance")
    years = list(range(ctx.today.year - max(1, ctx.options["years"]) + 1, ctx.today.year + 1))
    sessions = _sessions(ctx, rng, years)
    if sessions:
        with ctx.indexes_deferred(Attendance):
            ctx.write_tuples(
                Attendance, ("session_id", "deputy_id", "status", "speeches"), _attendance(ctx, rng, sessions)
            )
    # The example rules of DOMAIN.md for each year, so the demo can be scored without setting rules first.
    for year in years:
        if not RuleSet.objects.filter(region=ctx.city, year=year).exists():
            calibrate(services.rule_set_create_example(region=ctx.city, year=year))


def calibrate(rule_set: RuleSet) -> RuleSet:
    """The demo office's own points and bands on top of the example rule set (DEMO_POINTS says why)."""
    # Two years in a row below 称职, not below the example's 40, make a red warning.
    RuleSet.objects.filter(pk=rule_set.pk).update(red_two_years_below=DEMO_GRADES[G.COMPETENT])
    for metric, (points, cap) in DEMO_POINTS.items():
        RuleItem.objects.filter(rule_set=rule_set, metric=metric).update(points=points, cap=cap)
    for grade, min_points in DEMO_GRADES.items():
        GradeBand.objects.filter(rule_set=rule_set, grade=grade).update(min_points=min_points)
    for level, below_points in DEMO_WARNINGS.items():
        WarningBand.objects.filter(rule_set=rule_set, level=level).update(below_points=below_points)
    return rule_set


@builder("awards")
def build_awards(ctx: DemoContext) -> None:
    """Last year's 三优三先 decided and published, this year's first nominations waiting for the decision."""
    from django.db.models import Count, Q

    from representatives.models import ActivityRecord, Deputy, HandlingUnit
    from suggestions.models import Evaluation, Suggestion

    from . import awards
    from .models import Nomination

    staff = ctx.accounts.get("staff")
    if staff is None or Nomination.objects.exists():
        return
    last_year, this_year = ctx.today.year - 1, ctx.today.year
    most_active = list(
        awards.nominees_for(staff, Nomination.Category.DEPUTY)
        .annotate(
            n=Count(
                "activities",
                filter=Q(activities__status=ActivityRecord.Status.CONFIRMED, activities__date__year=last_year),
            )
        )
        .order_by("-n", "pk")[:3]
    )
    rated_well = (
        awards.nominees_for(staff, Nomination.Category.SUGGESTION)
        .filter(year=last_year, evaluations__value=Evaluation.Value.SATISFIED)
        .order_by("number", "pk")
        .first()
    )
    units = list(awards.nominees_for(staff, Nomination.Category.UNIT).order_by("pk")[:2])
    decided: list[tuple[str, Deputy | Suggestion | HandlingUnit, str, bool]] = [
        (Nomination.Category.DEPUTY, deputy, _("全年履职记录完整，进站接待选民次数位居前列。"), True)
        for deputy in most_active[:2]
    ]
    if rated_well is not None:
        decided.append((Nomination.Category.SUGGESTION, rated_well, _("建议经办理得到落实，代表评价满意。"), True))
    if units:
        decided.append((Nomination.Category.UNIT, units[0], _("按时答复率和满意率均居前列。"), True))
    if len(units) > 1:
        decided.append((Nomination.Category.UNIT, units[1], _("办理及时，但有建议被评为不满意。"), False))
    for category, nominee, reason, awarded in decided:
        nomination = awards.nominate(by=staff, year=last_year, category=category, nominee=nominee, reason=reason)
        if awarded:
            awards.nomination_award(nomination=nomination, by=staff, reason=_("经常委会主任会议研究，评为优秀。"))
            awards.nomination_publish(nomination=nomination, by=staff)
        else:
            awards.nomination_decline(nomination=nomination, by=staff, reason=_("满意率未达到评选办法要求。"))
    if len(most_active) > 2:
        awards.nominate(
            by=staff,
            year=this_year,
            category=Nomination.Category.DEPUTY,
            nominee=most_active[2],
            reason=_("年内多次参加视察调研，建议质量较高。"),
        )
