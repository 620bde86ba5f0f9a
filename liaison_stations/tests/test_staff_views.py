import datetime
import io
from typing import cast

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from liaison_stations.models import (
    DutyDay,
    DutyShift,
    Opinion,
    Proposal,
    StandardCheck,
    StandardItem,
    Station,
    StationMember,
    Supervision,
)
from liaison_stations.tests.factories import (
    DutyDayFactory,
    DutyShiftFactory,
    OpinionFactory,
    StationFactory,
    StationMemberFactory,
)
from representatives.models import Deputy, Membership, StateLog
from representatives.tests.factories import (
    ClerkFactory,
    DeputyFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
    StaffFactory,
)

S = Opinion.Status
TODAY = datetime.date.today()


def login(client, user):
    client.force_login(user)
    return client


def workbook_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def leader_a(regions):
    return LeaderFactory(region=regions.county_a, username="leader_a")


@pytest.fixture
def station_a(regions, deputy_a):
    station = StationFactory(region=regions.town_a, name="白沙代表联络站")
    StationMemberFactory(station=station, deputy=deputy_a)
    return station


@pytest.fixture
def station_b(regions):
    return StationFactory(region=regions.town_b, name="台城代表联络站")


@pytest.fixture
def unit_a(regions):
    return HandlingUnitFactory(region=regions.county_a, name="蓬江区住建局")


@pytest.fixture
def opinion_a(station_a, deputy_a):
    return OpinionFactory(station=station_a, deputy=deputy_a, title="白沙路灯不亮", voter_phone="13900001111")


@pytest.fixture
def opinion_b(station_b):
    return OpinionFactory(station=station_b, title="台城积水", voter_phone="13700002222")


@pytest.fixture
def duty_day_a(station_a, deputy_a):
    duty_day = DutyDayFactory(station=station_a, date=TODAY, topic="城市更新")
    DutyShiftFactory(duty_day=duty_day, deputy=deputy_a)
    return duty_day


@pytest.fixture
def duty_day_b(station_b):
    duty_day = DutyDayFactory(station=station_b, date=TODAY)
    DutyShiftFactory(duty_day=duty_day, deputy=DeputyFactory(region=station_b.region))
    return duty_day


def in_state(opinion, status, **fields):
    """Put an opinion straight into a state, with the fields that state requires."""
    Opinion.objects.filter(pk=opinion.pk).update(status=status, **fields)
    opinion.refresh_from_db()
    return opinion


# Who may open the pages --------------------------------------------------------------------------------------------


