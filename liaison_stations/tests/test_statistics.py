"""The stations' figures, checked against a small county whose every number is worked out by hand below.

County A (蓬江区) has two townships, 白沙街道 (town_a) and 荷塘镇 (town_a2), and a county-level deputy home.
Period: March 2025. Deputies count by their own region; items attached to the county itself make its own row
(本级), so the township rows plus the own row are the total.

| station                  | region   | active | members                 | held days in March (voters)        |
|--------------------------|----------|--------|-------------------------|------------------------------------|
| 白沙一站 S1              | town_a   | yes    | d1 d2 d3 d9 (left 02-15) | 03-05 (10), 03-31 (5)             |
| 白沙二站 S2              | town_a   | yes    | d3 d4                   | —                                  |
| 白沙旧站 S3              | town_a   | no     | d5                      | —                                  |
| 荷塘站 S4                | town_a2  | yes    | d6                      | 03-12 (4)                          |
| 蓬江代表之家 S5          | county_a | yes    | d7 (lives in county_a)  | 03-18 (6)                          |
| 台城站 SB                | town_b   | yes    | d8                      | 03-05 (50) — another county        |

d1–d5 and d9 live in town_a, d6 in town_a2, d7 in the county seat (county_a itself), d8 in town_b. Every seat is
serving except d9's, which ended on 2025-02-15.
S1 also has, not counted: a cancelled day (03-10, 7 voters typed in), a planned day (03-20), held days on
02-28 and 04-01 (100 voters each), outside the period, and a held day on 03-25 (9 voters) with d9 alone on duty,
after d9's seat had ended.

Opinions (received, status, rating, resolution):
  town_a:  o1 03-02 closed satisfied solved · o2 03-03 fed_back unsatisfied solved (the voter disagrees: not
           solved) · o3 03-04 fed_back basic in_progress, answered on the spot · o4 03-05 received ·
           o5 03-06 merged into o4 (not counted) · o6 02-27 closed satisfied (out) · o7 03-31 23:30 received (in,
           local time) · o8 04-01 00:10 received (out) · o9 03-10 transferred
  town_a2: o10 03-08 closed, not rated, explained
  county_a (a deputy's visit, no station): o11 03-09 received
  town_b:  o12 03-05 closed satisfied solved — another county

So, for March:
| row      | st | dep | per | held | voters | in | spot | answered | closed | solved | closed % | solved % | sat. % |
|----------|----|-----|-----|------|--------|----|------|----------|--------|--------|----------|----------|--------|
| town_a   | 2  | 4   | 2.0 | 2    | 15     | 6  | 1    | 3        | 1      | 1      | 16.7     | 16.7     | 66.7   |
| town_a2  | 1  | 1   | 1.0 | 1    | 4      | 1  | 0    | 1        | 1      | 0      | 100.0    | 0.0      | —      |
| own      | 1  | 1   | 1.0 | 1    | 6      | 1  | 0    | 0        | 0      | 0      | 0.0      | 0.0      | —      |
| county_a | 4  | 6   | 1.5 | 4    | 25     | 8  | 1    | 4        | 2      | 1      | 25.0     | 12.5     | 66.7   |
"""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison_stations import selectors
from liaison_stations.models import DutyDay, Opinion, Proposal, Rating, Resolution
from liaison_stations.tests.factories import (
    DutyDayFactory,
    DutyShiftFactory,
    OpinionFactory,
    StationFactory,
    StationMemberFactory,
)
from representatives import tallies
from representatives.models import Membership
from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    LeaderFactory,
    MembershipFactory,
    RegionFactory,
    StaffFactory,
)

S = Opinion.Status
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH_1, MARCH_31 = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=LOCAL)


