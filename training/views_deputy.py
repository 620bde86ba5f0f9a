"""A deputy's quizzes: the open ones of the congresses they serve in, taken in the browser (a phone) against
the server's clock; the answers are scored at once and the explanations shown."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from representatives.permissions import deputy_required

from . import selectors, services
from .models import QuizAttempt


@deputy_required
def home(request):
    return render(request, "me/training/home.html", {"quizzes": selectors.my_quizzes(request.user)})


@deputy_required
@require_POST
def quiz_start(request, pk):
    quiz = selectors.quiz_detail(user=request.user, pk=pk)
    try:
        attempt = services.attempt_start(quiz=quiz, by=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("me:training")
    return redirect("me:training_attempt", pk=attempt.pk)


def _answers(request, rows) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for row in rows:
        values = request.POST.getlist(f"q{row.question_id}")
        answers[row.question_id] = [int(v) for v in values if v.isdigit() and int(v) < len(row.question.choices)]
    return answers


@deputy_required
def attempt(request, pk):
    attempt = selectors.attempt_detail(user=request.user, pk=pk)
    if attempt.status == QuizAttempt.Status.STARTED and "expire" in services.available_steps(request.user, attempt):
        attempt = services.attempt_expire(attempt=attempt, by=None)
        if request.method == "POST":
            messages.error(request, _("答题时间已到，答卷不再接受。"))
            return redirect("me:training_attempt", pk=attempt.pk)
    rows = selectors.attempt_rows(attempt)
    if request.method == "POST":
        try:
            services.attempt_submit(attempt=attempt, by=request.user, answers=_answers(request, rows))
        except services.TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已交卷。"))
        return redirect("me:training_attempt", pk=attempt.pk)
    remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(request, "me/training/attempt.html", {"attempt": attempt, "rows": rows, "remaining": remaining})
