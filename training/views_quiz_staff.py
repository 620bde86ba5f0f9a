"""Staff pages of the question bank and quizzes: questions by topic, quizzes drawn from them, and the results per
deputy, per region and per question, each figure linking to the attempts it counts."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from core import exports as core_exports
from core.pagination import paginate
from representatives.permissions import region_reader_required, regions_for, staff_required

from . import permissions, selectors, services
from .forms import QuestionForm, QuizForm
from .models import Question


@region_reader_required
def question_list(request):
    topic = request.GET.get("topic", "")
    return render(
        request,
        "staff/training/question_list.html",
        {
            "page": paginate(request, selectors.question_list(user=request.user, topic=topic)),
            "topics": selectors.topics_for(request.user),
            "topic": topic,
        },
    )


def _question_form(request, question: Question | None):
    initial = QuestionForm.initial_of(question) if question else {"region": request.user.region_id}
    form = QuestionForm(request.POST or None, initial=initial, regions=regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(question=question, by=request.user, **form.cleaned_data)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:training_questions")
    return render(request, "staff/training/question_form.html", {"form": form, "question": question})


@staff_required
def question_new(request):
    return _question_form(request, None)


@staff_required
def question_edit(request, pk):
    question = selectors.question_detail(user=request.user, pk=pk)
    if not permissions.can_manage_question(request.user, question):
        raise PermissionDenied
    return _question_form(request, question)


@region_reader_required
def quiz_list(request):
    return render(
        request, "staff/training/quiz_list.html", {"page": paginate(request, selectors.quiz_list(user=request.user))}
    )


@staff_required
def quiz_new(request):
    form = QuizForm(
        request.POST or None,
        congresses=selectors.congresses_for(request.user),
        topics=selectors.topics_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            quiz = services.quiz_create(by=request.user, **form.cleaned_data)
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:training_quiz", pk=quiz.pk)
    return render(request, "staff/training/quiz_form.html", {"form": form})


@region_reader_required
def quiz_detail(request, pk):
    quiz = selectors.quiz_detail(user=request.user, pk=pk)
    return render(request, "staff/training/quiz_detail.html", {"quiz": quiz, **selectors.quiz_results(quiz)})


@region_reader_required
def attempt_list(request):
    filterset = selectors.attempt_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "training.attempts", filterset.qs)
    return render(
        request, "staff/training/attempt_list.html", {"filter": filterset, "page": paginate(request, filterset.qs)}
    )