READ_PAGES = ["staff:stations", "staff:duty_days", "staff:opinions", "staff:station_statistics"]


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("name", READ_PAGES + ["staff:station_new", "staff:duty_day_new"])
    def test_anonymous_visitors_are_sent_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("name", READ_PAGES)
    def test_deputies_and_unit_clerks_are_refused(self, client, deputy_user_a, name):
        assert login(client, deputy_user_a).get(reverse(name)).status_code == 403
        assert login(client, ClerkFactory()).get(reverse(name)).status_code == 403

    def test_deputies_cannot_open_a_detail_page_or_post(self, client, deputy_user_a, station_a, opinion_a, duty_day_a):
        login(client, deputy_user_a)
        assert client.get(reverse("staff:station", args=[station_a.pk])).status_code == 403
        assert client.get(reverse("staff:duty_day", args=[duty_day_a.pk])).status_code == 403
        assert client.get(reverse("staff:opinion", args=[opinion_a.pk])).status_code == 403
        assert client.post(reverse("staff:opinion_action", args=[opinion_a.pk, "sort"])).status_code == 403

    @pytest.mark.parametrize("name", READ_PAGES)
    def test_leaders_read_every_list(self, client, leader_a, station_a, opinion_a, duty_day_a, name):
        assert login(client, leader_a).get(reverse(name)).status_code == 200

    def test_leaders_read_the_detail_pages_without_action_forms(
        self, client, leader_a, station_a, opinion_a, duty_day_a
    ):
        login(client, leader_a)
        station_page = client.get(reverse("staff:station", args=[station_a.pk]))
        opinion_page = client.get(reverse("staff:opinion", args=[opinion_a.pk]))
        duty_page = client.get(reverse("staff:duty_day", args=[duty_day_a.pk]))
        assert station_page.status_code == opinion_page.status_code == duty_page.status_code == 200
        assert station_page.context["assign_form"] is None
        assert opinion_page.context["forms"] == {}
        assert duty_page.context["record_form"] is None and duty_page.context["cancel_form"] is None

    def test_leaders_cannot_act(self, client, leader_a, station_a, opinion_a, duty_day_a, deputy_a):
        login(client, leader_a)
        posts = [
            (reverse("staff:station_new"), {}),
            (reverse("staff:station_edit", args=[station_a.pk]), {}),
            (reverse("staff:station_checks", args=[station_a.pk]), {}),
            (reverse("staff:station_assign", args=[station_a.pk]), {"codes": deputy_a.code}),
            (reverse("staff:station_remove_deputy", args=[station_a.pk, deputy_a.pk]), {}),
            (reverse("staff:duty_day_new"), {"station": station_a.pk}),
            (reverse("staff:duty_day_record", args=[duty_day_a.pk]), {"voters_received": 3}),
            (reverse("staff:duty_day_cancel", args=[duty_day_a.pk]), {"reason": "台风"}),
            (reverse("staff:duty_day_opinion_new", args=[duty_day_a.pk]), {}),
            (reverse("staff:opinion_action", args=[opinion_a.pk, "sort"]), {"sort-category": "urban"}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
        opinion_a.refresh_from_db()
        duty_day_a.refresh_from_db()
        assert opinion_a.status == S.RECEIVED and duty_day_a.status == DutyDay.Status.PLANNED
        assert StationMember.objects.filter(station=station_a).count() == 1

    def test_staff_of_another_county_find_nothing(self, client, staff_b, station_a, opinion_a, duty_day_a):
        login(client, staff_b)
        for url in (
            reverse("staff:station", args=[station_a.pk]),
            reverse("staff:station_edit", args=[station_a.pk]),
            reverse("staff:station_checks", args=[station_a.pk]),
            reverse("staff:duty_day", args=[duty_day_a.pk]),
            reverse("staff:duty_day_opinion_new", args=[duty_day_a.pk]),
            reverse("staff:opinion", args=[opinion_a.pk]),
        ):
            assert client.get(url).status_code == 404, url
        response = client.post(reverse("staff:opinion_action", args=[opinion_a.pk, "sort"]), {"sort-category": "urban"})
        assert response.status_code == 404
        assert client.post(reverse("staff:duty_day_cancel", args=[duty_day_a.pk]), {"reason": "x"}).status_code == 404

    def test_staff_of_another_county_do_not_see_its_rows_in_the_lists(
        self, client, staff_b, station_a, opinion_a, duty_day_a, station_b, opinion_b, duty_day_b
    ):
        login(client, staff_b)
        stations = client.get(reverse("staff:stations")).content.decode()
        opinions = client.get(reverse("staff:opinions")).content.decode()
        duty_days = client.get(reverse("staff:duty_days")).context["page"].object_list
        assert station_b.name in stations and station_a.name not in stations
        assert opinion_b.title in opinions and opinion_a.title not in opinions
        assert list(duty_days) == [duty_day_b]

    def test_city_staff_see_both_counties(self, client, city_staff, station_a, station_b):
        body = login(client, city_staff).get(reverse("staff:stations")).content.decode()
        assert station_a.name in body and station_b.name in body

    def test_the_staff_menu_links_to_the_station_pages(self, client, staff_a):
        body = login(client, staff_a).get(reverse("staff:home")).content.decode()
        for name in READ_PAGES:
            assert reverse(name) in body


# Stations ---------------------------------------------------------------------------------------------------------


def station_post(region, **overrides):
    data = {
        "region": region.pk,
        "name": "白沙第二联络站",
        "kind": Station.Kind.STATION,
        "address": "白沙街道二号",
        "opening_hours": "每周五上午",
        "responsible_person": "刘主任",
        "contact_phone": "0750-1234567",
        # A new station has no "七有" checks, which the office's star rule asks for before any star.
        "star_rating": 0,
        "is_active": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestStationPages:
    def test_the_list_shows_each_station_with_its_serving_member_count(self, client, staff_a, station_a, deputy_a):
        MembershipFactory(deputy=deputy_a)
        StationMemberFactory(station=station_a, deputy=DeputyFactory())  # no seat recorded: not serving
        former = MembershipFactory(status=Membership.Status.RESIGNED, status_date=datetime.date(2025, 2, 1)).deputy
        StationMemberFactory(station=station_a, deputy=former)
        response = login(client, staff_a).get(reverse("staff:stations"))
        [row] = response.context["page"].object_list
        assert row == station_a and row.member_count == 1
        # The station's page gives the same count.
        assert login(client, staff_a).get(reverse("staff:station", args=[station_a.pk])).context["serving_count"] == 1

    def test_the_list_filters_by_name(self, client, staff_a, station_a, regions):
        StationFactory(region=regions.town_a, name="荷塘代表之家")
        response = login(client, staff_a).get(reverse("staff:stations"), {"q": "荷塘"})
        assert [station.name for station in response.context["page"].object_list] == ["荷塘代表之家"]

    def test_the_export_lists_only_the_users_stations(self, client, staff_a, station_a, station_b, deputy_a):
        MembershipFactory(deputy=deputy_a)
        response = login(client, staff_a).get(reverse("staff:stations"), {"export": "xlsx"})
        rows = workbook_rows(response)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert rows[0][:3] == ["名称", "类型", "所在乡镇（街道）"]
        assert [row[0] for row in rows[1:]] == [station_a.name]
        assert rows[1][rows[0].index("编入代表数")] == 1

    def test_staff_create_a_station_in_their_township(self, client, staff_a, regions):
        response = login(client, staff_a).post(reverse("staff:station_new"), station_post(regions.town_a))
        station = Station.objects.get(name="白沙第二联络站")
        assert response.status_code == 302 and response["Location"] == reverse("staff:station", args=[station.pk])
        assert station.region == regions.town_a and station.star_rating == 0
        assert StateLog.objects.filter(object_id=station.pk, to_state="created", actor=staff_a).exists()

    def test_a_station_cannot_be_created_in_another_county(self, client, staff_a, regions):
        response = login(client, staff_a).post(reverse("staff:station_new"), station_post(regions.town_b))
        assert response.status_code == 200 and "region" in response.context["form"].errors
        assert not Station.objects.exists()

    def test_the_region_list_offers_only_counties_and_townships_in_scope(self, client, staff_a, regions):
        form = login(client, staff_a).get(reverse("staff:station_new")).context["form"]
        assert list(form.fields["region"].queryset) == [regions.town_a, regions.county_a]

    def test_a_second_station_with_the_same_name_in_a_township_is_refused(self, client, staff_a, station_a, regions):
        response = login(client, staff_a).post(
            reverse("staff:station_new"), station_post(regions.town_a, name=station_a.name)
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert Station.objects.count() == 1

    def test_staff_edit_a_station(self, client, staff_a, station_a, regions):
        for item in StandardItem.values:
            StandardCheck.objects.create(station=station_a, item=item, passed=True)
        response = login(client, staff_a).post(
            reverse("staff:station_edit", args=[station_a.pk]),
            station_post(regions.town_a, name=station_a.name, star_rating=5),
        )
        station_a.refresh_from_db()
        assert response.status_code == 302 and station_a.star_rating == 5 and station_a.address == "白沙街道二号"

    def test_a_star_rating_above_five_is_refused(self, client, staff_a, station_a, regions):
        response = login(client, staff_a).post(
            reverse("staff:station_edit", args=[station_a.pk]), station_post(regions.town_a, star_rating=6)
        )
        station_a.refresh_from_db()
        assert response.status_code == 200 and "star_rating" in response.context["form"].errors
        assert station_a.star_rating == 0

    def test_the_detail_shows_members_checks_stars_and_upcoming_duty_days(
        self, client, staff_a, station_a, deputy_a, duty_day_a
    ):
        StandardCheck.objects.create(station=station_a, item=StandardItem.SITE, passed=True, evidence="房产证")
        Station.objects.filter(pk=station_a.pk).update(star_rating=4)
        response = login(client, staff_a).get(reverse("staff:station", args=[station_a.pk]))
        body = response.content.decode()
        assert deputy_a.name in body and "房产证" in body and "有办公设施" in body
        assert body.count("bi-star-fill") == 4
        assert response.context["checks_passed"] == 1
        assert response.context["upcoming"] == [duty_day_a]

    def test_deputies_are_assigned_by_code_and_from_the_pick_list(self, client, staff_a, station_a, regions):
        by_code = DeputyFactory(region=regions.town_a, code="D-BS-01")
        by_pick = DeputyFactory(region=regions.town_a)
        login(client, staff_a)
        form = client.get(reverse("staff:station", args=[station_a.pk])).context["assign_form"]
        assert {by_code, by_pick} <= set(form.fields["deputies"].queryset)
        response = client.post(
            reverse("staff:station_assign", args=[station_a.pk]), {"codes": "D-BS-01，", "deputies": [by_pick.pk]}
        )
        assert response.status_code == 302
        assert set(station_a.members.values_list("deputy_id", flat=True)) >= {by_code.pk, by_pick.pk}
        assert "已编入 2 名代表。" in messages_of(client.get(response["Location"]))

    def test_the_pick_list_is_searched_among_the_deputies_the_staff_may_read(self, client, staff_a, station_a, regions):
        elsewhere = cast(Deputy, DeputyFactory(region=regions.town_a, name="甲甲"))
        StationMemberFactory(deputy=elsewhere, station=StationFactory(region=regions.town_a))
        outsider = cast(Deputy, DeputyFactory(region=regions.town_b, name="甲乙"))
        login(client, staff_a)
        html = client.get(reverse("staff:station", args=[station_a.pk])).content.decode()
        # No deputy is listed: a province township has thousands (core/autocomplete.py).
        picker = html.split('name="deputies"', 1)[1].split("</select>", 1)[0]
        assert "<option" not in picker and 'data-autocomplete="/staff/autocomplete/deputies/"' in html
        found = client.get(reverse("staff:autocomplete", args=["deputies"]), {"q": "甲"}).json()["results"]
        assert [row["value"] for row in found] == [str(elsewhere.pk)]
        refused = client.post(reverse("staff:station_assign", args=[station_a.pk]), {"deputies": [outsider.pk]})
        assert refused.status_code == 302 and not station_a.members.filter(deputy=outsider).exists()
        response = client.post(reverse("staff:station_assign", args=[station_a.pk]), {"deputies": [elsewhere.pk]})
        assert response.status_code == 302
        assert station_a.members.filter(deputy=elsewhere).exists()

    def test_an_unknown_or_out_of_scope_code_assigns_nobody(self, client, staff_a, station_a, regions):
        outsider = DeputyFactory(region=regions.town_b, code="D-TC-01")
        response = login(client, staff_a).post(
            reverse("staff:station_assign", args=[station_a.pk]), {"codes": f"{outsider.code} NOPE"}, follow=True
        )
        assert any("D-TC-01、NOPE" in message for message in messages_of(response))
        assert station_a.members.count() == 1

    def test_a_deputy_is_removed_from_a_station(self, client, staff_a, station_a, deputy_a):
        response = login(client, staff_a).post(
            reverse("staff:station_remove_deputy", args=[station_a.pk, deputy_a.pk]), follow=True
        )
        assert not station_a.members.exists()
        assert any(deputy_a.name in message for message in messages_of(response))

    def test_the_seven_checks_are_saved_at_once(self, client, staff_a, station_a):
        data = {f"{item}-evidence": "" for item in StandardItem.values}
        data.update({"site-passed": "on", "site-evidence": "租赁合同", "site-checked_on": "2025-03-01"})
        data.update({"rules-passed": "on"})
        response = login(client, staff_a).post(reverse("staff:station_checks", args=[station_a.pk]), data)
        assert response.status_code == 302
        checks = {check.item: check for check in station_a.checks.all()}
        assert set(checks) == set(StandardItem.values)
        assert checks["site"].passed and checks["site"].evidence == "租赁合同"
        assert checks["site"].checked_on == datetime.date(2025, 3, 1) and checks["site"].checked_by == staff_a
        assert checks["rules"].passed and not checks["funds"].passed
        assert StateLog.objects.filter(object_id=station_a.pk, to_state="checked", note__contains="2/7").exists()

    def test_a_check_dated_in_the_future_is_refused_and_nothing_is_saved(self, client, staff_a, station_a):
        tomorrow = (TODAY + datetime.timedelta(days=2)).isoformat()
        response = login(client, staff_a).post(
            reverse("staff:station_checks", args=[station_a.pk]), {"site-passed": "on", "site-checked_on": tomorrow}
        )
        assert response.status_code == 200 and "检查日期不能晚于今天。" in response.content.decode()
        assert not station_a.checks.exists()

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_list_runs_a_constant_number_of_queries(
        self, client, staff_a, regions, rows, django_assert_max_num_queries
    ):
        for station in StationFactory.create_batch(rows, region=regions.town_a):
            StationMemberFactory(station=station)
        login(client, staff_a)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("staff:stations")).status_code == 200

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_detail_runs_a_constant_number_of_queries(
        self, client, staff_a, station_a, regions, rows, django_assert_max_num_queries
    ):
        for membership in MembershipFactory.create_batch(rows, deputy__region=regions.town_a):
            StationMemberFactory(station=station_a, deputy=membership.deputy)
        for _ in range(rows // 5):
            DutyShiftFactory(duty_day=DutyDayFactory(station=station_a), deputy=membership.deputy)
        login(client, staff_a)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("staff:station", args=[station_a.pk])).status_code == 200


# Duty days --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestDutyDayPages:
    def test_planning_starts_by_picking_one_of_the_users_stations(self, client, staff_a, station_a, station_b):
        response = login(client, staff_a).get(reverse("staff:duty_day_new"))
        assert list(response.context["stations"]) == [station_a]

    def test_the_plan_form_offers_only_the_stations_members(self, client, staff_a, station_a, deputy_a, regions):
        DeputyFactory(region=regions.town_a)
        form = login(client, staff_a).get(reverse("staff:duty_day_new"), {"station": station_a.pk}).context["form"]
        assert list(form.fields["deputies"].queryset) == [deputy_a]

    def test_staff_plan_a_duty_day(self, client, staff_a, station_a, deputy_a):
        date = TODAY + datetime.timedelta(days=10)
        response = login(client, staff_a).post(
            reverse("staff:duty_day_new"),
            {
                "station": station_a.pk,
                "date": date.isoformat(),
                "start_time": "09:00",
                "end_time": "11:30",
                "topic": "听取意见",
                "deputies": [deputy_a.pk],
            },
        )
        duty_day = DutyDay.objects.get()
        assert response["Location"] == reverse("staff:duty_day", args=[duty_day.pk])
        assert duty_day.date == date and duty_day.topic == "听取意见"
        assert list(duty_day.deputies.all()) == [deputy_a]

    def test_a_deputy_from_outside_the_station_cannot_be_put_on_duty(self, client, staff_a, station_a, regions):
        outsider = DeputyFactory(region=regions.town_a)
        response = login(client, staff_a).post(
            reverse("staff:duty_day_new"),
            {"station": station_a.pk, "date": TODAY.isoformat(), "deputies": [outsider.pk]},
        )
        assert response.status_code == 200 and "deputies" in response.context["form"].errors
        assert not DutyDay.objects.exists()

    def test_a_station_of_another_county_cannot_be_planned(self, client, staff_a, station_b):
        response = login(client, staff_a).get(reverse("staff:duty_day_new"), {"station": station_b.pk})
        assert "form" not in response.context and list(response.context["stations"]) == []

    def test_the_list_filters_by_status(self, client, staff_a, duty_day_a, station_a):
        held = DutyDayFactory(station=station_a, date=TODAY - datetime.timedelta(days=3), status=DutyDay.Status.HELD)
        response = login(client, staff_a).get(reverse("staff:duty_days"), {"status": "held"})
        assert list(response.context["page"].object_list) == [held]

    def test_staff_record_a_held_day(self, client, staff_a, duty_day_a, deputy_a, station_a):
        absent = DeputyFactory(region=station_a.region)
        DutyShiftFactory(duty_day=duty_day_a, deputy=absent)
        response = login(client, staff_a).post(
            reverse("staff:duty_day_record", args=[duty_day_a.pk]),
            {"attended": [deputy_a.pk], "voters_received": 12, "summary": "反映停车难"},
            follow=True,
        )
        duty_day_a.refresh_from_db()
        assert duty_day_a.status == DutyDay.Status.HELD and duty_day_a.voters_received == 12
        assert DutyShift.objects.get(duty_day=duty_day_a, deputy=deputy_a).attended is True
        assert DutyShift.objects.get(duty_day=duty_day_a, deputy=absent).attended is False
        assert "接待情况已登记。" in messages_of(response)

    def test_recording_a_cancelled_day_is_refused_and_changes_nothing(self, client, staff_a, duty_day_a, deputy_a):
        DutyDay.objects.filter(pk=duty_day_a.pk).update(status=DutyDay.Status.CANCELLED)
        response = login(client, staff_a).post(
            reverse("staff:duty_day_record", args=[duty_day_a.pk]),
            {"attended": [deputy_a.pk], "voters_received": 5},
            follow=True,
        )
        duty_day_a.refresh_from_db()
        assert "已取消的接待日不能登记接待情况。" in messages_of(response)
        assert duty_day_a.status == DutyDay.Status.CANCELLED and duty_day_a.voters_received == 0

    def test_a_future_day_offers_no_record_form(self, client, staff_a, station_a, deputy_a):
        future = DutyDayFactory(station=station_a, date=TODAY + datetime.timedelta(days=3))
        response = login(client, staff_a).get(reverse("staff:duty_day", args=[future.pk]))
        assert response.context["record_form"] is None and response.context["cancel_form"] is not None

    def test_staff_cancel_a_planned_day_with_a_reason(self, client, staff_a, duty_day_a):
        login(client, staff_a).post(reverse("staff:duty_day_cancel", args=[duty_day_a.pk]), {"reason": "台风停摆"})
        duty_day_a.refresh_from_db()
        assert duty_day_a.status == DutyDay.Status.CANCELLED
        assert StateLog.objects.filter(object_id=duty_day_a.pk, to_state="cancelled", note="台风停摆").exists()

    def test_a_cancellation_without_a_reason_shows_the_form_again(self, client, staff_a, duty_day_a):
        response = login(client, staff_a).post(reverse("staff:duty_day_cancel", args=[duty_day_a.pk]), {"reason": ""})
        duty_day_a.refresh_from_db()
        assert response.status_code == 200 and response.context["cancel_form"].errors
        assert duty_day_a.status == DutyDay.Status.PLANNED

    def test_cancelling_a_held_day_is_refused_and_changes_nothing(self, client, staff_a, duty_day_a):
        DutyDay.objects.filter(pk=duty_day_a.pk).update(status=DutyDay.Status.HELD, voters_received=4)
        response = login(client, staff_a).post(
            reverse("staff:duty_day_cancel", args=[duty_day_a.pk]), {"reason": "弄错了"}, follow=True
        )
        duty_day_a.refresh_from_db()
        assert "只有尚未接待的接待日可以取消。" in messages_of(response)
        assert duty_day_a.status == DutyDay.Status.HELD

    def test_an_opinion_taken_on_the_day_is_logged_for_an_attending_deputy(
        self, client, staff_a, duty_day_a, deputy_a, station_a
    ):
        DutyShift.objects.filter(duty_day=duty_day_a).update(attended=True)
        absent = DeputyFactory(region=station_a.region)
        DutyShiftFactory(duty_day=duty_day_a, deputy=absent, attended=False)
        DutyDay.objects.filter(pk=duty_day_a.pk).update(status=DutyDay.Status.HELD)
        login(client, staff_a)
        url = reverse("staff:duty_day_opinion_new", args=[duty_day_a.pk])
        assert list(client.get(url).context["form"].fields["deputy"].queryset) == [deputy_a]
        response = client.post(
            url,
            {
                "deputy": deputy_a.pk,
                "voter_name": "陈大爷",
                "voter_phone": "13611112222",
                "title": "菜市场排水",
                "content": "下雨就积水。",
                "category": "urban",
            },
        )
        opinion = Opinion.objects.get()
        assert response["Location"] == reverse("staff:duty_day", args=[duty_day_a.pk])
        assert opinion.source == Opinion.Source.DUTY_DAY and opinion.duty_day == duty_day_a
        assert opinion.deputy == deputy_a and opinion.station == station_a and opinion.region == station_a.region

    def test_an_absent_deputy_cannot_be_named_as_receiving_an_opinion(self, client, staff_a, duty_day_a, station_a):
        absent = DeputyFactory(region=station_a.region)
        DutyShiftFactory(duty_day=duty_day_a, deputy=absent, attended=False)
        DutyDay.objects.filter(pk=duty_day_a.pk).update(status=DutyDay.Status.HELD)
        response = login(client, staff_a).post(
            reverse("staff:duty_day_opinion_new", args=[duty_day_a.pk]),
            {"deputy": absent.pk, "voter_name": "陈", "voter_phone": "1", "title": "t", "content": "c"},
        )
        assert response.status_code == 200 and "deputy" in response.context["form"].errors
        assert not Opinion.objects.exists()

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_list_runs_a_constant_number_of_queries(
        self, client, staff_a, station_a, rows, django_assert_max_num_queries
    ):
        for duty_day in DutyDayFactory.create_batch(rows, station=station_a):
            DutyShiftFactory.create_batch(2, duty_day=duty_day)
        login(client, staff_a)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("staff:duty_days")).status_code == 200

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_detail_runs_a_constant_number_of_queries(
        self, client, staff_a, duty_day_a, rows, django_assert_max_num_queries
    ):
        for shift in DutyShiftFactory.create_batch(rows, duty_day=duty_day_a):
            OpinionFactory(station=duty_day_a.station, duty_day=duty_day_a, deputy=shift.deputy)
        login(client, staff_a)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("staff:duty_day", args=[duty_day_a.pk])).status_code == 200


# Opinions ---------------------------------------------------------------------------------------------------------


def act(client, opinion, action, **fields):
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(reverse("staff:opinion_action", args=[opinion.pk, action]), data, follow=True)


@pytest.mark.django_db
class TestOpinionList:
    def test_the_list_shows_the_columns_and_marks_overdue_rows(self, client, staff_a, opinion_a, unit_a):
        in_state(opinion_a, S.ASSIGNED, unit=unit_a, deadline=TODAY - datetime.timedelta(days=1))
        body = login(client, staff_a).get(reverse("staff:opinions")).content.decode()
        for text in (opinion_a.reference, opinion_a.title, "白沙代表联络站", "已交办", unit_a.name, "table-danger"):
            assert text in body
        # The tracking code is the voter's credential: staff refer to the opinion by its number.
        assert opinion_a.tracking_code not in body

    def test_the_overdue_filter_keeps_only_overdue_assigned_opinions(self, client, staff_a, station_a, unit_a):
        late = in_state(
            OpinionFactory(station=station_a), S.ASSIGNED, unit=unit_a, deadline=TODAY - datetime.timedelta(1)
        )
        in_state(OpinionFactory(station=station_a), S.ASSIGNED, unit=unit_a, deadline=TODAY + datetime.timedelta(9))
        response = login(client, staff_a).get(reverse("staff:opinions"), {"overdue": "on"})
        assert list(response.context["page"].object_list) == [late]

    def test_the_quick_filters_show_what_just_became_overdue_and_what_is_due_soon(
        self, client, staff_a, station_a, unit_a
    ):
        def assigned(days):
            return in_state(
                OpinionFactory(station=station_a), S.ASSIGNED, unit=unit_a, deadline=TODAY + datetime.timedelta(days)
            )

        just_late, _long_late, due_today, due_in_3, _due_later = (
            assigned(-2),
            assigned(-30),
            assigned(0),
            assigned(3),
            assigned(4),
        )
        login(client, staff_a)
        late_page = client.get(reverse("staff:opinions"), {"due": "recently_overdue"})
        soon_page = client.get(reverse("staff:opinions"), {"due": "due_soon"})
        assert list(late_page.context["page"].object_list) == [just_late]
        assert set(soon_page.context["page"].object_list) == {due_today, due_in_3}
        assert late_page.context["recently_overdue_count"] == 1 and late_page.context["due_soon_count"] == 2

    def test_the_unit_filter_offers_only_units_of_the_users_region_and_above(self, client, staff_a, unit_a, regions):
        city_unit = HandlingUnitFactory(region=regions.city)
        HandlingUnitFactory(region=regions.county_b)
        HandlingUnitFactory(region=regions.county_a, is_active=False)
        form = login(client, staff_a).get(reverse("staff:opinions")).context["filter"].form
        assert set(form.fields["unit"].queryset) == {unit_a, city_unit}

    def test_the_export_has_every_lifecycle_timestamp_and_only_the_users_rows(
        self, client, staff_a, opinion_a, opinion_b, unit_a
    ):
        now = timezone.now()
        in_state(opinion_a, S.CLOSED, unit=unit_a, sorted_at=now, proposed_at=now, assigned_at=now, replied_at=now,
                 fed_back_at=now, closed_at=now, published_at=now, deadline=TODAY)  # fmt: skip
        rows = workbook_rows(login(client, staff_a).get(reverse("staff:opinions"), {"export": "xlsx"}))
        headers, data = rows[0], rows[1:]
        for column in (
            "接收时间",
            "梳理时间",
            "拟办时间",
            "交办时间",
            "办理期限",
            "答复时间",
            "反馈时间",
            "办结时间",
            "公示时间",
        ):
            assert column in headers
            assert data[0][headers.index(column)] not in (None, "")
        assert [row[headers.index("意见编号")] for row in data] == [opinion_a.reference]
        assert data[0][headers.index("联系电话")] == "13900001111"

    def test_the_export_masks_the_voter_phone_for_leaders(self, client, leader_a, opinion_a):
        rows = workbook_rows(login(client, leader_a).get(reverse("staff:opinions"), {"export": "xlsx"}))
        assert rows[1][rows[0].index("联系电话")] == "139****1111"
        assert all("13900001111" not in str(cell) for row in rows for cell in row)

    def test_the_export_follows_the_quick_filter(self, client, staff_a, opinion_a, station_a, unit_a):
        late = in_state(
            OpinionFactory(station=station_a), S.ASSIGNED, unit=unit_a, deadline=TODAY - datetime.timedelta(1)
        )
        rows = workbook_rows(
            login(client, staff_a).get(reverse("staff:opinions"), {"due": "recently_overdue", "export": "xlsx"})
        )
        assert [row[0] for row in rows[1:]] == [late.reference]

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_list_runs_a_constant_number_of_queries(
        self, client, staff_a, station_a, deputy_a, unit_a, rows, django_assert_max_num_queries
    ):
        for opinion in OpinionFactory.create_batch(rows, station=station_a, deputy=deputy_a):
            in_state(opinion, S.ASSIGNED, unit=unit_a, deadline=TODAY)
        login(client, staff_a)
        with django_assert_max_num_queries(11):
            assert client.get(reverse("staff:opinions")).status_code == 200


@pytest.mark.django_db
class TestOpinionDetail:
    def test_staff_see_the_full_phone_and_leaders_a_masked_one(self, client, staff_a, leader_a, opinion_a):
        staff_body = login(client, staff_a).get(reverse("staff:opinion", args=[opinion_a.pk])).content.decode()
        leader_body = login(client, leader_a).get(reverse("staff:opinion", args=[opinion_a.pk])).content.decode()
        assert "13900001111" in staff_body
        assert "139****1111" in leader_body and "13900001111" not in leader_body

    def test_the_detail_shows_the_timeline_and_supervision_records(self, client, staff_a, opinion_a, unit_a):
        in_state(opinion_a, S.ASSIGNED, unit=unit_a, deadline=TODAY)
        Supervision.objects.create(opinion=opinion_a, note="电话催办住建局", by=staff_a)
        StateLog.objects.create(
            content_type=ContentType.objects.get_for_model(Opinion),
            object_id=opinion_a.pk,
            from_state="proposed",
            to_state="assigned",
            actor=staff_a,
        )
        body = login(client, staff_a).get(reverse("staff:opinion", args=[opinion_a.pk])).content.decode()
        assert "电话催办住建局" in body and "已拟办 → <strong>已交办</strong>" in body

    @pytest.mark.parametrize(
        ("status", "actions"),
        [
            (S.RECEIVED, ["sort", "merge"]),
            (S.SORTED, ["propose", "merge"]),
            (S.REPLIED, ["feedback"]),
            (S.FED_BACK, ["close"]),
            (S.CLOSED, ["publish"]),
            (S.TRANSFERRED, []),
        ],
    )
    def test_the_page_offers_the_steps_of_the_current_state(self, client, staff_a, opinion_a, status, actions):
        in_state(opinion_a, status)
        response = login(client, staff_a).get(reverse("staff:opinion", args=[opinion_a.pk]))
        assert list(response.context["forms"]) == actions

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_detail_runs_a_constant_number_of_queries(
        self, client, staff_a, opinion_a, unit_a, regions, rows, django_assert_max_num_queries
    ):
        in_state(opinion_a, S.ASSIGNED, unit=unit_a, deadline=TODAY, proposal=Proposal.REFER_UNIT)
        for _ in range(rows):
            Supervision.objects.create(opinion=opinion_a, note="催办", by=StaffFactory(region=regions.county_a))
            StationMemberFactory(station=opinion_a.station)
            OpinionFactory(station=opinion_a.station, status=S.MERGED, merged_into=opinion_a)
        login(client, staff_a)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("staff:opinion", args=[opinion_a.pk])).status_code == 200


