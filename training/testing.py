"""The permission matrix's training objects for one side of its world (congress/testing/matrix.py)."""

import datetime
from decimal import Decimal

from representatives.models import Level

from . import services
from .models import Question


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
    question = services.question_save(
        question=None,
        by=side.staff,
        region=side.county,
        topic=f"{scoped}代表法",
        kind=Question.Kind.TRUE_FALSE,
        text=f"{scoped}代表应当与原选区选民保持密切联系。",
        options=[],
        answer=[0],
    )
    quiz = services.quiz_create(
        congress=side.congress,
        by=side.staff,
        title=f"{scoped}应知应会测试",
        topics=[question.topic],
        question_count=1,
        minutes=10,
    )
    attempt = services.attempt_start(quiz=quiz, by=side.deputy_user)
    services.attempt_submit(attempt=attempt, by=side.deputy_user, answers={question.pk: [0]})
    side.owned.update(
        {
            "training.Course": course,
            "training.TrainingSession": session,
            "training.Question": question,
            "training.Quiz": quiz,
            "training.QuizAttempt": attempt,
        }
    )
