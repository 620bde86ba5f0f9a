import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison_stations.models import DeadlineRule, Opinion, StandardCheck, StandardItem, Station, Supervision
from liaison_stations.tests.factories import (
    DutyDayFactory,
    DutyShiftFactory,
    OpinionFactory,
    StationFactory,
    StationMemberFactory,
)
from representatives.audit import record_transition
from representatives.models import CalendarDay, CalendarYear, StateLog
from representatives.tests.factories import (
    ClerkFactory,
    DeputyFactory,
    HandlingUnitFactory,
    LeaderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "liaison_stations_station",
    "liaison_stations_dutyday",
    "liaison_stations_opinion",
    "liaison_stations_supervision",
    "liaison_stations_deadlinerule",
    "representatives_calendarday",
    "representatives_calendaryear",
]
PHONE = "13900001111"
MASKED = "139****1111"


def changelist(name):
    return reverse(f"admin:{name}_changelist")


def change(name, pk):
    return reverse(f"admin:{name}_change", args=[pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


def _opinion(station, staff, **fields):
    """An opinion assigned to a unit, with a supervision step and a timeline entry."""
    opinion = OpinionFactory(
        station=station,
        voter_phone=PHONE,
        status=Opinion.Status.ASSIGNED,
        unit=HandlingUnitFactory(region=station.region),
        deadline=datetime.date(2030, 1, 31),
        **fields,
    )
    Supervision.objects.create(opinion=opinion, note="请加快办理", by=staff)
    record_transition(obj=opinion, from_state="proposed", to_state="assigned", by=staff)
    return opinion


@pytest.fixture
def two_counties(regions, staff_a, staff_b):
    """A station, a duty day and an opinion in each county."""
    station_a = StationFactory(region=regions.town_a, name="甲县联络站")
    station_b = StationFactory(region=regions.town_b, name="乙县联络站")
    return type(
        "TwoCounties",
        (),
        {
            "station_a": station_a,
            "station_b": station_b,
            "duty_day_a": DutyDayFactory(station=station_a, topic="甲县接待"),
            "duty_day_b": DutyDayFactory(station=station_b, topic="乙县接待"),
            "opinion_a": _opinion(station_a, staff_a, title="甲县意见"),
            "opinion_b": _opinion(station_b, staff_b, title="乙县意见"),
        },
    )


# --- who may enter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHANGELISTS)
def test_office_staff_can_open_every_admin_list(staff_client, two_counties, name):
    assert staff_client.get(changelist(name)).status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_a_superuser_can_open_every_admin_list(client, two_counties, name):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(changelist(name)).status_code == 200


@pytest.mark.parametrize("make_user", ["deputy", "clerk", "leader"])
@pytest.mark.parametrize("name", CHANGELISTS)
def test_deputies_clerks_and_leaders_are_kept_out(client, regions, deputy_user_a, make_user, name):
    user = {
        "deputy": lambda: deputy_user_a,
        "clerk": lambda: ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a)),
        "leader": lambda: LeaderFactory(region=regions.city),
    }[make_user]()
    client.force_login(user)

    response = client.get(changelist(name))

    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")


# --- region scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "visible", "hidden"),
    [
        ("liaison_stations_station", "甲县联络站", "乙县联络站"),
        ("liaison_stations_dutyday", "甲县接待", "乙县接待"),
        ("liaison_stations_opinion", "甲县意见", "乙县意见"),
        ("liaison_stations_supervision", "甲县意见", "乙县意见"),
    ],
)
def test_each_list_is_cut_to_the_staff_members_region(staff_client, two_counties, name, visible, hidden):
    content = staff_client.get(changelist(name)).content.decode()

    assert visible in content
    assert hidden not in content


def test_city_staff_see_both_counties(client, city_staff, two_counties):
    client.force_login(city_staff)

    response = client.get(changelist("liaison_stations_station"))

    assert set(response.context["cl"].result_list) == {two_counties.station_a, two_counties.station_b}