@pytest.fixture
def county(regions):
    town_a2 = RegionFactory.child_of(regions.county_a, code="440703002", name="荷塘镇")
    s1 = StationFactory(region=regions.town_a, name="白沙一站")
    s2 = StationFactory(region=regions.town_a, name="白沙二站")
    s3 = StationFactory(region=regions.town_a, name="白沙旧站", is_active=False)
    s4 = StationFactory(region=town_a2, name="荷塘站")
    s5 = StationFactory(region=regions.county_a, name="蓬江代表之家", kind="home")
    sb = StationFactory(region=regions.town_b, name="台城站")

    congress = CongressFactory(region=regions.county_a)
    d1, d2, d3, d4, d5, d9 = DeputyFactory.create_batch(6, region=regions.town_a)
    d6, d7, d8 = (DeputyFactory(region=region) for region in (town_a2, regions.county_a, regions.town_b))
    for deputy in (d1, d2, d3, d4, d5, d6, d7, d8):
        MembershipFactory(deputy=deputy, congress=congress)
    MembershipFactory(
        deputy=d9, congress=congress, status=Membership.Status.RESIGNED, status_date=datetime.date(2025, 2, 15)
    )
    for station, deputies in ((s1, [d1, d2, d3, d9]), (s2, [d3, d4]), (s3, [d5]), (s4, [d6]), (s5, [d7]), (sb, [d8])):
        for deputy in deputies:
            StationMemberFactory(station=station, deputy=deputy)

    held = DutyDay.Status.HELD
    for station, date, status, voters in (
        (s1, datetime.date(2025, 3, 5), held, 10),
        (s1, datetime.date(2025, 3, 31), held, 5),
        (s1, datetime.date(2025, 3, 10), DutyDay.Status.CANCELLED, 7),
        (s1, datetime.date(2025, 3, 20), DutyDay.Status.PLANNED, 0),
        (s1, datetime.date(2025, 2, 28), held, 100),
        (s1, datetime.date(2025, 4, 1), held, 100),
        (s4, datetime.date(2025, 3, 12), held, 4),
        (s5, datetime.date(2025, 3, 18), held, 6),
        (sb, datetime.date(2025, 3, 5), held, 50),
    ):
        DutyDayFactory(station=station, date=date, status=status, voters_received=voters)
    after_leaving = DutyDayFactory(station=s1, date=datetime.date(2025, 3, 25), status=held, voters_received=9)
    DutyShiftFactory(duty_day=after_leaving, deputy=d9, attended=True)

    def opinion(station, received_at, status=S.RECEIVED, rating="", **fields):
        return OpinionFactory(station=station, received_at=received_at, status=status, rating=rating, **fields)

    opinion(s1, at(3, 2), S.CLOSED, Rating.SATISFIED, resolution=Resolution.SOLVED)
    opinion(s1, at(3, 3), S.FED_BACK, Rating.UNSATISFIED, resolution=Resolution.SOLVED)
    opinion(s2, at(3, 4), S.FED_BACK, Rating.BASIC, resolution=Resolution.IN_PROGRESS, proposal=Proposal.ON_SPOT)
    o4 = opinion(s1, at(3, 5), S.RECEIVED)
    opinion(s1, at(3, 6), S.MERGED, merged_into=o4)
    opinion(s1, at(2, 27), S.CLOSED, Rating.SATISFIED)
    opinion(s1, at(3, 31, 23, 30))
    opinion(s1, at(4, 1, 0, 10))
    opinion(s1, at(3, 10), S.TRANSFERRED)
    opinion(s4, at(3, 8), S.CLOSED, resolution=Resolution.EXPLAINED)
    OpinionFactory(station=None, region=regions.county_a, deputy=d7, source="visit", received_at=at(3, 9))
    opinion(sb, at(3, 5), S.CLOSED, Rating.SATISFIED, resolution=Resolution.SOLVED)
    return type("County", (), {"town_a": regions.town_a, "town_a2": town_a2, "county_a": regions.county_a, "d9": d9})


