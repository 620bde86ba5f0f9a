import datetime
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

import pytest
from django.core.cache import cache
from django.urls import reverse

from evaluations.deputy_file import deputy_file
from representatives.models import Deputy, Level, Membership
from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    LeaderFactory,
    MembershipFactory,
)

from .. import selectors, services
from ..models import Attendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions, staff_a):
    """County A's current congress with four serving deputies and one who resigned."""
    congress = CongressFactory(
        region=regions.county_a,
        level=Level.COUNTY,
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2099, 12, 31),
    )
    deputies = [DeputyFactory(region=regions.town_a, name=f"学员{i}") for i in range(4)]
    for deputy in deputies:
        MembershipFactory(deputy=deputy, congress=congress)
    resigned = cast(Deputy, DeputyFactory(region=regions.town_a, name="已辞职学员"))
    MembershipFactory(deputy=resigned, congress=congress, status=Membership.Status.RESIGNED, status_date="2025-06-01")
    return SimpleNamespace(congress=congress, deputies=deputies, resigned=resigned, staff=staff_a)


def make_course(county, *, induction=True, title="初任培训"):
    return services.course_create(
        congress=county.congress,
        by=county.staff,
        title=title,
        organiser="代表工委",
        level=Level.COUNTY,
        is_induction=induction,
    )


def make_session(county, course, date=datetime.date(2025, 3, 1)):
    return services.session_create(course=course, by=county.staff, date=date, place="会议室", hours=Decimal("3.5"))


def test_session_invites_the_serving_deputies(county):
    session = make_session(county, make_course(county))
    invited = set(session.attendances.values_list("deputy_id", flat=True))
    assert invited == {d.pk for d in county.deputies}


def test_attendance_marks_the_roster_and_refuses_strangers(county, regions):
    session = make_session(county, make_course(county))
    services.attendance_record(session=session, by=county.staff, attended_ids={county.deputies[0].pk})
    assert set(Attendance.objects.filter(attended=True).values_list("deputy_id", flat=True)) == {county.deputies[0].pk}
    stranger = cast(Deputy, DeputyFactory(region=regions.town_a))
    with pytest.raises(services.TransitionError):
        services.attendance_record(session=session, by=county.staff, attended_ids={stranger.pk})
    # Nothing written by the refusal: the earlier marks stand.
    assert Attendance.objects.filter(attended=True).count() == 1


def test_a_deputy_who_left_may_be_invited(county):
    session = make_session(county, make_course(county))
    assert services.invite(session=session, by=county.staff, deputy_ids=[county.resigned.pk]) == 1
    services.attendance_record(session=session, by=county.staff, attended_ids={county.resigned.pk})
    assert selectors.file_attendance(county.resigned.pk, 2025)[0].session == session


def test_staff_of_another_region_may_not_write(county, staff_b):
    course = make_course(county)
    with pytest.raises(services.TransitionError):
        services.session_create(course=course, by=staff_b, date=datetime.date(2025, 3, 1), place="x", hours=Decimal(1))
    with pytest.raises(services.TransitionError):
        make_course(SimpleNamespace(congress=county.congress, staff=staff_b))


def test_induction_coverage_counts_attendance_of_an_induction_course_only(county, staff_a):
    induction = make_session(county, make_course(county))
    other = make_session(county, make_course(county, induction=False, title="专题培训"))
    services.attendance_record(session=induction, by=staff_a, attended_ids={county.deputies[0].pk})
    services.attendance_record(session=other, by=staff_a, attended_ids={county.deputies[1].pk, county.deputies[2].pk})
    missing = selectors.induction_missing(user=staff_a)
    assert {seat.deputy_id for seat in missing} == {d.pk for d in county.deputies[1:]}
    coverage = selectors.induction_coverage(user=staff_a)
    assert (coverage.seats, coverage.covered, coverage.missing) == (4, 1, 3)
    assert coverage.percent == 25.0


def test_induction_coverage_is_counted_once_a_minute_when_slow(county, staff_a, settings):
    # Every seat of a province asked whether it attended takes 1.3 s, on every dashboard and year report.
    settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0
    assert selectors.induction_coverage(user=staff_a).missing == 4
    services.attendance_record(
        session=make_session(county, make_course(county)), by=staff_a, attended_ids={county.deputies[0].pk}
    )
    assert selectors.induction_coverage(user=staff_a).missing == 4  # the minute's count
    cache.clear()  # the minute is over
    assert selectors.induction_coverage(user=staff_a).missing == 3


def test_an_empty_scope_has_no_seats_to_cover(staff_b):
    coverage = selectors.induction_coverage(user=staff_b)
    assert (coverage.seats, coverage.missing) == (0, 0)


def test_induction_page_figure_equals_rows(client, county, staff_a, staff_b, django_assert_max_num_queries):
    session = make_session(county, make_course(county))
    services.attendance_record(session=session, by=staff_a, attended_ids={county.deputies[0].pk})
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:training_induction"))
    content = response.content.decode()
    figure = re.search(r'data-figure="induction_missing" data-value="(\d+)"', content)
    assert figure is not None
    assert int(figure.group(1)) == content.count('data-record="seat"') == 3
    # Another county's staff see none of these seats.
    client.force_login(staff_b)
    response = client.get(reverse("staff:training_induction"))
    assert 'data-value="0"' in response.content.decode()
    assert "学员1" not in response.content.decode()


