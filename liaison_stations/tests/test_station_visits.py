"""Leaders' visits to stations (常委会组成人员/领导到联络站活动): who records and reads them, what the service
refuses, the staff list and its filters, and the figure whose count is the list's rows."""

import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison_stations import selectors, services_visits
from liaison_stations.models import StationVisit
from liaison_stations.services_visits import TransitionError, station_visit_record
from liaison_stations.tests.factories import StationFactory, StationVisitFactory
from representatives.models import StateLog
from representatives.tests.factories import ClerkFactory, DeputyUserFactory, LeaderFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1


def day(month=3, date=10, year=YEAR):
    return datetime.date(year, month, date)


@pytest.fixture
def station_a(regions):
    return StationFactory(region=regions.town_a, name="白沙代表联络站")


@pytest.fixture
def station_b(regions):
    return StationFactory(region=regions.town_b, name="台城代表联络站")


@pytest.fixture
def leader_a(regions):
    return LeaderFactory(region=regions.county_a, username="leader_a", first_name="蓬江区领导")


@pytest.fixture
def leader_b(regions):
    return LeaderFactory(region=regions.county_b, username="leader_b", first_name="台山市领导")


@pytest.fixture
def city_leader(regions):
    return LeaderFactory(region=regions.city, username="leader_city", first_name="市领导")


def free_text(**values):
    return {"visitor_name": "陈国强", "visitor_post": "市人大常委会副主任", **values}


def record(station, by, **values):
    fields = {"date": day(), "purpose": "调研联络站建设", "findings": "群众反映停车难。", **values}
    return station_visit_record(station=station, by=by, **fields)


def visit_steps():
    return StateLog.objects.filter(content_type=ContentType.objects.get_for_model(StationVisit))


def nothing_written():
    return (
        not StationVisit.objects.exists()
        and not visit_steps().exists()
        and not LogEntry.objects.get_for_model(StationVisit).exists()
    )


# The service ----------------------------------------------------------------------------------------------------