def figures(row):
    return {
        "stations": row.stations,
        "deputies": row.deputies_assigned,
        "per_station": row.deputies_per_station,
        "held": row.duty_days_held,
        "voters": row.voters_received,
        "collected": row.opinions_collected,
        "on_the_spot": row.opinions_on_the_spot,
        "answered": row.opinions_answered,
        "closed": row.opinions_closed,
        "solved": row.opinions_solved,
        "closed_rate": row.closed_rate,
        "solved_rate": row.solved_rate,
        "rated": row.rated,
        "satisfied": row.satisfied,
        "satisfaction_rate": row.satisfaction_rate,
    }


def expected(*values):
    names = [
        "stations",
        "deputies",
        "per_station",
        "held",
        "voters",
        "collected",
        "on_the_spot",
        "answered",
        "closed",
        "solved",
        "closed_rate",
        "solved_rate",
        "rated",
        "satisfied",
        "satisfaction_rate",
    ]
    return dict(zip(names, values, strict=True))


TOWN_A = expected(2, 4, 2.0, 2, 15, 6, 1, 3, 1, 1, 16.7, 16.7, 3, 2, 66.7)
TOWN_A2 = expected(1, 1, 1.0, 1, 4, 1, 0, 1, 1, 0, 100.0, 0.0, 0, 0, None)
OWN_A = expected(1, 1, 1.0, 1, 6, 1, 0, 0, 0, 0, 0.0, 0.0, 0, 0, None)
COUNTY_A = expected(4, 6, 1.5, 4, 25, 8, 1, 4, 2, 1, 25.0, 12.5, 3, 2, 66.7)
ADDITIVE = ("stations", "deputies", "held", "voters", "collected", "on_the_spot", "answered", "closed", "solved")


def march(user, region=None):
    return selectors.station_statistics(user=user, region=region, date_from=MARCH_1, date_to=MARCH_31)