def test_staff_record_attendance_through_the_page(client, county, staff_a):
    session = make_session(county, make_course(county))
    client.force_login(staff_a)
    url = reverse("staff:training_session", args=[session.pk])
    response = client.post(url, {"present": [county.deputies[1].pk, county.deputies[2].pk]})
    assert response.status_code == 302
    assert session.attendances.filter(attended=True).count() == 2
    # A deputy not on the roster: a clear message, nothing written.
    response = client.post(url, {"present": [county.resigned.pk]}, follow=True)
    assert "只能勾选本场次邀请名单中的代表" in response.content.decode()
    assert session.attendances.filter(attended=True).count() == 2


def test_a_leader_reads_but_may_not_record(client, county, regions):
    session = make_session(county, make_course(county))
    leader = LeaderFactory(region=regions.county_a, username="tr_leader")
    client.force_login(leader)
    url = reverse("staff:training_session", args=[session.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"present": [county.deputies[0].pk]}).status_code == 403
    assert not session.attendances.filter(attended=True).exists()


def test_staff_create_course_and_schedule_session(client, county, staff_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("staff:training_course_new"),
        {"congress": county.congress.pk, "title": "新课", "organiser": "工委", "level": Level.COUNTY},
    )
    assert response.status_code == 302
    course = county.congress.training_courses.get(title="新课")
    response = client.post(
        reverse("staff:training_course", args=[course.pk]),
        {"date": "2025-04-01", "place": "党校", "hours": "2", "invite_serving": "on"},
    )
    assert response.status_code == 302
    assert course.sessions.get().attendances.count() == 4
    # Bad hours: the form says so, nothing is written.
    response = client.post(
        reverse("staff:training_course", args=[course.pk]), {"date": "2025-04-02", "place": "党校", "hours": "0"}
    )
    assert response.status_code == 200
    assert course.sessions.count() == 1


def test_the_deputy_file_lists_attended_sessions_and_hours(client, county):
    session = make_session(county, make_course(county))
    make_session(county, make_course(county, title="未出席"), date=datetime.date(2025, 5, 1))
    services.attendance_record(session=session, by=county.staff, attended_ids={county.deputies[0].pk})
    file = deputy_file(county.deputies[0], 2025)
    assert [row.session for row in file.training_sessions] == [session]
    assert file.training_hours == Decimal("3.5")
    user = DeputyUserFactory(deputy=county.deputies[0], username="tr_deputy")
    client.force_login(user)
    response = client.get("/me/file/2025/")
    assert response.content.decode().count('data-record="training-session"') == 1


def test_year_figures_equal_the_rows_of_their_lists(client, county, staff_a):
    from urllib.parse import urlsplit

    from django.http import QueryDict
    from django.urls import resolve

    from ..figures import year_figures

    session = make_session(county, make_course(county))
    services.attendance_record(session=session, by=staff_a, attended_ids={county.deputies[0].pk})
    lists = {
        "training_sessions": selectors.session_list,
        "training_attendances": selectors.attendance_list,
        "training_induction": selectors.induction_list,
        "training_attempts": selectors.attempt_list,
    }
    figures = year_figures(user=staff_a, region=None, year=2025)
    assert [f.value for f in figures if f.kind == "count"] == [1, 1, 3, 0]
    for figure in figures:
        parts = urlsplit(figure.url)
        filterset = lists[str(resolve(parts.path).url_name)](user=staff_a, filters=QueryDict(parts.query))
        assert filterset.form.is_valid()
        if figure.kind == "count":
            assert filterset.qs.count() == figure.value, figure.label
    client.force_login(staff_a)
    page = client.get(reverse("staff:dashboard") + "?year=2025").content.decode()
    assert reverse("staff:training_sessions") in page


def test_the_attendance_list_downloads_as_xlsx(client, county, staff_a):
    session = make_session(county, make_course(county))
    services.attendance_record(session=session, by=staff_a, attended_ids={county.deputies[0].pk})
    client.force_login(staff_a)
    response = client.get(reverse("staff:training_attendances") + "?attended=true&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(reverse("staff:training_attempts") + "?export=xlsx")
    assert response.status_code == 200


def test_attended_sessions_count_for_the_training_metric_with_logged_training(county, staff_a):
    from evaluations import services as evaluation_services
    from evaluations.models import Score
    from representatives.tests.factories import ActivityRecordFactory

    deputy = county.deputies[0]
    for day in (datetime.date(2025, 3, 1), datetime.date(2025, 6, 1), datetime.date(2024, 6, 1)):
        session = make_session(county, make_course(county), date=day)
        services.attendance_record(session=session, by=staff_a, attended_ids={deputy.pk})
    absent = make_session(county, make_course(county), date=datetime.date(2025, 9, 1))
    services.attendance_record(session=absent, by=staff_a, attended_ids=set())
    ActivityRecordFactory(deputy=deputy, kind="training", status="confirmed", date=datetime.date(2025, 5, 1))
    rule_set = evaluation_services.rule_set_create_example(region=county.congress.region, year=2025)
    evaluation_services.score_year_now(rule_set=rule_set)
    # Two sessions attended in 2025 (not 2024's, not the one missed) and one training activity logged.
    assert Score.objects.get(rule_set=rule_set, deputy=deputy).n_training == 3
    assert Score.objects.get(rule_set=rule_set, deputy=county.deputies[1]).n_training == 0
