"""Every change to courses, sessions and attendance: one atomic, audited function each; a refusal raises
``TransitionError`` and writes nothing."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Step, Workflow, Workflows, in_states
from representatives.audit import record_transition
from representatives.models import Congress, Membership
from representatives.services import TransitionError

from . import permissions
from .models import AttemptAnswer, Attendance, Course, Question, Quiz, QuizAttempt, TrainingSession

__all__ = ["TransitionError"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _may_manage(by, course: Course) -> None:
    _require(permissions.can_manage(by, course), _("只有该届人大所在区域的代表工作人员可以办理。"))


@transaction.atomic
def course_create(
    *, congress: Congress, by, title: str, organiser: str, level: int, is_induction: bool, description: str = ""
) -> Course:
    congress = Congress.objects.select_related("region").get(pk=congress.pk)
    course = Course(
        congress=congress,
        title=title,
        organiser=organiser,
        level=level,
        is_induction=is_induction,
        description=description,
        created_by=by,
    )
    _may_manage(by, course)
    course.save()
    record_transition(obj=course, from_state="", to_state="created", by=by)
    return course


@transaction.atomic
def session_create(*, course: Course, by, date, place: str, hours: Decimal, invite_serving: bool = True):
    """A session of the course; with ``invite_serving`` every deputy serving in the course's congress on the
    session's day is invited (their attendance rows are the roster staff mark)."""
    course = Course.objects.select_related("congress__region").select_for_update(of=("self",)).get(pk=course.pk)
    _may_manage(by, course)
    session = TrainingSession.objects.create(course=course, date=date, place=place, hours=hours)
    if invite_serving:
        deputy_ids = Membership.objects.filter(
            congress_id=course.congress_id, status=Membership.Status.SERVING
        ).values_list("deputy_id", flat=True)
        Attendance.objects.bulk_create([Attendance(session=session, deputy_id=pk) for pk in deputy_ids])
    record_transition(obj=session, from_state="", to_state="scheduled", by=by)
    return session


@transaction.atomic
def invite(*, session: TrainingSession, by, deputy_ids: list[int]) -> int:
    """Adds deputies of the course's congress (serving or not: one who left may have been invited before) to the
    session's roster; returns how many were new."""
    session = _locked(session)
    _may_manage(by, session.course)
    seated = set(
        Membership.objects.filter(congress_id=session.course.congress_id, deputy_id__in=deputy_ids).values_list(
            "deputy_id", flat=True
        )
    )
    _require(seated == set(deputy_ids), _("只能邀请该届人大的代表。"))
    existing = set(session.attendances.values_list("deputy_id", flat=True))
    new = [Attendance(session=session, deputy_id=pk) for pk in sorted(seated - existing)]
    Attendance.objects.bulk_create(new)
    return len(new)


def _locked(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_related("course__congress__region")
        .select_for_update(of=("self",))
        .get(pk=session.pk)
    )


@transaction.atomic
def attendance_record(*, session: TrainingSession, by, attended_ids: set[int]) -> int:
    """Marks the roster at once: the invitees in ``attended_ids`` came, the others did not. Only invitees may be
    marked; returns how many attended."""
    session = _locked(session)
    _may_manage(by, session.course)
    invited = set(session.attendances.values_list("deputy_id", flat=True))
    _require(attended_ids <= invited, _("只能登记本场次邀请名单中的代表。"))
    session.attendances.filter(deputy_id__in=attended_ids).update(attended=True)
    session.attendances.exclude(deputy_id__in=attended_ids).update(attended=False)
    was = "recorded" if session.attendance_recorded else "scheduled"
    session.attendance_recorded = True
    session.save(update_fields=["attendance_recorded"])
    record_transition(
        obj=session, from_state=was, to_state="recorded", by=by, note=_("出席 %(n)d 人") % {"n": len(attended_ids)}
    )
    return len(attended_ids)


# --- The question bank and quizzes -------------------------------------------------------------------------

A = QuizAttempt.Status
# A page sent in the last second reaches the server a moment later: this much past the deadline still counts.
GRACE = datetime.timedelta(seconds=5)


def _in_time(attempt: QuizAttempt) -> bool:
    return timezone.now() <= attempt.deadline + GRACE


ATTEMPT_STEPS = Workflow(
    QuizAttempt,
    Step(
        "submit",
        permissions.owns_attempt,
        gettext_lazy("只能提交自己的答卷。"),
        (
            (in_states(A.STARTED), gettext_lazy("该答卷已经结束。")),
            (_in_time, gettext_lazy("答题时间已到，答卷不再接受。")),
        ),
    ),
    Step(
        "expire",
        lambda user, attempt: True,
        gettext_lazy("不能办理。"),
        (
            (in_states(A.STARTED), gettext_lazy("该答卷已经结束。")),
            (lambda a: not _in_time(a), gettext_lazy("答题时间未到。")),
        ),
    ),
)
WORKFLOWS = Workflows(ATTEMPT_STEPS)


def available_steps(user, obj) -> list[str]:
    return WORKFLOWS.available_steps(user, obj)


def _clean_question(kind: str, options: list[str], answer: list[int]) -> tuple[list[str], list[int]]:
    options = [option.strip() for option in options if option.strip()]
    answer = sorted(set(answer))
    if kind == Question.Kind.TRUE_FALSE:
        options = []
        _require(len(answer) == 1 and answer[0] in (0, 1), _("判断题须选定“正确”或“错误”。"))
        return options, answer
    _require(len(options) >= 2, _("选择题至少须有两个选项。"))
    _require(bool(answer) and all(0 <= i < len(options) for i in answer), _("答案须是列出的选项。"))
    if kind == Question.Kind.SINGLE:
        _require(len(answer) == 1, _("单选题只能有一个正确答案。"))
    return options, answer


