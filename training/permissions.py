"""Who may see and do what with training courses, sessions and attendance.

Staff and leaders read the courses of the congresses in their region and below; office staff of that region
create courses, schedule sessions and record attendance. A deputy reads only their own attendance (in the
file, 一人一档). Another region's rows are "not found".
"""

from django.db.models import QuerySet

from representatives.models import Membership
from representatives.permissions import (
    is_deputy,
    is_office_staff,
    region_scope_q,
    sees_region_data,
    user_covers_region,
)

from .models import Attendance, Course, Question, Quiz, QuizAttempt, TrainingSession


def courses_for(user) -> QuerySet[Course]:
    if sees_region_data(user):
        return Course.objects.filter(region_scope_q(user, "congress__region"))
    return Course.objects.none()


def sessions_for(user) -> QuerySet[TrainingSession]:
    if sees_region_data(user):
        return TrainingSession.objects.filter(region_scope_q(user, "course__congress__region"))
    return TrainingSession.objects.none()


def attendances_for(user) -> QuerySet[Attendance]:
    if sees_region_data(user):
        return Attendance.objects.filter(region_scope_q(user, "session__course__congress__region"))
    return Attendance.objects.none()


def memberships_for(user) -> QuerySet[Membership]:
    """Seats whose induction coverage the user reads: the congresses of their region and below."""
    if sees_region_data(user):
        return Membership.objects.filter(region_scope_q(user, "congress__region"))
    return Membership.objects.none()


def can_manage(user, course: Course) -> bool:
    """Office staff of the course's congress region: edit it, schedule its sessions, record attendance."""
    return is_office_staff(user) and user_covers_region(user, course.congress.region)


def questions_for(user) -> QuerySet[Question]:
    if sees_region_data(user):
        return Question.objects.filter(region_scope_q(user))
    return Question.objects.none()


def can_manage_question(user, question: Question) -> bool:
    return is_office_staff(user) and user_covers_region(user, question.region)


def quizzes_for(user) -> QuerySet[Quiz]:
    """Staff and leaders: the quizzes of their region's congresses. A deputy: open quizzes of a congress they
    serve in now."""
    if sees_region_data(user):
        return Quiz.objects.filter(region_scope_q(user, "congress__region"))
    if is_deputy(user):
        return Quiz.objects.filter(
            is_open=True,
            congress__memberships__deputy_id=user.deputy_id,
            congress__memberships__status=Membership.Status.SERVING,
        )
    return Quiz.objects.none()


def can_manage_quiz(user, quiz: Quiz) -> bool:
    return is_office_staff(user) and user_covers_region(user, quiz.congress.region)


def attempts_for(user) -> QuerySet[QuizAttempt]:
    """Staff and leaders: the attempts at their region's quizzes; a deputy: their own only."""
    if sees_region_data(user):
        return QuizAttempt.objects.filter(region_scope_q(user, "quiz__congress__region"))
    if is_deputy(user):
        return QuizAttempt.objects.filter(deputy_id=user.deputy_id)
    return QuizAttempt.objects.none()


def may_take(user, quiz: Quiz) -> bool:
    return (
        is_deputy(user)
        and quiz.is_open
        and Membership.objects.filter(
            deputy_id=user.deputy_id, congress_id=quiz.congress_id, status=Membership.Status.SERVING
        ).exists()
    )


def owns_attempt(user, attempt: QuizAttempt) -> bool:
    return is_deputy(user) and attempt.deputy_id == user.deputy_id
