import datetime
import random
import re
from types import SimpleNamespace
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from representatives.models import Congress, Level
from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    MembershipFactory,
)

from .. import selectors, services
from ..models import Question, QuizAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(regions, staff_a):
    congress = cast(
        Congress, CongressFactory(region=regions.county_a, level=Level.COUNTY, end_date=datetime.date(2099, 1, 1))
    )
    deputies = [DeputyFactory(region=regions.town_a, name=f"答题{i}") for i in range(2)]
    for deputy in deputies:
        MembershipFactory(deputy=deputy, congress=congress)
    users = [DeputyUserFactory(deputy=d, username=f"quiz{i}") for i, d in enumerate(deputies)]
    questions = [
        services.question_save(
            question=None,
            by=staff_a,
            region=regions.county_a,
            topic="代表法",
            kind=Question.Kind.SINGLE,
            text=f"单选题{i}",
            options=["甲", "乙", "丙"],
            answer=[i % 3],
            explanation="依据代表法",
        )
        for i in range(4)
    ]
    questions.append(
        services.question_save(
            question=None,
            by=staff_a,
            region=regions.county_a,
            topic="代表法",
            kind=Question.Kind.MULTIPLE,
            text="多选题",
            options=["甲", "乙", "丙"],
            answer=[0, 2],
        )
    )
    quiz = services.quiz_create(
        congress=congress, by=staff_a, title="应知应会测试", topics=["代表法"], question_count=5, minutes=10
    )
    return SimpleNamespace(congress=congress, deputies=deputies, users=users, questions=questions, quiz=quiz)


def right_answers(attempt):
    return {row.question_id: row.question.answer for row in selectors.attempt_rows(attempt)}


def test_a_question_needs_a_valid_answer(regions, staff_a, staff_b):
    base = {"question": None, "region": regions.county_a, "topic": "t", "text": "q", "explanation": ""}
    with pytest.raises(services.TransitionError):
        services.question_save(by=staff_a, kind=Question.Kind.SINGLE, options=["a", "b"], answer=[0, 1], **base)
    with pytest.raises(services.TransitionError):
        services.question_save(by=staff_a, kind=Question.Kind.MULTIPLE, options=["a"], answer=[0], **base)
    with pytest.raises(services.TransitionError):
        services.question_save(by=staff_b, kind=Question.Kind.TRUE_FALSE, options=[], answer=[0], **base)
    assert not Question.objects.exists()
    question = services.question_save(by=staff_a, kind=Question.Kind.TRUE_FALSE, options=["x"], answer=[1], **base)
    assert question.options == [] and question.choices == ["正确", "错误"]


def test_a_quiz_needs_enough_questions(bank, staff_a):
    with pytest.raises(services.TransitionError):
        services.quiz_create(
            congress=bank.congress, by=staff_a, title="x", topics=["代表法"], question_count=6, minutes=5
        )


def test_attempt_draws_scores_and_allows_one_attempt(bank):
    user = bank.users[0]
    attempt = services.attempt_start(quiz=bank.quiz, by=user, rng=random.Random(1))
    assert attempt.answers.count() == 5
    # Starting again while the clock runs returns the same attempt.
    assert services.attempt_start(quiz=bank.quiz, by=user) == attempt
    answers = right_answers(attempt)
    multiple = bank.questions[-1].pk
    answers[multiple] = [0]  # half of a multiple-choice answer is wrong
    attempt = services.attempt_submit(attempt=attempt, by=user, answers=answers)
    assert (attempt.status, attempt.correct, attempt.score) == (QuizAttempt.Status.SUBMITTED, 4, 80)
    with pytest.raises(services.TransitionError):
        services.attempt_submit(attempt=attempt, by=user, answers={})
    with pytest.raises(services.TransitionError):
        services.attempt_start(quiz=bank.quiz, by=user)


def test_answers_after_the_deadline_are_refused(bank):
    user = bank.users[0]
    attempt = services.attempt_start(quiz=bank.quiz, by=user)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    attempt.refresh_from_db()
    with pytest.raises(services.TransitionError):
        services.attempt_submit(attempt=attempt, by=user, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.STARTED and attempt.score is None
    services.attempt_expire(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED


def test_only_the_owner_submits_and_a_stranger_may_not_start(bank, regions):
    attempt = services.attempt_start(quiz=bank.quiz, by=bank.users[0])
    with pytest.raises(services.TransitionError):
        services.attempt_submit(attempt=attempt, by=bank.users[1], answers={})
    outsider = DeputyUserFactory(deputy=DeputyFactory(region=regions.town_b), username="outsider")
    with pytest.raises(services.TransitionError):
        services.attempt_start(quiz=bank.quiz, by=outsider)


def test_deputy_takes_the_quiz_in_the_browser(client, bank):
    client.force_login(bank.users[0])
    assert "应知应会测试" in client.get(reverse("me:training")).content.decode()
    response = client.post(reverse("me:training_quiz_start", args=[bank.quiz.pk]))
    attempt = QuizAttempt.objects.get()
    assert response.url == reverse("me:training_attempt", args=[attempt.pk])
    page = client.get(response.url).content.decode()
    assert page.count("data-question=") == 5
    data = {f"q{qid}": [str(i) for i in answer] for qid, answer in right_answers(attempt).items()}
    client.post(response.url, data)
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert 'id="score"' in client.get(response.url).content.decode()
    # Another deputy cannot open it.
    client.force_login(bank.users[1])
    assert client.get(response.url).status_code == 404


def test_results_figures_equal_their_rows(client, bank, staff_a, staff_b):
    for user in bank.users:
        attempt = services.attempt_start(quiz=bank.quiz, by=user)
        services.attempt_submit(attempt=attempt, by=user, answers={})  # all wrong
    client.force_login(staff_a)
    page = client.get(reverse("staff:training_quiz", args=[bank.quiz.pk])).content.decode()
    figures = re.findall(r'<a href="([^"]*)" data-figure="(\w+)" data-value="(\d+)">', page)
    assert {name for _, name, _ in figures} >= {"quiz_submitted", "quiz_region", "quiz_wrong"}
    for href, _name, value in figures:
        listing = client.get(href.replace("&amp;", "&")).content.decode()
        assert listing.count('data-record="attempt"') == int(value)
    client.force_login(staff_b)
    assert client.get(reverse("staff:training_quiz", args=[bank.quiz.pk])).status_code == 404
    assert 'data-record="attempt"' not in client.get(reverse("staff:training_attempts")).content.decode()