@transaction.atomic
def question_save(
    *, question: Question | None, by, region, topic: str, kind: str, text: str, options, answer, explanation=""
) -> Question:
    """Adds a question to the bank, or edits one: the office of the question's region."""
    question = question or Question(region=region)
    # The region may be moved only within the user's scope: both the old and the new one must be theirs.
    _require(permissions.can_manage_question(by, question), _("只有该区域的代表工作人员可以维护题库。"))
    question.region = region
    _require(permissions.can_manage_question(by, question), _("只有该区域的代表工作人员可以维护题库。"))
    options, answer = _clean_question(kind, list(options), list(answer))
    question.topic, question.kind, question.text = topic.strip(), kind, text.strip()
    question.options, question.answer, question.explanation = options, answer, explanation
    question.save()
    return question


@transaction.atomic
def quiz_create(
    *,
    congress: Congress,
    by,
    title: str,
    topics: list[str],
    question_count: int,
    minutes: int,
    attempts_allowed: int = 1,
) -> Quiz:
    congress = Congress.objects.select_related("region").get(pk=congress.pk)
    quiz = Quiz(
        congress=congress,
        title=title,
        topics=sorted(set(topics)),
        question_count=question_count,
        minutes=minutes,
        attempts_allowed=attempts_allowed,
        created_by=by,
    )
    _require(permissions.can_manage_quiz(by, quiz), _("只有该届人大所在区域的代表工作人员可以办理。"))
    available = _bank(quiz).count()
    _require(available >= question_count, _("所选专题只有 %(n)d 道在用试题，少于题数。") % {"n": available})
    quiz.save()
    record_transition(obj=quiz, from_state="", to_state="created", by=by)
    return quiz


def _bank(quiz: Quiz):
    """The questions a quiz draws from: active, of its topics, kept by the office of its region or above."""
    from core.regions import ancestor_paths

    paths = ancestor_paths(quiz.congress.region.path, include_self=True)
    return Question.objects.filter(is_active=True, topic__in=quiz.topics, region__path__in=paths)


@transaction.atomic
def attempt_start(*, quiz: Quiz, by, rng: random.Random | None = None) -> QuizAttempt:
    """Draws the quiz's questions at random and starts the clock. One attempt at a time, up to the quiz's
    number of attempts; the quiz row is locked so two starts sent at once give one attempt."""
    quiz = Quiz.objects.select_related("congress__region").select_for_update(of=("self",)).get(pk=quiz.pk)
    _require(permissions.may_take(by, quiz), _("该测试未向您开放。"))
    mine = QuizAttempt.objects.filter(quiz=quiz, deputy_id=by.deputy_id)
    running = mine.filter(status=A.STARTED).first()
    if running is not None and _in_time(running):
        return running
    if running is not None:
        _expire(running, by=None)
    done = mine.count()
    _require(done < quiz.attempts_allowed, _("您已用完该测试的作答次数。"))
    ids = list(_bank(quiz).values_list("pk", flat=True))
    _require(len(ids) >= quiz.question_count, _("题库中的试题不足，请联系工作人员。"))
    drawn = (rng or random.SystemRandom()).sample(ids, quiz.question_count)
    now = timezone.now()
    attempt = QuizAttempt.objects.create(
        quiz=quiz,
        deputy_id=by.deputy_id,
        number=done + 1,
        started_at=now,
        deadline=now + datetime.timedelta(minutes=quiz.minutes),
    )
    AttemptAnswer.objects.bulk_create(
        [AttemptAnswer(attempt=attempt, question_id=pk, position=i) for i, pk in enumerate(drawn, start=1)]
    )
    record_transition(obj=attempt, from_state="", to_state=A.STARTED, by=by)
    return attempt


def _locked_attempt(attempt: QuizAttempt) -> QuizAttempt:
    return QuizAttempt.objects.select_for_update().get(pk=attempt.pk)


def _expire(attempt: QuizAttempt, by) -> QuizAttempt:
    attempt.status = A.EXPIRED
    attempt.score = Decimal(0)
    attempt.save(update_fields=["status", "score"])
    record_transition(obj=attempt, from_state=A.STARTED, to_state=A.EXPIRED, by=by)
    return attempt


@transaction.atomic
def attempt_expire(*, attempt: QuizAttempt, by=None) -> QuizAttempt:
    """The time ran out with the answers unsent: the attempt ends with no score (0)."""
    attempt = _locked_attempt(attempt)
    ATTEMPT_STEPS.require("expire", by, attempt)
    return _expire(attempt, by)


@transaction.atomic
def attempt_submit(*, attempt: QuizAttempt, by, answers: dict[int, list[int]]) -> QuizAttempt:
    """Scores the answers (question id → chosen option indexes): a question counts only if exactly its answer
    was chosen. Refused after the deadline."""
    attempt = _locked_attempt(attempt)
    ATTEMPT_STEPS.require("submit", by, attempt)
    rows = list(attempt.answers.select_related("question"))
    for row in rows:
        row.chosen = sorted(set(answers.get(row.question_id, [])))
        row.is_correct = row.chosen == sorted(row.question.answer)
    AttemptAnswer.objects.bulk_update(rows, ["chosen", "is_correct"])
    attempt.correct = sum(1 for row in rows if row.is_correct)
    attempt.score = (Decimal(100) * attempt.correct / len(rows)).quantize(Decimal("0.1")) if rows else Decimal(0)
    attempt.status = A.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["correct", "score", "status", "submitted_at"])
    record_transition(obj=attempt, from_state=A.STARTED, to_state=A.SUBMITTED, by=by)
    return attempt