class TestRecording:
    def test_staff_record_a_visitor_without_an_account_with_a_step_and_history(self, staff_a, station_a):
        visit = record(station_a, staff_a, **free_text(follow_up="已交镇政府办理"))
        assert (visit.visitor, visit.visitor_post, visit.leader, visit.recorded_by) == (
            "陈国强",
            "市人大常委会副主任",
            None,
            staff_a,
        )
        step = visit_steps().get()
        assert (step.object_id, step.to_state, step.actor) == (visit.pk, "recorded", staff_a)
        entry = LogEntry.objects.get_for_object(visit).get()
        assert entry.additional_data == {"region_path": station_a.region.path}

    def test_staff_record_a_leader_from_the_city_above_them(self, staff_a, station_a, city_leader):
        visit = record(station_a, staff_a, leader=city_leader)
        assert (visit.leader, visit.visitor, visit.visitor_name) == (city_leader, "市领导", "")

    def test_a_leader_records_their_own_visit(self, leader_a, station_a):
        visit = record(station_a, leader_a, leader=leader_a)
        assert (visit.leader, visit.recorded_by) == (leader_a, leader_a)
        assert visit_steps().get().actor == leader_a

    @pytest.mark.parametrize(
        ("who", "message"),
        [
            ("staff_b", "您无权登记这个联络站的活动。"),
            ("leader_b", "领导只能登记本人到本区域联络站的活动。"),
            ("deputy", "您无权登记这个联络站的活动。"),
            ("clerk", "您无权登记这个联络站的活动。"),
            ("anonymous", "您无权登记这个联络站的活动。"),
        ],
    )
    def test_no_one_else_records_a_visit_to_the_station(self, request, who, message, station_a, leader_a, regions):
        users = {
            "staff_b": lambda: request.getfixturevalue("staff_b"),
            "leader_b": lambda: request.getfixturevalue("leader_b"),
            "deputy": lambda: DeputyUserFactory(deputy__region=regions.town_a),
            "clerk": ClerkFactory,
            "anonymous": AnonymousUser,
        }
        user = users[who]()
        leader = user if who == "leader_b" else leader_a
        with pytest.raises(TransitionError, match=message):
            record(station_a, user, leader=leader)
        assert nothing_written()

    def test_a_leader_records_no_one_elses_visit(self, leader_a, city_leader, station_a):
        for values in ({"leader": city_leader}, free_text()):
            with pytest.raises(TransitionError, match="领导只能登记本人到本区域联络站的活动。"):
                record(station_a, leader_a, **values)
        assert nothing_written()

    @pytest.mark.parametrize(
        ("values", "message"),
        [
            ({"leader": "leader_a", **free_text()}, "二者只填其一"),
            ({}, "请选择到站的领导，或填写没有账号的来访人姓名和职务。"),
            ({"leader": "staff_a"}, "所选账号不是在用的常委会领导账号。"),
            ({"leader": "inactive_leader"}, "所选账号不是在用的常委会领导账号。"),
            ({"leader": "leader_b"}, "所选领导不是该联络站所在区域或其上级的常委会领导。"),
            (free_text(visitor_post=" "), "没有账号的来访人须填写职务。"),
            ({"leader": "leader_a", "date": None}, "请填写活动日期。"),
            ({"leader": "leader_a", "date": TODAY + datetime.timedelta(days=1)}, "活动日期不能晚于今天。"),
            ({"leader": "leader_a", "purpose": "  "}, "请填写活动内容。"),
            ({"leader": "leader_a", "findings": ""}, "请填写发现的问题和意见"),
            ({"leader": "leader_a", "purpose": "长" * 201}, "200"),
        ],
    )
    def test_bad_input_is_refused_with_its_reason_and_nothing_is_written(
        self, request, values, message, staff_a, station_a
    ):
        accounts = {
            "leader_a": lambda: request.getfixturevalue("leader_a"),
            "leader_b": lambda: request.getfixturevalue("leader_b"),
            "staff_a": lambda: staff_a,
            "inactive_leader": lambda: LeaderFactory(region=station_a.region, is_active=False),
        }
        if "leader" in values:
            values = {**values, "leader": accounts[values["leader"]]()}
        with pytest.raises(TransitionError, match=message):
            record(station_a, staff_a, **values)
        assert nothing_written()

    def test_the_same_visit_recorded_twice_is_refused_so_it_is_counted_once(self, staff_a, leader_a, station_a):
        record(station_a, leader_a, leader=leader_a)
        with pytest.raises(TransitionError, match="蓬江区领导 .* 到白沙代表联络站的活动已经登记过。"):
            record(station_a, staff_a, leader=leader_a, purpose="另一次登记")
        record(station_a, staff_a, **free_text())
        with pytest.raises(TransitionError, match="已经登记过"):
            record(station_a, staff_a, **free_text(visitor_post="委员"))
        assert StationVisit.objects.count() == 2 and visit_steps().count() == 2
        # Another day, or another station, is another visit.
        record(station_a, staff_a, leader=leader_a, date=day(date=11))
        assert StationVisit.objects.count() == 3

    def test_a_duplicate_that_slips_past_the_check_is_refused_by_the_database(self, staff_a, leader_a, station_a):
        first = record(station_a, leader_a, leader=leader_a)
        twin = StationVisit(station=station_a, date=first.date, leader=leader_a, purpose="同时", findings="无")
        with pytest.raises(TransitionError, match="这次活动刚刚已由他人登记。"):
            services_visits._save(twin)
        assert StationVisit.objects.count() == 1


