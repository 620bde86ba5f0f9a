"""The term report (任期履职报告): each year of the term side by side, and the staff list of terms ending."""

import datetime
from decimal import Decimal
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import term_report as reads
from evaluations.models import RuleSet, Score, Warning
from representatives.models import ActivityKind, ActivityRecord, Level, Membership
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    LeaderFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR = TODAY.year


@pytest.fixture
def congress(regions):
    return CongressFactory(
        region=regions.county_a,
        level=Level.COUNTY,
        start_date=datetime.date(THIS_YEAR - 2, 1, 1),
        end_date=TODAY + datetime.timedelta(days=60),
    )


@pytest.fixture
def seat(congress, deputy_a):
    return MembershipFactory(deputy=deputy_a, congress=congress)


def confirmed(deputy, day, kind=ActivityKind.RESEARCH):
    return ActivityRecordFactory(deputy=deputy, date=day, kind=kind, status=ActivityRecord.Status.CONFIRMED)


def row(report, key):
    return next(r for r in report.rows if r.key == key)


def test_each_year_of_the_term_stands_side_by_side_with_the_terms_total(seat, deputy_a):
    confirmed(deputy_a, datetime.date(THIS_YEAR - 2, 3, 1))
    confirmed(deputy_a, datetime.date(THIS_YEAR - 1, 5, 1), ActivityKind.INSPECTION)
    confirmed(deputy_a, datetime.date(THIS_YEAR - 1, 6, 1), ActivityKind.INSPECTION)
    # Not counted: a record still waiting for the office, and one from before the term.
    ActivityRecordFactory(deputy=deputy_a, date=datetime.date(THIS_YEAR - 1, 7, 1))
    confirmed(deputy_a, datetime.date(THIS_YEAR - 3, 7, 1))

    report = reads.term_report(deputy_a, seat)

    assert report.years == [THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR]
    activities = row(report, "activities")
    assert activities.values == [1, 2, 0]
    assert activities.total == 3
    assert row(report, "activity_inspection").values == [0, 2, 0]


def test_a_deputy_who_left_mid_term_is_reported_up_to_the_day_they_left(seat, deputy_a):
    left = datetime.date(THIS_YEAR - 1, 6, 30)
    Membership.objects.filter(pk=seat.pk).update(status=Membership.Status.RESIGNED, status_date=left)
    seat.refresh_from_db()
    confirmed(deputy_a, datetime.date(THIS_YEAR - 1, 3, 1))
    confirmed(deputy_a, datetime.date(THIS_YEAR - 1, 9, 1))

    report = reads.term_report(deputy_a, seat)

    assert report.years == [THIS_YEAR - 2, THIS_YEAR - 1]
    assert row(report, "activities").total == 1


def test_the_years_score_is_the_nearest_offices(seat, deputy_a, regions):
    year = THIS_YEAR - 1
    for region, total in ((regions.city, "70.0"), (regions.county_a, "85.5")):
        rule_set = RuleSet.objects.create(region=region, year=year, name=f"{region.name}{year}")
        Score.objects.create(
            rule_set=rule_set,
            rule_set_version=1,
            year=year,
            deputy=deputy_a,
            total=Decimal(total),
            warning=Warning.YELLOW if region == regions.county_a else "",
        )

    report = reads.term_report(deputy_a, seat)

    assert row(report, "score").values == ["", Decimal("85.5"), ""]
    assert row(report, "score").total == ""
    assert row(report, "warning").values == ["", "黄色预警", ""]


def test_the_deputy_reads_their_own_report_and_may_download_it(client, seat, deputy_user_a):
    client.force_login(deputy_user_a)
    page = client.get(reverse("me:term_report"))
    assert page.status_code == 200
    assert "任期履职报告" in page.content.decode()
    sheet = client.get(reverse("me:term_report"), {"export": "xlsx"})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_deputy_with_no_seat_is_told_so(client, regions):
    user = DeputyUserFactory(deputy=DeputyFactory(region=regions.town_a))
    client.force_login(user)
    page = client.get(reverse("me:term_report"))
    assert page.status_code == 200
    assert "没有任职记录" in page.content.decode()


