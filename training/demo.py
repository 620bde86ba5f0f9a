"""Demo data of training, through the real services: the city congress's induction course for the current term
(with some deputies still missing it), two thematic courses this year, and a county course; each session's
roster holds every deputy of the congress invited at the time, including those who left office mid-year, and
about nine in ten attended. Attendance is marked in bulk (a city congress has hundreds of deputies): the same
rows ``services.attendance_record`` writes."""

import datetime
from decimal import Decimal

from representatives.demo import COUNTY_CODE_FOR_STAFF, DemoContext, builder
from representatives.models import Congress, Level, Membership

from . import services
from .models import Attendance, TrainingSession

COURSES = [
    # (title, organiser, level, induction, [(days before today, place, hours)])
    ("新任代表初任履职培训", "市人大常委会代表工作委员会", Level.CITY, True, [(200, "市人大常委会会议室", "6")]),
    (
        "代表建议撰写专题培训",
        "市人大常委会代表工作委员会",
        Level.CITY,
        False,
        [(90, "市委党校", "3"), (30, "线上", "2")],
    ),
    ("预算审查监督能力培训", "市人大常委会预算工作委员会", Level.CITY, False, [(60, "市委党校", "4")]),
]
COUNTY_COURSE = ("代表履职能力提升培训班", "区人大常委会", Level.COUNTY, True, [(120, "区人大会议中心", "4")])


def _roster(congress: Congress, day: datetime.date) -> list[int]:
    """The congress's deputies seated on ``day``: serving now, or left after it (their seat ended mid-year)."""
    seats = Membership.objects.filter(congress=congress).exclude(status_date__lt=day)
    return list(seats.order_by("deputy_id").values_list("deputy_id", flat=True))


def _build(ctx: DemoContext, congress: Congress, staff, course_spec, rng) -> None:
    title, organiser, level, induction, sessions = course_spec
    course = services.course_create(
        congress=congress, by=staff, title=title, organiser=organiser, level=level, is_induction=induction
    )
    for days, place, hours in sessions:
        day = ctx.today - datetime.timedelta(days=days)
        if day < congress.start_date:
            continue
        session = services.session_create(
            course=course, by=staff, date=day, place=place, hours=Decimal(hours), invite_serving=False
        )
        invited = _roster(congress, day)
        Attendance.objects.bulk_create(
            [Attendance(session=session, deputy_id=pk, attended=rng.random() < 0.88) for pk in invited]
        )
        TrainingSession.objects.filter(pk=session.pk).update(attendance_recorded=True)
        ctx.created[Attendance] = ctx.created.get(Attendance, 0) + len(invited)


@builder("training")
def build_training(ctx: DemoContext) -> None:
    staff = ctx.accounts.get("staff")
    if staff is None or ctx.city is None:
        return
    rng = ctx.rng("training")
    city_congress = ctx.congresses.get((Level.CITY, ctx.city.pk))
    if city_congress is not None:
        for spec in COURSES:
            _build(ctx, city_congress, staff, spec, rng)
    county = next((c for c in ctx.counties if c.code == COUNTY_CODE_FOR_STAFF), None)
    county_congress = ctx.congresses.get((Level.COUNTY, county.pk)) if county else None
    if county_congress is not None:
        _build(ctx, county_congress, ctx.accounts.get("staff_county") or staff, COUNTY_COURSE, rng)
