"""Reads of training courses, sessions and attendance, each scoped by ``permissions``."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from representatives.models import Congress, Membership
from representatives.permissions import region_scope_q

from . import permissions
from .models import Attendance, Course, TrainingSession


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


def induction_coverage(*, user, today: datetime.date | None = None) -> Coverage:
    counts = current_seats(user=user, today=today).aggregate(
        seats=Count("pk"), covered=Count("pk", filter=_induction_attended_q())
    )
    return Coverage(seats=counts["seats"], missing=counts["seats"] - counts["covered"])


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