def test_the_page_reads_the_same_number_of_queries_however_long_the_record(
    client, seat, deputy_user_a, deputy_a, django_assert_max_num_queries
):
    client.force_login(deputy_user_a)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("me:term_report"))
    for month in range(1, 13):
        for year in (THIS_YEAR - 2, THIS_YEAR - 1):
            confirmed(deputy_a, datetime.date(year, month, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("me:term_report"))


def test_staff_list_terms_ending_within_the_horizon_with_the_reports_figures(client, staff_a, seat, deputy_a, regions):
    confirmed(deputy_a, datetime.date(THIS_YEAR - 1, 3, 1))
    later = CongressFactory(
        region=regions.county_a,
        level=Level.TOWNSHIP,
        start_date=datetime.date(THIS_YEAR - 1, 1, 1),
        end_date=datetime.date(THIS_YEAR + 3, 12, 31),
    )
    far = cast(Membership, MembershipFactory(congress=later, deputy=DeputyFactory(region=regions.town_a)))
    elsewhere = cast(
        Membership,
        MembershipFactory(
            congress=CongressFactory(region=regions.county_b, end_date=TODAY + datetime.timedelta(days=30)),
            deputy=DeputyFactory(region=regions.county_b),
        ),
    )
    client.force_login(staff_a)

    soon = client.get(reverse("staff:terms_ending"), {"within": "90"})
    listed = list(soon.context["page"].object_list)
    assert [s.pk for s in listed] == [seat.pk]
    report = reads.term_report(deputy_a, seat)
    assert listed[0].n_activities == row(report, "activities").total == 1

    every = [s.pk for s in client.get(reverse("staff:terms_ending")).context["page"]]
    assert set(every) == {seat.pk, far.pk}
    assert elsewhere.pk not in every


def test_staff_of_another_county_cannot_open_the_report(client, staff_b, seat, deputy_a):
    client.force_login(staff_b)
    assert client.get(reverse("staff:deputy_term", kwargs={"pk": deputy_a.pk})).status_code == 404


def test_a_leader_reads_the_report_of_a_deputy_in_their_region(client, regions, seat, deputy_a):
    client.force_login(LeaderFactory(region=regions.county_a))
    response = client.get(
        reverse("staff:deputy_term_congress", kwargs={"pk": deputy_a.pk, "congress": seat.congress_id})
    )
    assert response.status_code == 200
    assert response.context["report"].seat == seat


def test_the_list_of_ending_terms_runs_a_fixed_number_of_queries(
    client, staff_a, congress, regions, django_assert_max_num_queries
):
    MembershipFactory(congress=congress, deputy=DeputyFactory(region=regions.town_a))
    client.force_login(staff_a)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("staff:terms_ending"))
    for _ in range(6):
        deputy = DeputyFactory(region=regions.town_a)
        MembershipFactory(congress=congress, deputy=deputy)
        confirmed(deputy, datetime.date(THIS_YEAR - 1, 3, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("staff:terms_ending"))
    assert len(page.context["page"].object_list) == 7


def test_training_sessions_attended_count_in_their_year(seat, deputy_a):
    from training.models import Attendance, Course, TrainingSession

    course = Course.objects.create(
        congress=seat.congress, title="履职能力培训", organiser="县人大常委会", level=Level.COUNTY
    )
    for day in (datetime.date(THIS_YEAR - 1, 4, 1), datetime.date(THIS_YEAR - 1, 9, 1)):
        session = TrainingSession.objects.create(course=course, date=day, place="县人大", hours=2)
        Attendance.objects.create(session=session, deputy=deputy_a, attended=True)

    report = reads.term_report(deputy_a, seat)

    assert row(report, "trainings").values == [0, 2, 0]