@pytest.mark.django_db
class TestOpinionWorkflow:
    def test_staff_sort_an_opinion(self, client, staff_a, opinion_a):
        response = act(login(client, staff_a), opinion_a, "sort", category="transport", note="")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.SORTED and opinion_a.category == "transport" and opinion_a.sorted_at
        assert "意见已梳理。" in messages_of(response)

    def test_sorting_twice_is_refused_with_the_reason_and_changes_nothing(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.SORTED, category="urban")
        response = act(login(client, staff_a), opinion_a, "sort", category="transport")
        opinion_a.refresh_from_db()
        assert "只有刚接收的意见需要梳理。" in messages_of(response)
        assert opinion_a.status == S.SORTED and opinion_a.category == "urban"

    def test_staff_merge_an_opinion_into_another_by_its_number(self, client, staff_a, opinion_a, station_a):
        earlier = OpinionFactory(station=station_a)
        act(login(client, staff_a), opinion_a, "merge", into=earlier.reference.lower())
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.MERGED and opinion_a.merged_into == earlier

    def test_an_opinion_cannot_be_merged_into_one_outside_the_users_region(self, client, staff_a, opinion_a, opinion_b):
        response = act(login(client, staff_a), opinion_a, "merge", into=opinion_b.reference)
        opinion_a.refresh_from_db()
        assert response.context["forms"]["merge"].errors and opinion_a.status == S.RECEIVED

    def test_merging_into_itself_is_refused(self, client, staff_a, opinion_a):
        response = act(login(client, staff_a), opinion_a, "merge", into=opinion_a.reference)
        opinion_a.refresh_from_db()
        assert "不能把意见合并到它自己。" in messages_of(response) and opinion_a.status == S.RECEIVED

    def test_staff_propose_to_refer_to_a_unit_and_then_assign(self, client, staff_a, opinion_a, unit_a):
        in_state(opinion_a, S.SORTED, category="urban")
        login(client, staff_a)
        act(client, opinion_a, "propose", proposal=Proposal.REFER_UNIT, unit=unit_a.pk, note="请住建局处理")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.PROPOSED and opinion_a.unit == unit_a and opinion_a.proposal_note == "请住建局处理"
        response = act(client, opinion_a, "assign", note="")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.ASSIGNED and opinion_a.deadline > TODAY and opinion_a.assigned_at
        assert "意见已交办。" in messages_of(response)

    def test_referring_without_a_unit_is_refused_and_changes_nothing(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.SORTED, category="urban")
        response = act(login(client, staff_a), opinion_a, "propose", proposal=Proposal.REFER_UNIT)
        opinion_a.refresh_from_db()
        assert "交承办单位办理须选定承办单位。" in messages_of(response)
        assert opinion_a.status == S.SORTED and not opinion_a.proposal

    def test_a_unit_of_another_county_cannot_be_picked(self, client, staff_a, opinion_a, regions):
        other = HandlingUnitFactory(region=regions.county_b)
        in_state(opinion_a, S.SORTED, category="urban")
        response = act(login(client, staff_a), opinion_a, "propose", proposal=Proposal.REFER_UNIT, unit=other.pk)
        opinion_a.refresh_from_db()
        assert "unit" in response.context["forms"]["propose"].errors and opinion_a.status == S.SORTED

    def test_an_on_the_spot_answer_replies_at_once(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.SORTED, category="urban")
        act(login(client, staff_a), opinion_a, "propose", proposal=Proposal.ON_SPOT, answer="已联系物业当天修好")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.REPLIED and opinion_a.reply == "已联系物业当天修好"

    def test_passing_to_the_congress_above_shows_as_transferred(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.SORTED, category="urban")
        act(login(client, staff_a), opinion_a, "propose", proposal=Proposal.TO_HIGHER, note="属市级事权")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.TRANSFERRED and opinion_a.closed_at

    def test_an_opinion_becomes_a_draft_suggestion_of_a_serving_deputy(self, client, staff_a, opinion_a, deputy_a):
        from representatives.tests.factories import MembershipFactory
        from suggestions.models import Suggestion

        MembershipFactory(deputy=deputy_a)
        in_state(opinion_a, S.SORTED, category="urban")
        act(login(client, staff_a), opinion_a, "propose", proposal=Proposal.TO_SUGGESTION, deputy=deputy_a.pk)
        opinion_a.refresh_from_db()
        draft = Suggestion.objects.get(deputy=deputy_a)
        assert opinion_a.status == S.CONVERTED and str(draft.pk) in opinion_a.suggestion_ref
        assert (draft.status, draft.source_opinion) == ("draft", opinion_a.reference)

    def test_an_opinion_cannot_go_to_a_deputy_without_a_serving_seat(self, client, staff_a, opinion_a, deputy_a):
        in_state(opinion_a, S.SORTED, category="urban")
        act(login(client, staff_a), opinion_a, "propose", proposal=Proposal.TO_SUGGESTION, deputy=deputy_a.pk)
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.SORTED

    def test_assigning_before_proposing_is_refused(self, client, staff_a, opinion_a, unit_a):
        in_state(opinion_a, S.SORTED, category="urban")
        response = act(login(client, staff_a), opinion_a, "assign", unit=unit_a.pk)
        opinion_a.refresh_from_db()
        assert any("不能进行这一步" in m or "只有拟交承办单位的意见可以交办。" in m for m in messages_of(response))
        assert opinion_a.status == S.SORTED and opinion_a.unit is None

    def test_staff_supervise_an_assigned_opinion(self, client, staff_a, opinion_a, unit_a):
        in_state(opinion_a, S.ASSIGNED, unit=unit_a, deadline=TODAY)
        act(login(client, staff_a), opinion_a, "supervise", note="现场督办")
        opinion_a.refresh_from_db()
        assert opinion_a.supervised and opinion_a.supervisions.get().note == "现场督办"

    def test_supervising_a_replied_opinion_is_refused(self, client, staff_a, opinion_a, unit_a):
        in_state(opinion_a, S.REPLIED, unit=unit_a, reply="已修复")
        response = act(login(client, staff_a), opinion_a, "supervise", note="再催")
        opinion_a.refresh_from_db()
        assert "只有已交办、尚未答复的意见可以督办。" in messages_of(response)
        assert not opinion_a.supervised and not opinion_a.supervisions.exists()

    def test_staff_feed_back_to_the_voter_with_a_rating(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.REPLIED, reply="已修复")
        act(login(client, staff_a), opinion_a, "feedback", feedback="电话告知", rating="satisfied", resolution="solved")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.FED_BACK and opinion_a.rating == "satisfied" and opinion_a.fed_back_at
        assert opinion_a.resolution == "solved"

    def test_feedback_without_the_resolution_shows_the_form_error(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.REPLIED, reply="已修复")
        response = act(login(client, staff_a), opinion_a, "feedback", feedback="电话告知")
        opinion_a.refresh_from_db()
        assert "resolution" in response.context["forms"]["feedback"].errors and opinion_a.status == S.REPLIED

    def test_feedback_without_text_shows_the_form_error(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.REPLIED, reply="已修复")
        response = act(login(client, staff_a), opinion_a, "feedback", feedback="")
        opinion_a.refresh_from_db()
        assert "feedback" in response.context["forms"]["feedback"].errors and opinion_a.status == S.REPLIED

    def test_staff_close_and_publish_at_once(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.FED_BACK, feedback="已告知")
        act(login(client, staff_a), opinion_a, "close", publish="on", public_summary="路灯已修复")
        opinion_a.refresh_from_db()
        assert opinion_a.status == S.CLOSED and opinion_a.published_at and opinion_a.public_summary == "路灯已修复"

    def test_publishing_on_close_without_a_summary_is_refused(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.FED_BACK, feedback="已告知")
        response = act(login(client, staff_a), opinion_a, "close", publish="on", public_summary="")
        opinion_a.refresh_from_db()
        assert "公示须填写公示内容。" in messages_of(response)
        assert opinion_a.status == S.FED_BACK and opinion_a.published_at is None

    def test_staff_publish_and_unpublish_a_closed_opinion(self, client, staff_a, opinion_a):
        in_state(opinion_a, S.CLOSED)
        login(client, staff_a)
        act(client, opinion_a, "publish", public_summary="已办结")
        opinion_a.refresh_from_db()
        assert opinion_a.published_at and opinion_a.public_summary == "已办结"
        page = client.get(reverse("staff:opinion", args=[opinion_a.pk]))
        assert list(page.context["forms"]) == ["publish", "unpublish"]
        act(client, opinion_a, "unpublish")
        opinion_a.refresh_from_db()
        assert opinion_a.published_at is None

    def test_publishing_an_open_opinion_is_refused(self, client, staff_a, opinion_a):
        response = act(login(client, staff_a), opinion_a, "publish", public_summary="还没办")
        opinion_a.refresh_from_db()
        assert "只有已办结的意见可以公示。" in messages_of(response) and opinion_a.published_at is None

    def test_an_unknown_step_is_refused(self, client, staff_a, opinion_a):
        response = login(client, staff_a).post(reverse("staff:opinion_action", args=[opinion_a.pk, "delete"]))
        assert response.status_code == 403

    def test_every_step_is_on_the_timeline(self, client, staff_a, opinion_a, unit_a):
        login(client, staff_a)
        act(client, opinion_a, "sort", category="urban")
        act(client, opinion_a, "propose", proposal=Proposal.REFER_UNIT, unit=unit_a.pk)
        act(client, opinion_a, "assign")
        timeline = client.get(reverse("staff:opinion", args=[opinion_a.pk])).context["timeline"]
        assert [step.to_state for step in timeline] == ["sorted", "proposed", "assigned"]
        assert all(step.actor == staff_a for step in timeline)
