"""Reads of training courses, sessions and attendance, each scoped by ``permissions``."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.pagination import cached_rows
from representatives.models import Congress, Membership
from representatives.permissions import region_scope_q, regions_for

from . import permissions
from .filters import AttemptFilter, AttendanceFilter, InductionFilter, SessionFilter
from .models import AttemptAnswer, Attendance, Course, Question, Quiz, QuizAttempt, TrainingSession


def congresses_for(user) -> QuerySet[Congress]:
    return Congress.objects.filter(region_scope_q(user)).select_related("region")


def course_list(*, user) -> QuerySet[Course]:
    return (
        permissions.courses_for(user)
        .select_related("congress__region")
        .annotate(
            session_count=Count("sessions", distinct=True),
            attended_count=Count("sessions__attendances", filter=Q(sessions__attendances__attended=True)),
        )
        .order_by("-created_at", "-id")
    )


def course_detail(*, user, pk: int) -> Course:
    return get_object_or_404(permissions.courses_for(user).select_related("congress__region"), pk=pk)


def course_sessions(course: Course) -> QuerySet[TrainingSession]:
    return course.sessions.annotate(
        invited=Count("attendances"), present=Count("attendances", filter=Q(attendances__attended=True))
    ).order_by("date", "id")


def session_detail(*, user, pk: int) -> TrainingSession:
    return get_object_or_404(permissions.sessions_for(user).select_related("course__congress__region"), pk=pk)


def session_roster(session: TrainingSession) -> list[Attendance]:
    return list(session.attendances.select_related("deputy").order_by("deputy__name", "deputy_id"))


def _induction_attended(congress_ref: str = "congress") -> Exists:
    return Exists(
        Attendance.objects.filter(
            deputy_id=OuterRef("deputy_id"),
            attended=True,
            session__course__is_induction=True,
            session__course__congress_id=OuterRef(f"{congress_ref}_id"),
        )
    )


def current_seats(*, user, today: datetime.date | None = None) -> QuerySet[Membership]:
    """Serving seats of the congresses in the user's scope whose term runs today (the current term)."""
    today = today or timezone.localdate()
    return permissions.memberships_for(user).filter(
        status=Membership.Status.SERVING, congress__start_date__lte=today, congress__end_date__gte=today
    )


def induction_missing(*, user, today: datetime.date | None = None) -> QuerySet[Membership]:
    """初任培训全覆盖: the current term's serving deputies who have not yet attended an induction course of their
    congress. The coverage figure's rows."""
    return (
        current_seats(user=user, today=today)
        .filter(~_induction_attended())
        .select_related("deputy__region", "congress__region")
        .order_by("congress__level", "congress_id", "deputy__name", "deputy_id")
    )


@dataclass
class Coverage:
    seats: int
    missing: int

    @property
    def covered(self) -> int:
        return self.seats - self.missing

    @property
    def percent(self) -> float | None:
        return round(100 * self.covered / self.seats, 1) if self.seats else None


def induction_coverage(*, user, today: datetime.date | None = None, region=None) -> Coverage:
    seats = current_seats(user=user, today=today)
    if region is not None:
        seats = seats.filter(congress__region__path__startswith=region.path)
    # One row (a constant groups nothing), so that ``cached_rows`` can keep it a minute when slow: a province's
    # seats, each asked whether it attended, take 1.3 s, on every dashboard and year report (bench/README.md).
    counted = (
        seats.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(seats=Count("pk"), covered=Count("pk", filter=_induction_attended_q()))
        .values_list("seats", "covered")
    )
    found = cached_rows(counted)
    total, covered = found[0] if found else (0, 0)
    return Coverage(seats=total, missing=total - covered)


def _induction_attended_q() -> Q:
    return Q(_induction_attended())


def file_attendance(deputy_id: int, year: int) -> list[Attendance]:
    """The deputy's file (一人一档): the year's sessions they attended; one query."""
    return list(
        Attendance.objects.filter(deputy_id=deputy_id, attended=True, session__date__year=year)
        .select_related("session__course")
        .order_by("session__date", "session_id")
    )


def file_hours(rows: list[Attendance]):
    return sum((row.session.hours for row in rows), start=0)


