import pytest
from django.core.management import call_command
from django.urls import reverse

from representatives.demo import DEMO_PASSWORD
from representatives.models import Membership

from ..models import Attendance, Course, Question, QuizAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(db):
    # Only the builders this app's data stands on and its own (the crawl builds the whole demo).
    from representatives import demo

    ours = ("representatives.demo", "training.demo")
    with demo.builders.narrowed(lambda name, step: step.build.__module__ in ours):
        call_command("seed_demo", deputies=400, verbosity=0)


def test_the_demo_holds_courses_attendance_and_missing_induction(small_demo, client):
    assert Course.objects.filter(is_induction=True).exists()
    assert Attendance.objects.filter(attended=True).exists() and Attendance.objects.filter(attended=False).exists()
    # Deputies who left mid-year were on the rosters of the sessions held while they sat.
    assert Attendance.objects.filter(deputy__memberships__status=Membership.Status.RESIGNED).exists()
    assert client.login(username="staff", password=DEMO_PASSWORD)
    page = client.get(reverse("staff:training_induction")).content.decode()
    assert 'data-record="seat"' in page


def test_the_demo_holds_a_question_bank_and_a_quiz_for_the_demo_deputy(small_demo, client):
    assert Question.objects.count() >= 30
    assert QuizAttempt.objects.filter(status=QuizAttempt.Status.SUBMITTED).exists()
    assert QuizAttempt.objects.filter(status=QuizAttempt.Status.EXPIRED).exists()
    assert client.login(username="deputy", password=DEMO_PASSWORD)
    page = client.get(reverse("me:training")).content.decode()
    assert 'data-record="quiz"' in page