@pytest.mark.parametrize(
    ("name", "attribute"),
    [
        ("liaison_stations_station", "station_b"),
        ("liaison_stations_dutyday", "duty_day_b"),
        ("liaison_stations_opinion", "opinion_b"),
    ],
)
def test_staff_of_county_a_cannot_open_county_b_rows(staff_client, two_counties, name, attribute):
    response = staff_client.get(change(name, getattr(two_counties, attribute).pk))

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "attribute"),
    [
        ("liaison_stations_station", "station_a"),
        ("liaison_stations_dutyday", "duty_day_a"),
        ("liaison_stations_opinion", "opinion_a"),
    ],
)
def test_staff_open_their_own_rows(staff_client, two_counties, name, attribute):
    assert staff_client.get(change(name, getattr(two_counties, attribute).pk)).status_code == 200


def test_the_state_log_shows_only_the_staff_members_opinions(staff_client, two_counties):
    result = staff_client.get(reverse("admin:representatives_statelog_changelist")).context["cl"].result_list

    opinion_logs = {log.object_id for log in result if log.content_type.model == "opinion"}
    assert opinion_logs == {two_counties.opinion_a.pk}


# --- stations -----------------------------------------------------------------------------------------


def _station_form(region, **fields):
    data = {
        "region": region.pk,
        "name": "新联络站",
        "kind": Station.Kind.STATION,
        "address": "某路一号",
        "star_rating": "0",
        "is_active": "on",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "checks-TOTAL_FORMS": "0",
        "checks-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_region_choices_on_a_new_station_are_the_staff_members_subtree(staff_client, regions):
    response = staff_client.get(reverse("admin:liaison_stations_station_add"))

    assert set(response.context["adminform"].form.fields["region"].queryset) == {regions.county_a, regions.town_a}


def test_staff_cannot_create_a_station_in_another_county(staff_client, regions):
    response = staff_client.post(reverse("admin:liaison_stations_station_add"), _station_form(regions.town_b))

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Station.objects.exists()


def test_staff_add_a_station_with_members_and_a_check_signed_by_themselves(staff_client, staff_a, regions):
    deputy = DeputyFactory(region=regions.town_a)
    data = _station_form(
        regions.town_a,
        **{
            "members-TOTAL_FORMS": "1",
            "members-0-deputy": deputy.pk,
            "members-0-assigned_on": "2025-01-02",
            "checks-TOTAL_FORMS": "1",
            "checks-0-item": StandardItem.SITE,
            "checks-0-passed": "on",
            "checks-0-checked_on": "2025-01-03",
        },
    )

    response = staff_client.post(reverse("admin:liaison_stations_station_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    station = Station.objects.get(name="新联络站")
    assert list(station.deputies.all()) == [deputy]
    assert StandardCheck.objects.get(station=station).checked_by == staff_a


def test_a_deputy_of_another_county_cannot_be_added_as_a_member(staff_client, regions):
    outsider = DeputyFactory(region=regions.town_b)
    data = _station_form(regions.town_a, **{"members-TOTAL_FORMS": "1", "members-0-deputy": outsider.pk})

    response = staff_client.post(reverse("admin:liaison_stations_station_add"), data)

    assert response.status_code == 200
    assert not Station.objects.exists()


def test_the_member_autocomplete_offers_only_the_staff_members_deputies(staff_client, regions):
    DeputyFactory(region=regions.town_a, name="甲县代表")
    DeputyFactory(region=regions.town_b, name="乙县代表")

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "liaison_stations", "model_name": "stationmember", "field_name": "deputy", "term": "代表"},
    )

    assert [item["text"] for item in response.json()["results"]] == ["甲县代表"]


def test_the_station_list_filters_by_kind_star_rating_and_use(staff_client, regions):
    StationFactory(region=regions.town_a, name="三星站", star_rating=3)
    StationFactory(region=regions.town_a, name="代表之家", kind=Station.Kind.HOME, is_active=False)

    by_star = staff_client.get(changelist("liaison_stations_station"), {"star_rating": "3"})
    by_kind = staff_client.get(changelist("liaison_stations_station"), {"kind__exact": "home"})
    found = staff_client.get(changelist("liaison_stations_station"), {"q": "三星"})

    assert [s.name for s in by_star.context["cl"].result_list] == ["三星站"]
    assert [s.name for s in by_kind.context["cl"].result_list] == ["代表之家"]
    assert [s.name for s in found.context["cl"].result_list] == ["三星站"]


# --- opinions -----------------------------------------------------------------------------------------


def test_the_opinion_list_never_shows_a_full_phone(staff_client, two_counties):
    response = staff_client.get(changelist("liaison_stations_opinion"))

    content = response.content.decode()
    assert PHONE not in content
    assert MASKED in content


def test_searching_the_opinion_list_by_phone_finds_nothing(staff_client, two_counties):
    response = staff_client.get(changelist("liaison_stations_opinion"), {"q": PHONE})

    assert list(response.context["cl"].result_list) == []


def test_the_opinion_page_shows_the_full_phone_to_staff(staff_client, two_counties):
    response = staff_client.get(change("liaison_stations_opinion", two_counties.opinion_a.pk))

    assert response.status_code == 200
    assert PHONE in response.content.decode()


def test_the_opinion_workflow_fields_cannot_be_changed_in_the_admin(staff_client, two_counties, regions):
    opinion = two_counties.opinion_a
    form = staff_client.get(change("liaison_stations_opinion", opinion.pk)).context["adminform"].form
    for name in ("status", "merged_into", "unit", "deadline", "received_at", "closed_at", "published_at"):
        assert name not in form.fields

    response = staff_client.post(
        change("liaison_stations_opinion", opinion.pk),
        {
            "region": regions.town_a.pk,
            "station": opinion.station_id,
            "source": opinion.source,
            "voter_name": "王五",
            "voter_phone": PHONE,
            "title": "改过的标题",
            "content": opinion.content,
            "status": Opinion.Status.CLOSED,
            "closed_at_0": "2025-01-01",
            "closed_at_1": "10:00",
            "supervisions-TOTAL_FORMS": "1",
            "supervisions-INITIAL_FORMS": "1",
            "supervisions-0-id": opinion.supervisions.get().pk,
            "supervisions-0-opinion": opinion.pk,
        },
    )

    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.title == "改过的标题"
    assert (opinion.status, opinion.closed_at) == (Opinion.Status.ASSIGNED, None)


def test_opinions_and_duty_days_are_not_created_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:liaison_stations_opinion_add")).status_code == 403
    assert staff_client.get(reverse("admin:liaison_stations_dutyday_add")).status_code == 403


def test_supervision_steps_are_read_only(staff_client, two_counties):
    supervision = two_counties.opinion_a.supervisions.get()

    assert staff_client.get(reverse("admin:liaison_stations_supervision_add")).status_code == 403
    staff_client.post(change("liaison_stations_supervision", supervision.pk), {"note": "改过"})
    supervision.refresh_from_db()
    assert supervision.note == "请加快办理"


def test_a_duty_days_status_is_read_only_but_its_roster_can_be_corrected(staff_client, regions):
    duty_day = DutyDayFactory(station=StationFactory(region=regions.town_a))
    shift = DutyShiftFactory(duty_day=duty_day, deputy=DeputyFactory(region=regions.town_a))

    response = staff_client.post(
        change("liaison_stations_dutyday", duty_day.pk),
        {
            "station": duty_day.station_id,
            "date": duty_day.date.isoformat(),
            "topic": "改过的主题",
            "status": "cancelled",
            "voters_received": "0",
            "shifts-TOTAL_FORMS": "1",
            "shifts-INITIAL_FORMS": "1",
            "shifts-0-id": shift.pk,
            "shifts-0-duty_day": duty_day.pk,
            "shifts-0-deputy": shift.deputy_id,
            "shifts-0-attended": "true",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    duty_day.refresh_from_db()
    shift.refresh_from_db()
    assert (duty_day.topic, duty_day.status, shift.attended) == ("改过的主题", "planned", True)


# --- office-wide settings -----------------------------------------------------------------------------


def test_staff_of_any_county_may_set_the_working_day_deadlines(client, staff_b):
    client.force_login(staff_b)

    response = client.post(
        reverse("admin:liaison_stations_deadlinerule_add"), {"proposal": "refer_unit", "working_days": "10"}
    )

    assert response.status_code == 302
    assert DeadlineRule.objects.get(proposal="refer_unit").working_days == 10


def test_leaders_cannot_set_the_deadlines(client, regions):
    client.force_login(LeaderFactory(region=regions.city))

    response = client.post(
        reverse("admin:liaison_stations_deadlinerule_add"), {"proposal": "refer_unit", "working_days": "1"}
    )

    assert response.status_code in (302, 403)
    assert not DeadlineRule.objects.exists()


FUTURE_YEAR = 2077


def _provisional_opinion(regions):
    assigned = timezone.make_aware(datetime.datetime(FUTURE_YEAR, 9, 28, 10))
    return OpinionFactory(
        station=StationFactory(region=regions.town_a),
        status=Opinion.Status.ASSIGNED,
        unit=HandlingUnitFactory(region=regions.county_a),
        assigned_at=assigned,
        deadline=datetime.date(FUTURE_YEAR, 10, 19),
        deadline_provisional=True,
    )


def test_adding_a_year_recomputes_the_provisional_deadlines_that_fall_in_it(staff_client, regions):
    opinion = _provisional_opinion(regions)
    # National Day week, entered by staff before they add the year.
    for day in range(1, 8):
        CalendarDay.objects.create(date=datetime.date(FUTURE_YEAR, 10, day), is_workday=False, name="国庆节")

    response = staff_client.post(
        reverse("admin:representatives_calendaryear_add"),
        {"year": FUTURE_YEAR, "source": "国务院办公厅通知"},
        follow=True,
    )

    opinion.refresh_from_db()
    assert CalendarYear.objects.filter(year=FUTURE_YEAR).exists()
    assert opinion.deadline_provisional is False
    # 15 working days from Tuesday 28 September, the National Day week not counted.
    assert opinion.deadline == datetime.date(FUTURE_YEAR, 10, 26)
    assert "已重新计算 1 个办理期限。" in messages_of(response)


def test_a_year_added_without_any_holidays_is_flagged(staff_client):
    response = staff_client.post(
        reverse("admin:representatives_calendaryear_add"), {"year": FUTURE_YEAR, "source": "x"}, follow=True
    )

    assert f"{FUTURE_YEAR} 年还没有录入任何放假日或调休上班日，期限只按周末计算。" in messages_of(response)


def test_the_recompute_action_redoes_a_years_provisional_deadlines(staff_client, regions):
    opinion = _provisional_opinion(regions)
    year = CalendarYear.objects.create(year=FUTURE_YEAR, source="x")

    response = staff_client.post(
        changelist("representatives_calendaryear"),
        {"action": "recompute_deadlines", "_selected_action": [year.pk]},
        follow=True,
    )

    opinion.refresh_from_db()
    assert opinion.deadline_provisional is False
    assert "已重新计算 1 个办理期限。" in messages_of(response)


def test_staff_enter_holidays_but_only_superusers_remove_a_year(staff_client):
    response = staff_client.post(
        reverse("admin:representatives_calendarday_add"),
        {"date": f"{FUTURE_YEAR}-10-01", "name": "国庆节"},
    )
    year = CalendarYear.objects.create(year=FUTURE_YEAR)

    assert response.status_code == 302
    assert CalendarDay.objects.get(date=datetime.date(FUTURE_YEAR, 10, 1)).is_workday is False
    assert staff_client.get(reverse("admin:representatives_calendaryear_delete", args=[year.pk])).status_code == 403


# --- constant query counts ----------------------------------------------------------------------------


def _fill(count, regions, staff):
    """``count`` stations, each with a member, a duty day with a shift and an opinion under supervision."""
    for _ in range(count):
        station = StationFactory(region=regions.town_a)
        deputy = DeputyFactory(region=regions.town_a)
        StationMemberFactory(station=station, deputy=deputy)
        DutyShiftFactory(duty_day=DutyDayFactory(station=station), deputy=deputy)
        _opinion(station, staff)


@pytest.mark.parametrize(
    "name",
    [
        "liaison_stations_station",
        "liaison_stations_dutyday",
        "liaison_stations_opinion",
        "liaison_stations_supervision",
        "representatives_statelog",
    ],
)
def test_a_list_page_takes_as_many_queries_for_fifty_rows_as_for_five(
    staff_client, staff_a, regions, name, django_assert_max_num_queries
):
    url = changelist(name)
    _fill(5, regions, staff_a)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as five:
        assert staff_client.get(url).status_code == 200

    _fill(45, regions, staff_a)
    with django_assert_max_num_queries(len(five)):
        response = staff_client.get(url)

    assert response.context["cl"].result_count >= 50


def test_the_statelog_counts_opinion_timelines(staff_client, staff_a, regions):
    _fill(2, regions, staff_a)

    response = staff_client.get(changelist("representatives_statelog"))

    assert StateLog.objects.count() == 2
    assert response.context["cl"].result_count == 2
