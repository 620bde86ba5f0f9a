from collections import Counter

import pytest
from django.utils import timezone

from evaluations import services
from evaluations.demo import chinese_number
from evaluations.models import Attendance, CongressSession, Grade, RuleSet, Score
from representatives import demo
from representatives.models import Congress, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return demo.seed(deputies=120)


def test_every_congress_held_its_session_and_seated_deputies_attended(seeded):
    year = timezone.localdate().year
    sessions = CongressSession.objects.filter(start_date__year=year)
    # Sessions are early in the year, so by now every congress has held this year's.
    current = Congress.objects.filter(end_date__gte=timezone.localdate())
    assert set(sessions.values_list("congress", flat=True)) == set(current.values_list("pk", flat=True))
    for session in sessions.select_related("congress"):
        assert session.start_date <= session.end_date <= timezone.localdate()
        seated = set(
            Membership.objects.filter(congress=session.congress, status=Membership.Status.SERVING).values_list(
                "deputy", flat=True
            )
        )
        attended = set(Attendance.objects.filter(session=session).values_list("deputy", flat=True))
        assert seated <= attended
        assert attended <= set(Membership.objects.filter(congress=session.congress).values_list("deputy", flat=True))
    statuses = Counter(Attendance.objects.values_list("status", flat=True))
    assert statuses[Attendance.Status.PRESENT] > 0.8 * sum(statuses.values())
    assert not Attendance.objects.exclude(status=Attendance.Status.PRESENT).filter(speeches__gt=0).exists()
    demo_deputy = seeded.demo_deputy_id
    assert set(Attendance.objects.filter(deputy=demo_deputy).values_list("status", flat=True)) == {"present"}


def test_the_demo_can_be_scored_and_most_deputies_pass(seeded):
    year = timezone.localdate().year
    assert set(RuleSet.objects.values_list("year", flat=True)) == {year - 1, year}
    run = services.score_year_now(rule_set=RuleSet.objects.get(year=year))
    assert run.deputies_scored > 100
    grades = Counter(Score.objects.filter(year=year).values_list("grade", flat=True))
    # Without attendance nearly everyone was 不称职; with it the bulk of the deputies pass.
    assert grades[Grade.INCOMPETENT] < 0.5 * run.deputies_scored
    assert grades[Grade.COMPETENT] + grades[Grade.EXCELLENT] > 0
    assert Score.objects.filter(year=year, n_attendance__gt=0).count() > 0.8 * run.deputies_scored


def test_session_names_use_chinese_numerals():
    numbers = (1, 5, 10, 14, 16, 20, 21)
    assert [chinese_number(n) for n in numbers] == ["一", "五", "十", "十四", "十六", "二十", "二十一"]
