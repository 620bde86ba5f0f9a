"""The permission matrix's training objects for one side of its world (congress/testing/matrix.py)."""

import datetime
from decimal import Decimal

from representatives.models import Level

from . import services


def build_side(side, year: int, scoped: str) -> None:
    """An induction course of the side's congress with one session its deputy attended."""
    course = services.course_create(
        congress=side.congress,
        by=side.staff,
        title=f"{scoped}初任培训",
        organiser="代表工作委员会",
        level=Level.COUNTY,
        is_induction=True,
    )
    session = services.session_create(
        course=course, by=side.staff, date=datetime.date(year, 3, 1), place="会议室", hours=Decimal("4")
    )
    services.attendance_record(session=session, by=side.staff, attended_ids={side.deputy.pk})
    side.owned.update({"training.Course": course, "training.TrainingSession": session})