# --- The question bank and quizzes -------------------------------------------------------------------------


def question_list(*, user, topic: str = "") -> QuerySet[Question]:
    questions = permissions.questions_for(user).select_related("region").order_by("topic", "id")
    return questions.filter(topic=topic) if topic else questions


def topics_for(user) -> list[str]:
    return list(
        permissions.questions_for(user)
        .filter(is_active=True)
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct()
    )


def question_detail(*, user, pk: int) -> Question:
    return get_object_or_404(permissions.questions_for(user).select_related("region"), pk=pk)


def quiz_list(*, user) -> QuerySet[Quiz]:
    return (
        permissions.quizzes_for(user)
        .select_related("congress__region")
        .annotate(
            submitted=Count("attempts", filter=Q(attempts__status=QuizAttempt.Status.SUBMITTED)),
            average=Avg("attempts__score", filter=Q(attempts__status=QuizAttempt.Status.SUBMITTED)),
        )
        .order_by("-created_at", "-id")
    )


def quiz_detail(*, user, pk: int) -> Quiz:
    return get_object_or_404(permissions.quizzes_for(user).select_related("congress__region").distinct(), pk=pk)


def attempt_list(*, user, filters=None) -> AttemptFilter:
    """The attempts a results figure counts: by quiz, status, year, the deputy's region, and those that got a
    question wrong."""
    queryset = permissions.attempts_for(user).select_related("deputy__region", "quiz").order_by("-started_at", "-id")
    filterset = AttemptFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def session_list(*, user, filters=None) -> SessionFilter:
    queryset = (
        permissions.sessions_for(user)
        .select_related("course__congress__region")
        .annotate(present=Count("attendances", filter=Q(attendances__attended=True)))
        .order_by("-date", "-id")
    )
    filterset = SessionFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def attendance_list(*, user, filters=None) -> AttendanceFilter:
    queryset = (
        permissions.attendances_for(user)
        .select_related("deputy", "session__course")
        .order_by("-session__date", "session_id", "deputy__name", "deputy_id")
    )
    filterset = AttendanceFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def induction_list(*, user, filters=None) -> InductionFilter:
    """The coverage page's rows: ``induction_missing``, by the congress's region."""
    filterset = InductionFilter(filters or {}, queryset=induction_missing(user=user), regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def quiz_results(quiz: Quiz) -> dict:
    """Per deputy (each attempt), per region (the deputy's) and per question (how often wrong), from submitted
    attempts; three queries."""
    submitted = quiz.attempts.filter(status=QuizAttempt.Status.SUBMITTED)
    by_region = list(
        submitted.values("deputy__region_id", "deputy__region__name")
        .annotate(attempts=Count("pk"), average=Avg("score"))
        .order_by("deputy__region__name")
    )
    by_question = list(
        AttemptAnswer.objects.filter(attempt__in=submitted)
        .values("question_id", "question__text", "question__topic")
        .annotate(drawn=Count("pk"), wrong=Count("pk", filter=Q(is_correct=False)))
        .order_by("-wrong", "question_id")
    )
    overall = submitted.aggregate(attempts=Count("pk"), average=Avg("score"))
    return {"by_region": by_region, "by_question": by_question, "overall": overall}


def attempt_detail(*, user, pk: int) -> QuizAttempt:
    return get_object_or_404(permissions.attempts_for(user).select_related("quiz", "deputy"), pk=pk)


def attempt_rows(attempt: QuizAttempt) -> list[AttemptAnswer]:
    return list(attempt.answers.select_related("question").order_by("position"))


def my_quizzes(user) -> list[Quiz]:
    quizzes = list(permissions.quizzes_for(user).select_related("congress__region").distinct().order_by("-id")[:50])
    mine: dict[int, list[QuizAttempt]] = {}
    for attempt in QuizAttempt.objects.filter(deputy_id=user.deputy_id, quiz__in=[q.pk for q in quizzes]):
        mine.setdefault(attempt.quiz_id, []).append(attempt)
    for quiz in quizzes:
        setattr(quiz, "my_attempts", mine.get(quiz.pk, []))  # noqa: B010 - a page's mark, not a field
    return quizzes