class TestCorrecting:
    def test_staff_correct_a_visit_with_a_step(self, staff_a, leader_a, station_a, regions):
        visit = record(station_a, leader_a, leader=leader_a)
        other_station = StationFactory(region=regions.town_a, name="白沙二站")
        values = {"station": other_station, "date": day(date=12), "purpose": "改", "findings": "无。"}
        services_visits.station_visit_update(visit=visit, by=staff_a, **free_text(), **values)
        visit.refresh_from_db()
        assert (visit.station, visit.leader, visit.visitor_name, visit.date) == (
            other_station,
            None,
            "陈国强",
            day(date=12),
        )
        assert list(visit_steps().values_list("to_state", "actor")) == [
            ("recorded", leader_a.pk),
            ("updated", staff_a.pk),
        ]

    def test_only_staff_of_the_stations_region_correct_or_remove_it(self, staff_b, leader_a, station_a, station_b):
        visit = record(station_a, leader_a, leader=leader_a)
        values = {"station": station_a, "date": day(), "leader": leader_a, "purpose": "改", "findings": "改"}
        for user in (leader_a, staff_b):
            with pytest.raises(TransitionError, match="只有该联络站所在区域的工作人员可以修改这条记录。"):
                services_visits.station_visit_update(visit=visit, by=user, **values)
            with pytest.raises(TransitionError, match="只有该联络站所在区域的工作人员可以删除这条记录。"):
                services_visits.station_visit_delete(visit=visit, by=user)
        visit.refresh_from_db()
        assert visit.purpose == "调研联络站建设" and visit_steps().count() == 1

    def test_staff_cannot_move_a_visit_to_a_station_outside_their_region(self, staff_a, leader_a, station_a, station_b):
        visit = record(station_a, leader_a, leader=leader_a)
        with pytest.raises(TransitionError):
            services_visits.station_visit_update(
                visit=visit, by=staff_a, station=station_b, date=day(), purpose="改", findings="改", **free_text()
            )
        visit.refresh_from_db()
        assert visit.station == station_a

    def test_removing_a_visit_keeps_the_step_and_the_history(self, staff_a, leader_a, station_a):
        visit = record(station_a, leader_a, leader=leader_a)
        pk = visit.pk
        services_visits.station_visit_delete(visit=visit, by=staff_a, reason="重复登记")
        assert not StationVisit.objects.exists()
        step = visit_steps().get(to_state="deleted")
        assert (step.object_id, step.actor, step.note) == (
            pk,
            staff_a,
            f"删除：蓬江区领导 {day().isoformat()} 到白沙代表联络站（重复登记）",
        )
        assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).exists()


# The pages ------------------------------------------------------------------------------------------------------


@pytest.fixture
def visits(regions, station_a, station_b, leader_a, leader_b, city_leader):
    """Visits in two counties and two years, at a township's station and at the county's own deputy home."""
    home_a = StationFactory(region=regions.county_a, name="蓬江代表之家", kind="home")
    return {
        "a1": StationVisitFactory(station=station_a, leader=leader_a, date=day(3, 1), purpose="白沙一"),
        "a2": StationVisitFactory(station=station_a, leader=city_leader, date=day(6, 1), purpose="白沙二"),
        "a3": StationVisitFactory(
            station=home_a, leader=None, visitor_name="陈国强", visitor_post="副主任", date=day(9, 1), purpose="之家"
        ),
        "a_before": StationVisitFactory(
            station=station_a, leader=leader_a, date=datetime.date(YEAR - 1, 12, 31), purpose="去年"
        ),
        "b1": StationVisitFactory(station=station_b, leader=leader_b, date=day(3, 1), purpose="台城一"),
    }


def rows(client, **params):
    response = client.get(reverse("staff:station_visits"), params)
    assert response.status_code == 200
    return response, [visit.purpose for visit in response.context["page"].object_list]