@pytest.mark.django_db
class TestStationStatistics:
    def test_county_staff_get_one_row_per_township_with_each_figure(self, staff_a, county):
        table, _total = march(staff_a)
        assert [(row.region, row.own) for row in table] == [
            (county.town_a, False),
            (county.town_a2, False),
            (county.county_a, True),
        ]
        assert [figures(row) for row in table] == [TOWN_A, TOWN_A2, OWN_A]

    def test_the_rows_and_the_own_row_add_up_to_the_total(self, staff_a, city_staff, county):
        for user in (staff_a, city_staff):
            for period in ((MARCH_1, MARCH_31), (None, None)):
                table, total = selectors.station_statistics(
                    user=user, region=None, date_from=period[0], date_to=period[1]
                )
                for name in ADDITIVE:
                    assert sum(figures(row)[name] for row in table) == figures(total)[name], name

    def test_a_deputy_who_left_counts_in_a_period_they_served_in_and_not_after(self, staff_a, county):
        table, _total = selectors.station_statistics(
            user=staff_a, region=None, date_from=datetime.date(2025, 2, 1), date_to=datetime.date(2025, 2, 28)
        )
        assert table[0].deputies_assigned == 5
        table, _total = march(staff_a)
        assert table[0].deputies_assigned == 4

    def test_the_station_list_counts_serving_members_as_the_station_page(self, client, staff_a, county):
        stations = {s.name: s.member_count for s in selectors.station_list(user=staff_a).qs}
        assert stations["白沙一站"] == 3 and stations["白沙二站"] == 2
        client.force_login(staff_a)
        s1 = next(s for s in selectors.station_list(user=staff_a).qs if s.name == "白沙一站")
        response = client.get(reverse("staff:station", args=[s1.pk]))
        assert response.context["serving_count"] == 3 and len(response.context["members"]) == 4

    def test_the_total_is_the_whole_county_including_its_county_level_home(self, staff_a, county):
        _table, total = march(staff_a)
        assert total.region == county.county_a
        assert figures(total) == COUNTY_A

    def test_a_deputy_in_two_stations_of_one_township_counts_once(self, staff_a, county):
        table, _total = march(staff_a)
        assert table[0].deputies_assigned == 4

    def test_leaders_see_the_same_figures_as_staff(self, county):
        leader = LeaderFactory(region=county.county_a)
        table, total = march(leader)
        assert [figures(row) for row in table] == [TOWN_A, TOWN_A2, OWN_A] and figures(total) == COUNTY_A

    def test_staff_of_another_county_see_none_of_these_figures(self, staff_b, county, regions):
        table, total = march(staff_b)
        assert [row.region for row in table] == [regions.town_b]
        assert (total.stations, total.duty_days_held, total.voters_received, total.opinions_collected) == (1, 1, 50, 1)

    def test_asking_for_a_region_outside_ones_own_gives_nothing(self, staff_b, county):
        table, total = march(staff_b, region=county.county_a)
        assert total.stations == total.voters_received == total.opinions_collected == 0

    def test_city_staff_get_one_row_per_county(self, city_staff, county, regions):
        table, total = march(city_staff)
        assert [row.region for row in table] == [regions.county_a, regions.county_b]
        assert figures(table[0]) == COUNTY_A
        assert (total.stations, total.voters_received, total.opinions_collected) == (5, 75, 9)

    def test_choosing_a_township_gives_it_as_its_own_total(self, staff_a, county):
        table, total = march(staff_a, region=county.town_a)
        assert [row.region for row in table] == [county.town_a]
        assert figures(table[0]) == TOWN_A and figures(total) == TOWN_A

    def test_without_a_period_every_held_day_and_opinion_counts(self, staff_a, county):
        table, total = selectors.station_statistics(user=staff_a, region=None, date_from=None, date_to=None)
        assert (table[0].duty_days_held, table[0].voters_received) == (4, 215)
        assert (table[0].opinions_collected, table[0].opinions_fed_back, table[0].opinions_closed) == (8, 4, 2)
        assert (total.duty_days_held, total.opinions_collected) == (6, 10)

    def test_deputies_assigned_are_counted_once_a_minute_when_slow(self, staff_a, county, settings):
        # Counted in the visit over every deputy of the scope (0.65 s for a province): kept as a slow count is.
        settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0
        first = [row.deputies_assigned for row in march(staff_a)[0]]
        with CaptureQueriesContext(connection) as queries:
            again = [row.deputies_assigned for row in march(staff_a)[0]]
        assert again == first
        assert not any('"representatives_deputy"' in query["sql"] for query in queries.captured_queries)

    def test_the_figures_take_a_fixed_number_of_queries(self, staff_a, county, django_assert_max_num_queries):
        tallies.flush()  # as each change's commit does: the page only adds up the summary rows
        with django_assert_max_num_queries(6):
            march(staff_a)


