"""A deputy takes a timed quiz on a phone and is scored at once; answers sent after the deadline are refused."""

import datetime
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from representatives.models import Congress, Level
from representatives.tests.factories import CongressFactory, DeputyFactory, DeputyUserFactory, MembershipFactory
from training import services
from training.models import Question, QuizAttempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz(regions, staff_a):
    congress = cast(
        Congress,
        CongressFactory(region=regions.county_a, level=Level.COUNTY, end_date=datetime.date(2099, 1, 1)),
    )
    MembershipFactory(deputy=DeputyFactory(region=regions.town_a, name="何晓梅"), congress=congress)
    bank = [
        ("代表任期为五年。", Question.Kind.TRUE_FALSE, [], [0]),
        ("代表建议应当在几个月内答复？", Question.Kind.SINGLE, ["一个月", "三个月", "一年"], [1]),
        ("代表闭会期间的活动有：", Question.Kind.MULTIPLE, ["视察", "调研", "审判"], [0, 1]),
    ]
    for text, kind, options, answer in bank:
        services.question_save(
            question=None,
            by=staff_a,
            region=regions.county_a,
            topic="代表法",
            kind=kind,
            text=text,
            options=options,
            answer=answer,
            explanation="见代表法。",
        )
    return services.quiz_create(
        congress=congress,
        by=staff_a,
        title="应知应会测试",
        topics=["代表法"],
        question_count=3,
        minutes=10,
        attempts_allowed=2,
    )


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_deputy_takes_a_timed_quiz_on_a_phone(phone_page, quiz):
    deputy = quiz.congress.memberships.get().deputy
    user = DeputyUserFactory(deputy=deputy, username="hexiaomei")
    page = phone_page
    log_in(page, user, next_url=reverse("me:training"))
    expect(page.get_by_text("应知应会测试")).to_be_visible()
    page.get_by_role("button", name="开始答题").tap()
    expect(page.locator("fieldset[data-question]")).to_have_count(3)
    fits_the_phone(page)
    attempt = QuizAttempt.objects.get()
    for row in attempt.answers.select_related("question"):
        for index in row.question.answer:
            page.locator(f"#q{row.question_id}-{index}").tap()
    screenshot(page, "training-quiz-phone")
    page.get_by_role("button", name="交卷").tap()
    expect(page.locator("#score")).to_contain_text("100")
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED and attempt.score == 100
    fits_the_phone(page)

    # The second attempt: the server's deadline passes while the page is open; the answers are refused.
    page.goto(page.url.split("/me/")[0] + reverse("me:training"))
    page.get_by_role("button", name="开始答题").tap()
    expect(page.locator("fieldset[data-question]")).to_have_count(3)
    second = QuizAttempt.objects.get(number=2)
    QuizAttempt.objects.filter(pk=second.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    page.locator("fieldset[data-question] input").first.tap()
    page.get_by_role("button", name="交卷").tap()
    expect(page.locator("main")).to_contain_text("答题时间已到")
    second.refresh_from_db()
    assert second.status == QuizAttempt.Status.EXPIRED and second.correct == 0