class TestList:
    def test_county_staff_see_their_countys_visits_newest_first(self, client, staff_a, visits):
        client.force_login(staff_a)
        response, purposes = rows(client)
        assert purposes == ["之家", "白沙二", "白沙一", "去年"]
        body = response.content.decode()
        assert "台城一" not in body and "市领导" in body and "陈国强" in body

    def test_leaders_read_the_same_list(self, client, leader_a, visits):
        client.force_login(leader_a)
        assert rows(client)[1] == ["之家", "白沙二", "白沙一", "去年"]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"year": YEAR}, ["之家", "白沙二", "白沙一"]),
            ({"year": YEAR - 1}, ["去年"]),
            ({"visitor": "陈"}, ["之家"]),
            ({"visitor": "市领"}, ["白沙二"]),
        ],
    )
    def test_filters(self, client, staff_a, visits, params, expected):
        client.force_login(staff_a)
        assert rows(client, **params)[1] == expected

    def test_filter_by_region_station_and_leader(self, client, city_staff, visits, regions, station_a, leader_a):
        client.force_login(city_staff)
        assert rows(client, region=regions.town_a.pk)[1] == ["白沙二", "白沙一", "去年"]
        assert rows(client, region=regions.county_b.pk)[1] == ["台城一"]
        assert rows(client, station=station_a.pk, year=YEAR)[1] == ["白沙二", "白沙一"]
        assert rows(client, leader=leader_a.pk)[1] == ["白沙一", "去年"]

    def test_a_region_outside_ones_own_lists_nothing_rather_than_everything(self, client, staff_a, visits, regions):
        client.force_login(staff_a)
        assert rows(client, region=regions.county_b.pk)[1] == []
        for year in ("abc", "2025.5", "99999", "0"):
            assert rows(client, year=year)[1] == []

    def test_the_export_has_the_lists_rows(self, client, staff_a, visits):
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_visits"), {"year": YEAR, "export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = [list(row) for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]
        assert sheet[0][:5] == ["日期", "联络站", "所在乡镇（街道）", "来访领导", "职务"]
        assert [row[5] for row in sheet[1:]] == ["之家", "白沙二", "白沙一"]
        assert sheet[1][3:5] == ["陈国强", "副主任"]

    def test_the_station_page_shows_its_visits(self, client, leader_a, visits, station_a):
        client.force_login(leader_a)
        response = client.get(reverse("staff:station", args=[station_a.pk]))
        assert [visit.purpose for visit in response.context["visits"]] == ["白沙二", "白沙一", "去年"]
        assert response.context["can_record_visit"]
        assert reverse("staff:station_visit_new") + f"?station={station_a.pk}" in response.content.decode()

    def test_the_detail_shows_the_visit_and_its_timeline(self, client, staff_a, leader_a, station_a):
        visit = record(station_a, leader_a, leader=leader_a, follow_up="下月回访")
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_visit", args=[visit.pk]))
        body = response.content.decode()
        assert "下月回访" in body and "已登记" in body and response.context["can_change"]


class TestPermissions:
    def test_anonymous_users_are_sent_to_log_in(self, client, visits):
        for name, args in (("staff:station_visits", []), ("staff:station_visit", [visits["a1"].pk])):
            response = client.get(reverse(name, args=args))
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_deputies_and_clerks_are_refused(self, client, visits, regions):
        for user in (DeputyUserFactory(deputy__region=regions.town_a), ClerkFactory()):
            client.force_login(user)
            for name, args in (
                ("staff:station_visits", []),
                ("staff:station_visit_new", []),
                ("staff:station_visit", [visits["a1"].pk]),
                ("staff:station_visit_edit", [visits["a1"].pk]),
            ):
                assert client.get(reverse(name, args=args)).status_code == 403, (user, name)
            assert client.post(reverse("staff:station_visit_delete", args=[visits["a1"].pk])).status_code == 403
        assert StationVisit.objects.count() == 5

    def test_another_countys_visit_is_not_found(self, client, staff_b, visits):
        client.force_login(staff_b)
        pk = visits["a1"].pk
        for name in ("staff:station_visit", "staff:station_visit_edit"):
            assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.post(reverse("staff:station_visit_delete", args=[pk])).status_code == 404
        assert StationVisit.objects.filter(pk=pk).exists()

    def test_leaders_read_but_do_not_correct_or_remove(self, client, leader_a, visits):
        client.force_login(leader_a)
        pk = visits["a1"].pk
        assert client.get(reverse("staff:station_visit", args=[pk])).context["can_change"] is False
        assert client.get(reverse("staff:station_visit_edit", args=[pk])).status_code == 403
        assert client.post(reverse("staff:station_visit_delete", args=[pk])).status_code == 403
        assert StationVisit.objects.filter(pk=pk).exists()

    def test_a_leaders_form_records_their_own_visit_whatever_is_posted(self, client, leader_a, city_leader, station_a):
        client.force_login(leader_a)
        form = client.get(reverse("staff:station_visit_new")).context["form"]
        assert "leader" not in form.fields and "visitor_name" not in form.fields
        response = client.post(
            reverse("staff:station_visit_new"),
            {
                "station": station_a.pk,
                "date": day().isoformat(),
                "leader": city_leader.pk,
                "visitor_name": "别人",
                "purpose": "走访",
                "findings": "无。",
            },
        )
        visit = StationVisit.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("staff:station_visit", args=[visit.pk])
        assert (visit.leader, visit.visitor_name, visit.recorded_by) == (leader_a, "", leader_a)

    def test_a_leaders_form_offers_only_stations_of_their_region(self, client, leader_a, station_a, station_b):
        client.force_login(leader_a)
        stations = client.get(reverse("staff:station_visit_new")).context["form"].fields["station"].queryset
        assert list(stations) == [station_a]
        response = client.post(
            reverse("staff:station_visit_new"),
            {"station": station_b.pk, "date": day().isoformat(), "purpose": "走访", "findings": "无。"},
        )
        assert response.status_code == 200 and "station" in response.context["form"].errors
        assert not StationVisit.objects.exists()