@pytest.mark.django_db
class TestStatisticsPage:
    def test_the_page_shows_the_table_for_the_period(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_statistics"), {"date_from": "2025-03-01", "date_to": "2025-03-31"})
        body = response.content.decode()
        assert response.status_code == 200
        assert [figures(row) for row, _cells in response.context["rows"]] == [TOWN_A, TOWN_A2, OWN_A]
        assert "荷塘镇" in body and "蓬江区（本级）" in body and "66.7%" in body and "12.5%" in body
        assert "统计口径" in body and "问题实际解决的意见" in body

    def test_the_export_has_the_same_figures(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(
            reverse("staff:station_statistics"), {"date_from": "2025-03-01", "date_to": "2025-03-31", "export": "xlsx"}
        )
        rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]
        assert rows[0] == [
            "区域",
            "联络站",
            "编入代表",
            "站均代表",
            "接待日",
            "接待人次",
            "收集意见",
            "当场答复",
            "已答复",
            "已办结",
            "已解决",
            "办结率（%）",
            "解决率（%）",
            "满意率（%）",
        ]
        assert rows[1] == ["白沙街道", 2, 4, 2.0, 2, 15, 6, 1, 3, 1, 1, 16.7, 16.7, 66.7]
        assert rows[2] == ["荷塘镇", 1, 1, 1.0, 1, 4, 1, 0, 1, 1, 0, 100.0, 0.0, None]
        assert rows[3] == ["蓬江区（本级）", 1, 1, 1.0, 1, 6, 1, 0, 0, 0, 0, 0.0, 0.0, None]
        assert rows[4] == ["合计", 4, 6, 1.5, 4, 25, 8, 1, 4, 2, 1, 25.0, 12.5, 66.7]

    def test_a_region_outside_ones_own_is_not_offered(self, client, staff_a, county, regions):
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_statistics"), {"region": regions.county_b.pk})
        assert response.context["filter"].form.errors
        assert response.context["region"] == regions.county_a

    def test_the_page_takes_a_fixed_number_of_queries(self, client, staff_a, county, django_assert_max_num_queries):
        client.force_login(staff_a)
        url, march = reverse("staff:station_statistics"), {"date_from": "2025-03-01", "date_to": "2025-03-31"}
        client.get(url, march)
        with django_assert_max_num_queries(16):
            client.get(url, march)

    def test_the_page_in_english_names_each_figure_and_how_it_is_counted(self, client, staff_a, county):
        # Passes once the lead has compiled this work's translations (/tmp/po).
        client.force_login(staff_a)
        client.cookies["django_language"] = "en"
        body = client.get(reverse("staff:station_statistics"), {"date_from": "2025-03-01"}).content.decode()
        for text in ("Definitions", "Replied", "Closed", "Resolved", "Resolution rate", "(own)", "problem solved"):
            assert text in body, text

    def test_leaders_read_the_page(self, client, county):
        client.force_login(LeaderFactory(region=county.county_a))
        assert client.get(reverse("staff:station_statistics")).status_code == 200

    def test_deputies_clerks_and_visitors_are_refused(self, client, deputy_user_a):
        url = reverse("staff:station_statistics")
        assert client.get(url).status_code == 302
        client.force_login(deputy_user_a)
        assert client.get(url).status_code == 403
        client.force_login(ClerkFactory())
        assert client.get(url).status_code == 403

    def test_a_township_officer_sees_only_the_township(self, client, county):
        client.force_login(StaffFactory(region=county.town_a2))
        response = client.get(reverse("staff:station_statistics"), {"date_from": "2025-03-01", "date_to": "2025-03-31"})
        assert [figures(row) for row, _cells in response.context["rows"]] == [TOWN_A2]


@pytest.mark.django_db
class TestStationDeputyList:
    MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}

    def listed(self, client, user, **params):
        client.force_login(user)
        response = client.get(reverse("staff:station_deputies"), {**self.MARCH, **params})
        assert response.status_code == 200
        return response

    def test_a_row_lists_the_deputies_its_figure_counts(self, client, staff_a, county):
        response = self.listed(client, staff_a, region=county.town_a.pk)
        assert response.context["page"].paginator.count == TOWN_A["deputies"]
        own = self.listed(client, staff_a, region=county.county_a.pk, own="on")
        assert [deputy.region for deputy in own.context["page"].object_list] == [county.county_a]

    def test_a_deputy_who_left_is_listed_only_for_a_period_they_served_in(self, client, staff_a, county):
        march = self.listed(client, staff_a, region=county.town_a.pk)
        assert county.d9 not in march.context["page"].object_list
        february = self.listed(client, staff_a, region=county.town_a.pk, date_from="2025-02-01", date_to="2025-02-28")
        assert county.d9 in february.context["page"].object_list

    def test_a_region_outside_ones_own_lists_nothing(self, client, staff_b, county):
        response = self.listed(client, staff_b, region=county.county_a.pk)
        assert response.context["page"].paginator.count == 0

    def test_the_page_takes_a_fixed_number_of_queries(self, client, staff_a, county, django_assert_max_num_queries):
        self.listed(client, staff_a)
        with django_assert_max_num_queries(14):
            self.listed(client, staff_a)

    def test_deputies_and_clerks_are_refused(self, client, deputy_user_a):
        client.force_login(deputy_user_a)
        assert client.get(reverse("staff:station_deputies")).status_code == 403
        client.force_login(ClerkFactory())
        assert client.get(reverse("staff:station_deputies")).status_code == 403