class TestStaffPages:
    def test_staff_record_a_visit_from_the_stations_page(self, client, staff_a, station_a, city_leader, leader_b):
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_visit_new"), {"station": station_a.pk})
        form = response.context["form"]
        assert form.initial["station"] == str(station_a.pk)
        # The city's leaders and the county's own are offered; another county's are not.
        assert city_leader in form.fields["leader"].queryset and leader_b not in form.fields["leader"].queryset
        response = client.post(
            reverse("staff:station_visit_new"),
            {
                "station": station_a.pk,
                "date": day().isoformat(),
                "leader": city_leader.pk,
                "purpose": "调研",
                "findings": "无。",
            },
        )
        assert response.status_code == 302
        assert StationVisit.objects.get().leader == city_leader

    def test_the_form_says_why_the_service_refused(self, client, staff_a, station_a):
        client.force_login(staff_a)
        response = client.post(
            reverse("staff:station_visit_new"),
            {
                "station": station_a.pk,
                "date": day().isoformat(),
                "visitor_name": "陈国强",
                "purpose": "调研",
                "findings": "无",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == ["没有账号的来访人须填写职务。"]
        assert not StationVisit.objects.exists()

    def test_staff_correct_and_remove_a_visit(self, client, staff_a, visits, station_a):
        client.force_login(staff_a)
        visit = visits["a3"]
        response = client.get(reverse("staff:station_visit_edit", args=[visit.pk]))
        assert response.context["form"].initial["visitor_name"] == "陈国强"
        response = client.post(
            reverse("staff:station_visit_edit", args=[visit.pk]),
            {
                "station": station_a.pk,
                "date": day(9, 2).isoformat(),
                "visitor_name": "陈国强",
                "visitor_post": "市人大常委会副主任",
                "purpose": "之家改",
                "findings": "无。",
            },
        )
        assert response.status_code == 302
        visit.refresh_from_db()
        assert (visit.station, visit.date, visit.purpose) == (station_a, day(9, 2), "之家改")
        response = client.post(reverse("staff:station_visit_delete", args=[visit.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("staff:station_visits")
        assert not StationVisit.objects.filter(pk=visit.pk).exists()


# The figure -----------------------------------------------------------------------------------------------------


class TestLeaderVisitsFigure:
    def list_count(self, client, user, year, region):
        client.force_login(user)
        url = (
            reverse("staff:station_visits")
            + "?"
            + "&".join(f"{key}={value}" for key, value in selectors.leader_visits_query(year, region).items())
        )
        return client.get(url).context["page"].paginator.count

    @pytest.mark.parametrize(
        ("who", "region", "expected"),
        [
            ("staff_a", None, 3),
            ("staff_a", "county_a", 3),
            ("staff_a", "town_a", 2),
            ("leader_a", "county_a", 3),
            ("city_staff", None, 4),
            ("city_staff", "city", 4),
            ("city_staff", "county_b", 1),
            ("staff_b", None, 1),
            # A region outside the user's: nothing, in the figure and the list alike.
            ("staff_b", "county_a", 0),
        ],
    )
    def test_the_count_is_the_lists_rows(self, request, client, visits, regions, who, region, expected):
        user = request.getfixturevalue(who)
        region = getattr(regions, region) if region else None
        assert selectors.leader_visits(user, YEAR, region).count() == expected
        assert self.list_count(client, user, YEAR, region) == expected

    def test_counted_by_the_visits_date_in_the_year(self, staff_a, visits):
        assert set(selectors.leader_visits(staff_a, YEAR, None)) == {visits["a1"], visits["a2"], visits["a3"]}
        assert list(selectors.leader_visits(staff_a, YEAR - 1, None)) == [visits["a_before"]]

    def test_the_query_names_the_lists_filters(self, regions):
        assert selectors.leader_visits_query(2025, regions.county_a) == {
            "year": "2025",
            "region": str(regions.county_a.pk),
        }
        assert selectors.leader_visits_query(2025, None) == {"year": "2025"}

    def test_the_figure_takes_a_fixed_number_of_queries(self, staff_a, visits, regions, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):
            selectors.leader_visits(staff_a, YEAR, regions.county_a).count()


def page_queries(client, url) -> int:
    cache.clear()  # cold caches both times, so cached option lists are counted as built
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_run_as_many_queries_with_more_visits(client, staff_a, regions, station_a, leader_a, city_leader):
    client.force_login(staff_a)
    stations = [station_a, *(StationFactory(region=regions.town_a) for _ in range(2))]

    def grow(n, start):
        for i in range(n):
            StationVisitFactory(
                station=stations[i % 3],
                leader=(leader_a, city_leader, None)[i % 3],
                visitor_name="" if i % 3 < 2 else f"来访人{start + i}",
                visitor_post="" if i % 3 < 2 else "委员",
                date=day() - datetime.timedelta(days=start + i),
            )

    urls = [reverse("staff:station_visits"), reverse("staff:station", args=[station_a.pk])]
    grow(3, 0)
    visit = StationVisit.objects.first()
    urls.append(reverse("staff:station_visit", args=[visit.pk]))
    before = [page_queries(client, url) for url in urls]
    grow(40, 10)
    assert [page_queries(client, url) for url in urls] == before


class TestAdmin:
    def test_staff_see_and_correct_their_regions_visits_only(self, client, staff_a, visits, city_leader, leader_b):
        client.force_login(staff_a)
        listed = client.get(reverse("admin:liaison_stations_stationvisit_changelist")).context["cl"].result_list
        assert {visit.purpose for visit in listed} == {"之家", "白沙二", "白沙一", "去年"}
        change = reverse("admin:liaison_stations_stationvisit_change", args=[visits["b1"].pk])
        assert client.get(change).status_code in (302, 404)
        response = client.get(reverse("admin:liaison_stations_stationvisit_change", args=[visits["a1"].pk]))
        leaders = response.context["adminform"].form.fields["leader"].queryset
        assert city_leader in leaders and leader_b not in leaders

    def test_visits_are_recorded_on_the_staff_pages_not_in_the_admin(self, client, staff_a):
        client.force_login(staff_a)
        assert client.get(reverse("admin:liaison_stations_stationvisit_add")).status_code == 403


def test_the_demo_holds_leaders_visits_for_last_year_and_this():
    from django.core.management import call_command

    from representatives.models import User

    call_command("seed_demo", stdout=io.StringIO(), deputies=50)
    leader, county_staff = User.objects.get(username="leader"), User.objects.get(username="staff_county")
    for year in (TODAY.year - 1, TODAY.year):
        own = selectors.leader_visits(leader, year, None).filter(leader=leader)
        assert own.count() == 4 and all(visit.recorded_by == leader for visit in own)
        assert selectors.leader_visits(leader, year, None).filter(leader=None).exists()
        # The county office sees the visits at its own stations, its standing committee's among them.
        assert selectors.leader_visits(county_staff, year, county_staff.region).filter(leader=None).exists()
    assert visit_steps().count() == StationVisit.objects.count()
