"""The dashboard and the year report, checked against a small county whose every figure is worked out by hand.

County A (蓬江区) has two townships, 白沙街道 (town_a) and 荷塘镇 (town_a2). Year: 2025.

Deputies (seats: county congress of A unless said otherwise):
| deputy | lives in | seats                                   | confirmed reports to voters       |
|--------|----------|-----------------------------------------|-----------------------------------|
| d1     | town_a   | county direct serving; city indirect    | 2025-03-10 (50 voters)            |
| d2     | town_a   | county direct serving                   | 2024-11-01 only; 2025 one pending |
| d3     | town_a2  | county direct serving                   | 2025-06-01 twice (30, 20 voters)  |
| d4     | town_a2  | county direct, resigned 2025-02-01      | 2025-04-01 (10 voters)            |
| d5     | town_a   | city indirect serving                   | 2025-07-01 (40 voters)            |
| d6     | town_b   | county B direct serving — another county| 2025-05-01                        |
The roster of 2025 (served at any time during the year, so d4 counts though she resigned in February): serving
5 (d1 d2 d3 d4 d5), directly elected 4 (d1 d2 d3 d4), reported 3 (d1 d3 d4): 75.0%; not reported 1 (d2).
County seats 4 (all direct), city seats 2 (none direct). Rows: town_a 3/2/1 (50.0%), town_a2 2/2/2 (100.0%),
and county A's own row (nobody lives in the county itself) 0.

Activities confirmed in 2025: d1 report 03-10, research 03-15, research 05-20; d3 report 06-01 ×2; d4 report
04-01; d5 report 07-01 = 7 (report 5, research 2; March 2, April 1, May 1, June 2, July 1); voters at reports
150. Not counted: d1 inspection 03-01 pending, d1 research 2024-12-31, d3 training returned, d2's two reports.
Rows: town_a 4, town_a2 3.

Stations: S1 town_a (d1 d2), S2 town_a2 (d3 d4 d1), S3 town_a inactive (d5), SB town_b (d6).
2 stations, 4 distinct deputies, 2.0 per station; rows town_a 1/2/2.0, town_a2 1/3/3.0.
Held duty days 2025: S1 03-05 (10), S1 05-05 (5), S2 06-06 (7) = 3 days, 22 voters; not counted: S2 07-07
cancelled, S1 2024-12-12, SB 03-05.

Opinions received in 2025 (local time): o1 03-02 closed satisfied · o2 03-20 fed_back basic · o3 05-01
received · o4 (town_a2) 05-10 closed unsatisfied · o5 05-11 merged into o4 (left out) · o7 12-31 23:30
received. Out: o6 2024-12-31 23:00, o8 town_b. Collected 5, fed back 1, closed 2, resolved 3 (60.0%); ratings
1/1/1, satisfaction 66.7%. By month: March 2 (1 fed back, 1 closed), May 2 (1 closed), December 1.

Suggestions of county A for 2025 (U1 交通局, U2 住建局, U3 水利局; deadlines and replies in local time):
| #   | state          | round | lead parts: deadline → answered                  | current reply   | rating       |
|-----|----------------|-------|--------------------------------------------------|-----------------|--------------|
| s1  | closed, key    | 1     | U1 06-30 → 06-30 23:00 on time (U2 co: ignored)  | A               | 满意         |
| s2  | closed         | 2     | U2 05-31 → 06-05 late; U2 08-31 → 08-01 on time  | B, promise kept | 不满意→基本满意 |
| s3  | replied        | 1     | U1 07-31 → 08-01 06:00 late                      | C               | —            |
| s4  | assigned       | 1     | U3 09-30, open: overdue (U1 part moved away)     | —               | —            |
| s5  | assigned       | 1     | U3 due in two months: not yet due                | —               | —            |
| s6  | registered     |       |                                                  |                 |              |
| s7  | not registered |       |                                                  |                 |              |
| s8  | submitted      |       |                                                  |                 |              |
| s12 | closed         | 1     | U1 10-31 → 10-30 on time                         | B, not yet done | 满意         |
Not counted: a draft, a 2024 suggestion, one of county B.
Received 9; registered 7; replied 4 (57.1%); key 1; re-handled 1; overdue now 1. Parts due 6, on time 3
(50.0%): U1 2/3 66.7%, U2 1/2 50.0%, U3 0/1 0.0% → best U1, U2; worst U3. Final ratings 2 satisfied, 1 basic,
0 unsatisfied (100.0%); unsatisfied ever 1. Replies A 1, B 2 (1 reported done, 1 kept), C 1: solved 2/4 50.0%.
"""

import datetime
import html
import io
import json
import re
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import dashboard, views_dashboard
from liaison_stations.models import DutyDay, Opinion, Rating
from liaison_stations.tests.factories import DutyDayFactory, OpinionFactory, StationFactory, StationMemberFactory
from representatives import tallies
from representatives.models import ActivityKind, ActivityRecord, Level, Membership
from representatives.tests.factories import (
    ActivityRecordFactory,
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
)
from suggestions.models import Assignment, Evaluation, Reply, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
S = Suggestion.Status
A = Assignment.Status
OS = Opinion.Status
K = ActivityKind
CONFIRMED = ActivityRecord.Status.CONFIRMED


def at(month, day, hour=10, minute=0, year=YEAR):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def day(month, d, year=YEAR):
    return datetime.date(year, month, d)


class County:
    """Everything the docstring's tables describe, with names to refer to."""


def _seat(deputy, congress, election="direct", **fields):
    return MembershipFactory(deputy=deputy, congress=congress, election=election, **fields)


def _activity(deputy, kind, date, status=CONFIRMED, **fields):
    if kind == K.REPORT_TO_VOTERS:
        fields.setdefault("voters_attended", 10)
    if status == ActivityRecord.Status.RETURNED:
        fields.setdefault("return_reason", "材料不全")
    return ActivityRecordFactory(deputy=deputy, kind=kind, date=date, status=status, **fields)


def _part(suggestion, unit, deadline, done=None, role=Assignment.Role.LEAD, round=1, status=None):
    return AssignmentFactory(
        suggestion=suggestion,
        unit=unit,
        role=role,
        round=round,
        deadline=deadline,
        done_at=done,
        status=status or (A.DONE if done else A.ACTIVE),
    )


def _reply(part, reply_class, **fields):
    if reply_class == "B":
        fields.setdefault("promised_date", day(12, 31, 2026))
    if reply_class == "C":
        fields.setdefault("reason", "受财力限制")
    return Reply.objects.create(assignment=part, reply_class=reply_class, text="答复", document="r.pdf", **fields)


@pytest.fixture
def county(regions):
    c = County()
    c.regions = regions
    c.town_a, c.town_b, c.county_a = regions.town_a, regions.town_b, regions.county_a
    c.town_a2 = RegionFactory.child_of(regions.county_a, code="440703002", name="荷塘镇")
    c.congress = CongressFactory(region=regions.county_a, level=Level.COUNTY, code="440703-4-17", term_number=17)
    c.congress_b = CongressFactory(region=regions.county_b, level=Level.COUNTY, code="440781-4-17", term_number=17)
    c.city_congress = CongressFactory(region=regions.city, level=Level.CITY, code="4407-3-16", term_number=16)

    d1, d2, d5 = (DeputyFactory(region=c.town_a, name=name) for name in ("一号", "二号", "五号"))
    d3, d4 = (DeputyFactory(region=c.town_a2, name=name) for name in ("三号", "四号"))
    d6 = DeputyFactory(region=c.town_b, name="六号")
    c.d1, c.d2, c.d3, c.d4, c.d5, c.d6 = d1, d2, d3, d4, d5, d6
    _seat(d1, c.congress)
    _seat(d1, c.city_congress, "indirect")
    _seat(d2, c.congress)
    _seat(d3, c.congress)
    _seat(d4, c.congress, status=Membership.Status.RESIGNED, status_date=day(2, 1))
    _seat(d5, c.city_congress, "indirect")
    _seat(d6, c.congress_b)

    _activity(d1, K.REPORT_TO_VOTERS, day(3, 10), voters_attended=50)
    _activity(d1, K.RESEARCH, day(3, 15))
    _activity(d1, K.RESEARCH, day(5, 20))
    _activity(d1, K.INSPECTION, day(3, 1), status=ActivityRecord.Status.PENDING)
    _activity(d1, K.RESEARCH, day(12, 31, 2024))
    _activity(d2, K.REPORT_TO_VOTERS, day(11, 1, 2024))
    _activity(d2, K.REPORT_TO_VOTERS, day(4, 4), status=ActivityRecord.Status.PENDING)
    _activity(d3, K.REPORT_TO_VOTERS, day(6, 1), voters_attended=30)
    _activity(d3, K.REPORT_TO_VOTERS, day(6, 1), voters_attended=20)
    _activity(d3, K.TRAINING, day(6, 15), status=ActivityRecord.Status.RETURNED)
    _activity(d4, K.REPORT_TO_VOTERS, day(4, 1), voters_attended=10)
    _activity(d5, K.REPORT_TO_VOTERS, day(7, 1), voters_attended=40)
    _activity(d6, K.REPORT_TO_VOTERS, day(5, 1))
    _activity(d6, K.INSPECTION, day(3, 1))

    c.s1 = StationFactory(region=c.town_a, name="白沙一站")
    c.s2 = StationFactory(region=c.town_a2, name="荷塘站")
    s3 = StationFactory(region=c.town_a, name="白沙旧站", is_active=False)
    sb = StationFactory(region=c.town_b, name="台城站")
    for station, deputies in ((c.s1, [d1, d2]), (c.s2, [d3, d4, d1]), (s3, [d5]), (sb, [d6])):
        for deputy in deputies:
            StationMemberFactory(station=station, deputy=deputy)
    held = DutyDay.Status.HELD
    for station, date, status, voters in (
        (c.s1, day(3, 5), held, 10),
        (c.s1, day(5, 5), held, 5),
        (c.s2, day(6, 6), held, 7),
        (c.s2, day(7, 7), DutyDay.Status.CANCELLED, 9),
        (c.s1, day(12, 12, 2024), held, 100),
        (sb, day(3, 5), held, 50),
    ):
        DutyDayFactory(station=station, date=date, status=status, voters_received=voters)

    OpinionFactory(station=c.s1, received_at=at(3, 2), status=OS.CLOSED, rating=Rating.SATISFIED)
    OpinionFactory(station=c.s1, received_at=at(3, 20), status=OS.FED_BACK, rating=Rating.BASIC)
    OpinionFactory(station=c.s1, received_at=at(5, 1))
    o4 = OpinionFactory(station=c.s2, received_at=at(5, 10), status=OS.CLOSED, rating=Rating.UNSATISFIED)
    OpinionFactory(station=c.s2, received_at=at(5, 11), status=OS.MERGED, merged_into=o4)
    OpinionFactory(station=c.s1, received_at=at(12, 31, 23, 0, year=2024), status=OS.CLOSED, rating=Rating.SATISFIED)
    OpinionFactory(station=c.s1, received_at=at(12, 31, 23, 30))
    OpinionFactory(station=sb, received_at=at(3, 5), status=OS.CLOSED, rating=Rating.SATISFIED)

    c.u1 = HandlingUnitFactory(region=c.county_a, name="区交通运输局")
    c.u2 = HandlingUnitFactory(region=c.county_a, name="区住建局")
    c.u3 = HandlingUnitFactory(region=c.county_a, name="区水利局")

    def suggestion(status, congress=None, year=YEAR, **fields):
        return SuggestionFactory(congress=congress or c.congress, deputy=d1, year=year, status=status, **fields)

    s1 = suggestion(S.CLOSED, is_key=True, replied_at=at(6, 30, 23))
    _reply(_part(s1, c.u1, day(6, 30), at(6, 30, 23)), "A")
    _part(s1, c.u2, day(4, 1), at(4, 10), role=Assignment.Role.CO)
    Evaluation.objects.create(suggestion=s1, round=1, value=Evaluation.Value.SATISFIED)

    s2 = suggestion(S.CLOSED, round=2, replied_at=at(8, 1))
    _reply(_part(s2, c.u2, day(5, 31), at(6, 5)), "B")
    _reply(
        _part(s2, c.u2, day(8, 31), at(8, 1), round=2),
        "B",
        promise_done_at=at(9, 1),
        promise_confirmed_at=at(9, 2),
    )
    Evaluation.objects.create(suggestion=s2, round=1, value=Evaluation.Value.UNSATISFIED)
    Evaluation.objects.create(suggestion=s2, round=2, value=Evaluation.Value.BASIC)

    s3 = suggestion(S.REPLIED, replied_at=at(8, 1, 6))
    _reply(_part(s3, c.u1, day(7, 31), at(8, 1, 6)), "C")

    s4 = suggestion(S.ASSIGNED)
    _part(s4, c.u3, day(9, 30))
    _part(s4, c.u1, day(9, 30), status=A.REASSIGNED)

    s5 = suggestion(S.ASSIGNED)
    _part(s5, c.u3, timezone.localdate() + datetime.timedelta(days=60))

    suggestion(S.REGISTERED)
    suggestion(S.NOT_REGISTERED, refusal_reason="属于信访事项")
    suggestion(S.SUBMITTED)
    suggestion(S.DRAFT)

    s12 = suggestion(S.CLOSED, replied_at=at(10, 30))
    _reply(_part(s12, c.u1, day(10, 31), at(10, 30)), "B")
    Evaluation.objects.create(suggestion=s12, round=1, value=Evaluation.Value.SATISFIED)

    old = suggestion(S.CLOSED, year=2024, replied_at=at(9, 1, year=2024))
    _reply(_part(old, c.u1, day(8, 1, 2024), at(9, 1, year=2024)), "A")
    Evaluation.objects.create(suggestion=old, round=1, value=Evaluation.Value.UNSATISFIED)

    other = suggestion(S.CLOSED, congress=c.congress_b, replied_at=at(6, 1))
    _reply(_part(other, c.u3, day(6, 30), at(6, 1)), "A")
    Evaluation.objects.create(suggestion=other, round=1, value=Evaluation.Value.UNSATISFIED)
    return c


def compute(user, region=None, year=YEAR):
    return dashboard.compute(user=user, region=region or user.region, year=year)


# The figures --------------------------------------------------------------------------------------------------


class TestDeputyFigures:
    def test_serving_deputies_directly_elected_ones_and_those_who_reported_are_counted_once_each(self, staff_a, county):
        d = compute(staff_a).deputies
        assert (d.serving, d.direct, d.reported, d.not_reported, d.report_rate) == (5, 4, 3, 1, 75.0)

    def test_deputies_are_counted_at_each_level_where_they_hold_a_serving_seat(self, staff_a, county):
        levels = {level.level: (level.serving, level.direct) for level in compute(staff_a).deputies.by_level}
        assert levels == {
            Level.NATIONAL: (0, 0),
            Level.PROVINCIAL: (0, 0),
            Level.CITY: (2, 0),
            Level.COUNTY: (4, 4),
            Level.TOWNSHIP: (0, 0),
        }

    def test_each_township_row_has_its_own_reports_to_voters_rate(self, staff_a, county):
        rows = compute(staff_a).rows
        assert [(row.region, row.own) for row in rows] == [
            (county.town_a, False),
            (county.town_a2, False),
            (county.county_a, True),
        ]
        assert [(r.serving, r.direct, r.reported, r.report_rate) for r in rows] == [
            (3, 2, 1, 50.0),
            (2, 2, 2, 100.0),
            (0, 0, 0, None),
        ]


class TestActivityFigures:
    def test_only_confirmed_activities_dated_in_the_year_are_counted_by_type(self, staff_a, county):
        a = compute(staff_a).activities
        counts = {kind: count for kind, _label, count in a.by_kind if count}
        assert (a.total, counts, a.voters_at_reports) == (7, {K.REPORT_TO_VOTERS: 5, K.RESEARCH: 2}, 150)

    def test_activities_are_split_by_month_and_type(self, staff_a, county):
        assert compute(staff_a).activities.by_month == {
            (3, K.REPORT_TO_VOTERS): 1,
            (3, K.RESEARCH): 1,
            (4, K.REPORT_TO_VOTERS): 1,
            (5, K.RESEARCH): 1,
            (6, K.REPORT_TO_VOTERS): 2,
            (7, K.REPORT_TO_VOTERS): 1,
        }

    def test_each_township_row_counts_its_deputies_activities(self, staff_a, county):
        assert [row.activities for row in compute(staff_a).rows] == [4, 3, 0]


class TestOpinionFigures:
    def test_opinions_of_the_year_are_collected_resolved_and_rated_without_merged_duplicates(self, staff_a, county):
        o = compute(staff_a).opinions
        assert (o.collected, o.fed_back, o.closed, o.resolved, o.resolved_rate) == (5, 1, 2, 3, 60.0)
        assert (o.satisfied, o.basic, o.unsatisfied, o.satisfaction_rate) == (1, 1, 1, 66.7)

    def test_opinions_fall_in_the_month_they_were_received_in_local_time(self, staff_a, county):
        months = {m.month: (m.collected, m.fed_back, m.closed) for m in compute(staff_a).opinions.months if m.collected}
        assert months == {3: (2, 1, 1), 5: (2, 0, 1), 12: (1, 0, 0)}


class TestStationFigures:
    def test_station_figures_are_those_of_the_station_statistics_for_the_year(self, staff_a, county):
        figures = compute(staff_a)
        st = figures.total.stations
        assert (st.stations, st.deputies_assigned, st.deputies_per_station, st.duty_days_held, st.voters_received) == (
            2,
            4,
            2.0,
            3,
            22,
        )
        assert [
            (r.stations.stations, r.stations.deputies_assigned, r.stations.deputies_per_station) for r in figures.rows
        ] == [
            # Deputies assigned count in the deputy's own region (liaison_stations.selectors.deputies_assigned), so
            # d1, in a station of each township, counts once, in town_a: the rows add up to the total.
            (1, 2, 2.0),
            (1, 2, 2.0),
            (0, 0, None),
        ]


class TestSuggestionFigures:
    def test_suggestions_are_counted_by_state_for_the_year_leaving_drafts_out(self, staff_a, county):
        s = compute(staff_a).suggestions
        assert s.received == 9
        assert s.by_status == {
            S.SUBMITTED: 1,
            S.REGISTERED: 1,
            S.NOT_REGISTERED: 1,
            S.ASSIGNED: 2,
            S.REPLIED: 1,
            S.CLOSED: 3,
        }
        assert (s.registered, s.not_registered, s.replied, s.reply_rate) == (7, 1, 4, 57.1)
        assert (s.key, s.rehandled, s.overdue) == (1, 1, 1)

    def test_on_time_rate_counts_lead_parts_answered_by_their_local_deadline(self, staff_a, county):
        s = compute(staff_a).suggestions
        assert (s.due, s.on_time, s.on_time_rate) == (6, 3, 50.0)

    def test_satisfaction_counts_the_rating_of_each_suggestions_current_round(self, staff_a, county):
        s = compute(staff_a).suggestions
        assert (s.satisfied, s.basic, s.unsatisfied, s.satisfaction_rate, s.unsatisfied_ever) == (2, 1, 0, 100.0, 1)

    def test_b_class_promises_kept_are_told_apart_from_replies(self, staff_a, county):
        s = compute(staff_a).suggestions
        assert (s.replies_a, s.replies_b, s.replies_c, s.promises_reported, s.promises_kept) == (1, 2, 1, 1, 1)
        assert (s.solved, s.solved_rate, s.promise_kept_rate) == (2, 50.0, 50.0)

    def test_units_are_ranked_by_on_time_rate_best_half_and_worst_half(self, staff_a, county):
        figures = compute(staff_a)
        assert [(u.name, u.due, u.on_time, u.on_time_rate) for u in figures.units] == [
            ("区交通运输局", 3, 2, 66.7),
            ("区住建局", 2, 1, 50.0),
            ("区水利局", 1, 0, 0.0),
        ]
        assert [u.name for u in figures.top_units] == ["区交通运输局", "区住建局"]
        assert [u.name for u in figures.bottom_units] == ["区水利局"]

    def test_township_rows_carry_no_suggestions_since_these_belong_to_the_county_congress(self, staff_a, county):
        figures = compute(staff_a)
        assert not figures.rows_hold_congresses
        # They are the county's own row.
        assert [row.suggestions_received for row in figures.rows] == [0, 0, 9]


class TestCityView:
    def test_city_staff_get_one_row_per_county_with_suggestions_split_by_county(self, city_staff, county, regions):
        figures = compute(city_staff)
        assert [row.region for row in figures.rows] == [regions.county_a, regions.county_b, regions.city]
        assert figures.rows_hold_congresses
        a, b, own = figures.rows
        assert own.own and (own.serving, own.activities, own.suggestions_received) == (0, 0, 0)
        assert (a.serving, a.direct, a.reported, a.activities) == (5, 4, 3, 7)
        assert (b.serving, b.direct, b.reported, b.activities) == (1, 1, 1, 2)
        assert (a.suggestions_received, a.suggestions_registered, a.suggestions_replied, a.due, a.on_time) == (
            9,
            7,
            4,
            6,
            3,
        )
        assert (b.suggestions_received, b.suggestions_registered, b.suggestions_replied, b.due, b.on_time) == (
            1,
            1,
            1,
            1,
            1,
        )
        assert (figures.suggestions.received, figures.deputies.serving, figures.activities.total) == (10, 6, 9)


# The pages ----------------------------------------------------------------------------------------------------


def dashboard_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("staff:dashboard") + (f"?{query}" if query else "")


def report_url(year=YEAR, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("staff:year_report", args=[year]) + (f"?{query}" if query else "")


def figure_href(content: str, name: str) -> str:
    match = re.search(rf'href="([^"]+)" data-figure="{name}"', content)
    assert match, name
    return html.unescape(match.group(1))


def params(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


class TestDashboardPage:
    def test_staff_see_their_own_county_for_the_current_year_by_default(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(dashboard_url())
        assert response.status_code == 200
        figures = response.context["figures"]
        assert (figures.region, figures.year) == (county.county_a, timezone.localdate().year)

    def test_every_card_links_to_the_list_it_counts_with_its_filters(self, client, staff_a, county):
        client.force_login(staff_a)
        cards = {card["title"]: card for card in client.get(dashboard_url(year=YEAR)).context["cards"]}
        region = str(county.county_a.pk)
        year_span = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
        roster = {"served_in": "2025", "region": region}
        expected = {
            "年内在任代表": ("staff:directory", roster),
            "履职活动（已确认）": ("staff:activities", {"status": "confirmed", "region": region, **year_span}),
            "向选民述职率": ("staff:directory", {**roster, "election": "direct", "reported_in": "2025"}),
            "联络站": ("staff:stations", {"region": region, "is_active": "true"}),
            "收集选民意见": (
                "staff:opinions",
                {"outcome": "counted", "received_from": "2025-01-01", "received_to": "2025-12-31", "region": region},
            ),
            "收到代表建议": ("staff:suggestions", {"year": "2025", "region": region}),
            "按期答复率": ("staff:suggestions", {"year": "2025", "overdue": "on", "region": region}),
            "建议答复满意率": ("staff:suggestions", {"year": "2025", "status": "closed", "region": region}),
        }
        for title, (url_name, query) in expected.items():
            href = cards[title]["main"].url
            assert urlsplit(href).path == reverse(url_name), title
            assert params(href) == query, title

    def test_the_activity_links_list_as_many_records_as_the_figures_say(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(dashboard_url(year=YEAR))
        kinds = {figure.label: figure for figure in response.context["activity_kinds"]}
        report = kinds[str(K.REPORT_TO_VOTERS.label)]
        assert listed(client, report.url) == report.value == 5
        months = response.context["activity_months"]
        assert [listed(client, figure.url) for figure in months] == [figure.value for figure in months]
        assert sum(figure.value for figure in months) == 7

    def test_the_suggestion_links_list_as_many_suggestions_as_the_figures_say(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(dashboard_url(year=YEAR))
        for figure in response.context["suggestion_states"]:
            assert listed(client, figure.url) == figure.value, figure.label
        assert listed(client, response.context["links"].overdue()) == 1
        assert listed(client, response.context["links"].key_suggestions()) == 1

    def test_unit_links_open_the_units_suggestions_of_the_year(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(dashboard_url(year=YEAR))
        (best, rate), _second = response.context["top_units"]
        assert best.name == "区交通运输局"
        assert params(rate.url) == {"year": "2025", "unit": str(county.u1.pk), "region": str(county.county_a.pk)}
        assert html.escape(rate.url) in response.content.decode()

    def test_opinion_links_per_month_carry_the_months_dates_and_status(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(dashboard_url(year=YEAR))
        march = response.context["opinion_months"][2]
        assert march["collected"].value == 2
        assert params(march["closed"].url) == {
            "outcome": "closed",
            "received_from": "2025-03-01",
            "received_to": "2025-03-31",
            "region": str(county.county_a.pk),
        }
        assert listed(client, march["closed"].url) == march["closed"].value == 1

    def test_the_directory_links_filter_the_years_roster_by_level(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(dashboard_url(year=YEAR))
        links = response.context["links"]
        assert listed(client, links.deputies()) == 5
        assert listed(client, links.deputies(level=Level.COUNTY)) == 4
        assert listed(client, links.reported()) == 3
        assert listed(client, links.not_reported()) == 1
        assert params(links.direct_deputies())["election"] == "direct"

    def test_sub_region_rows_link_to_the_same_page_for_that_township(self, client, staff_a, county):
        client.force_login(staff_a)
        content = client.get(dashboard_url(year=YEAR)).content.decode()
        assert html.escape(dashboard_url(year=YEAR, region=county.town_a.pk)) in content

    def test_chart_data_travels_as_json_and_no_script_is_inline(self, client, staff_a, county):
        client.force_login(staff_a)
        content = client.get(dashboard_url(year=YEAR)).content.decode()
        data = json.loads(
            re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', content, re.S)[1]
        )
        research = next(s for s in data["activities"]["series"] if s["name"] == str(K.RESEARCH.label))
        assert research["data"][2] == 1 and params(research["urls"][2])["date_from"] == "2025-03-01"
        assert [s["data"][4] for s in data["opinions"]["series"]] == [2, 0, 1]
        assert [p["name"] for p in data["units"]["top"]] == ["区交通运输局", "区住建局"]
        assert data["stations"]["data"] == [2.0, 2.0]
        for tag in re.findall(r"<script[^>]*>", content):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert "vendor/echarts/echarts.min.js" in content and "js/dashboard.js" in content

    def test_the_staff_menu_links_to_the_dashboard_and_the_report(self, client, staff_a, county):
        client.force_login(staff_a)
        content = client.get(reverse("staff:home")).content.decode()
        assert reverse("staff:dashboard") in content
        assert reverse("staff:year_report", args=[timezone.localdate().year]) in content


class TestYearReport:
    def test_the_report_states_the_reports_to_voters_figure_as_offices_write_it(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(report_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert "直接选举产生的代表 4 名，向选民述职 3 名，述职率 75.0%。" in content
        assert (
            "收集选民意见 5 件，其中当场答复 0 件；已答复 3 件，已反馈 3 件，已办结 2 件，已解决 0 件，解决率 0.0%。"
            in content
        )
        assert "联络站 2 个，编入代表 4 名，站均 2.0 名；接待日 3 次，接待选民 22 人次；领导到站活动 0 次。" in content
        assert "css/print.css" in content and "data-print" in content

    def test_the_report_lists_every_bulletin_figure(self, client, staff_a, county):
        client.force_login(staff_a)
        sections = client.get(report_url()).context["sections"]
        values = {(section.title, item.label): item.value for section in sections for item in section.items}
        assert values[("代表情况", "年内在任代表")] == 5
        assert values[("代表情况", "县级人大代表")] == 4
        assert values[("代表履职", "履职活动（已确认）")] == 7
        assert values[("代表履职", "调研")] == 2
        assert values[("代表向选民述职", "述职率")] == 75.0
        assert values[("代表向选民述职", "尚未向选民述职的直选代表")] == 1
        assert values[("代表联络站", "接待选民人次")] == 22
        assert values[("选民意见", "已反馈")] == 3
        assert values[("选民意见", "解决率")] == 0.0
        assert values[("选民意见", "已办结")] == 2
        assert values[("代表建议", "收到建议")] == 9
        assert values[("代表建议", "立案")] == 7
        assert values[("代表建议", "已答复")] == 4
        assert values[("代表建议", "按期答复率")] == 50.0
        assert values[("代表建议", "满意率（满意、基本满意）")] == 100.0
        assert values[("代表建议", "重点督办建议")] == 1
        assert values[("代表建议", "不满意后重新办理")] == 1
        assert values[("代表建议", "有B类答复（承诺事项）的建议")] == 2
        assert values[("代表建议", "B类承诺全部兑现的建议")] == 1
        assert values[("代表建议", "办结率（已答复/立案）")] == 57.1
        assert values[("代表建议", "办成率（A类与已兑现的B类/全部答复）")] == 50.0

    def test_the_excel_export_holds_the_summary_the_levels_the_rows_and_the_units(self, client, staff_a, county):
        client.force_login(staff_a)
        response = client.get(report_url(export="xlsx"))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["年度汇总", "代表构成", "分区域", "承办单位"]
        summary = {(row[0], row[1]): row[2:] for row in book["年度汇总"].iter_rows(min_row=2, values_only=True)}
        direct, how = summary[("代表向选民述职", "年内在任的直选代表")]
        assert direct == 4 and how.startswith("年内任何时候")
        assert summary[("代表向选民述职", "述职率（%）")][0] == 75.0
        assert summary[("代表建议", "按期答复率（%）")][0] == 50.0
        rows = list(book["分区域"].iter_rows(min_row=2, values_only=True))
        assert [row[:6] for row in rows] == [
            ("白沙街道", 3, 2, 1, 1, 50.0),
            ("荷塘镇", 2, 2, 2, 0, 100.0),
            ("蓬江区本级", 0, 0, 0, 0, None),
            ("合计", 5, 4, 3, 1, 75.0),
        ]
        units = list(book["承办单位"].iter_rows(min_row=2, values_only=True))
        assert units[0] == ("区交通运输局", 3, 2, 66.7)

    def test_the_units_table_is_read_a_page_at_a_time_and_the_spreadsheet_keeps_every_unit(
        self, client, staff_a, county, monkeypatch
    ):
        # A province has a thousand units: the report shows them in pages of UNITS_PER_PAGE, in rate order.
        monkeypatch.setattr(views_dashboard, "UNITS_PER_PAGE", 1)
        client.force_login(staff_a)
        everyone = [unit.name for unit in client.get(report_url()).context["figures"].units]
        assert len(everyone) == 3
        shown = []
        for number in (1, 2, 3):
            page = client.get(report_url(units_page=number)).context["units"]
            assert page.paginator.num_pages == 3
            shown += [unit.name for unit, *_figures in page.object_list]
        assert shown == everyone
        content = client.get(report_url(units_page=2)).content.decode()
        assert "units_page=1#report-units" in content
        book = openpyxl.load_workbook(io.BytesIO(client.get(report_url(export="xlsx", units_page=2)).content))
        assert [row[0] for row in book["承办单位"].iter_rows(min_row=2, values_only=True)] == everyone

    def test_figures_counted_in_the_visit_are_kept_a_minute_when_slow(self, client, staff_a, county, settings):
        # Motions, 民生实事, training and honours have no tallies; counted slowly, the next visit reads them kept.
        settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0
        client.force_login(staff_a)
        with CaptureQueriesContext(connection) as first:
            before = client.get(report_url()).context["sections"]
        with CaptureQueriesContext(connection) as second:
            after = client.get(report_url()).context["sections"]
        assert len(second) < len(first)
        assert [(s.title, [i.value for i in s.items]) for s in after] == [
            (s.title, [i.value for i in s.items]) for s in before
        ]

    def test_a_year_to_come_has_no_report(self, client, staff_a, county):
        client.force_login(staff_a)
        assert client.get(report_url(year=timezone.localdate().year + 1)).status_code == 404


# Who may look -------------------------------------------------------------------------------------------------


class TestPermissions:
    @pytest.mark.parametrize("page", [dashboard_url, report_url])
    def test_staff_of_another_county_cannot_pick_county_a(self, client, staff_b, county, page):
        client.force_login(staff_b)
        assert client.get(page(region=county.county_a.pk)).status_code == 404

    @pytest.mark.parametrize("page", [dashboard_url, report_url])
    def test_city_staff_may_pick_one_of_their_counties(self, client, city_staff, county, page):
        client.force_login(city_staff)
        response = client.get(page(year=YEAR, region=county.county_a.pk))
        assert response.status_code == 200
        assert response.context["figures"].deputies.serving == 5

    @pytest.mark.parametrize("page", [dashboard_url, report_url])
    def test_a_leader_reads_the_figures_of_their_county(self, client, county, page):
        client.force_login(LeaderFactory(region=county.county_a))
        response = client.get(page(year=YEAR))
        assert response.status_code == 200
        assert response.context["figures"].suggestions.received == 9

    def test_a_superuser_without_a_region_sees_every_region(self, client, county, regions):
        client.force_login(UserFactory(is_superuser=True))
        response = client.get(dashboard_url(year=YEAR))
        assert response.status_code == 200
        figures = response.context["figures"]
        assert figures.region is None
        assert [row.region for row in figures.rows] == [regions.province]
        assert (figures.deputies.serving, figures.suggestions.received) == (6, 10)

    @pytest.mark.parametrize("page", [dashboard_url, report_url])
    def test_deputies_and_unit_clerks_are_refused(self, client, county, page):
        for user in (DeputyUserFactory(deputy=county.d1), ClerkFactory(unit=county.u1)):
            client.force_login(user)
            assert client.get(page()).status_code == 403

    @pytest.mark.parametrize("page", [dashboard_url, report_url])
    def test_visitors_without_an_account_are_sent_to_log_in(self, client, county, page):
        response = client.get(page())
        assert response.status_code == 302 and reverse("login") in response["Location"]


# Cost ---------------------------------------------------------------------------------------------------------

QUERY_BOUND = 22


def populate(county, n: int, offset: int = 0):
    """``n`` more of each kind of row in county A, spread over the year, touching every figure."""
    c = county
    for i in range(offset, offset + n):
        town = c.town_a if i % 2 else c.town_a2
        deputy = DeputyFactory(region=town)
        _seat(deputy, c.congress)
        _activity(deputy, K.REPORT_TO_VOTERS if i % 3 else K.RESEARCH, day(i % 12 + 1, 5))
        station = StationFactory(region=town, name=f"站{i}")
        StationMemberFactory(station=station, deputy=deputy)
        DutyDayFactory(station=station, date=day(i % 12 + 1, 6), status=DutyDay.Status.HELD, voters_received=3)
        OpinionFactory(
            station=station,
            received_at=at(i % 12 + 1, 7),
            status=Opinion.Status.CLOSED,
            rating=Rating.SATISFIED,
        )
        unit = HandlingUnitFactory(region=c.county_a, name=f"单位{i}")
        suggestion = SuggestionFactory(
            congress=c.congress, deputy=deputy, year=YEAR, status=S.CLOSED, replied_at=at(6, 1)
        )
        _reply(_part(suggestion, unit, day(6, 30), at(6, 1)), "B" if i % 2 else "A")
        Evaluation.objects.create(suggestion=suggestion, round=1, value=Evaluation.Value.SATISFIED)


class TestCost:
    def test_dashboard_and_report_take_the_same_number_of_queries_for_3_or_30_rows_of_each_kind(
        self, client, staff_a, county, django_assert_max_num_queries
    ):
        client.force_login(staff_a)
        pages = (dashboard_url(year=YEAR), report_url(), report_url(export="xlsx"))

        def count(url):
            cache.clear()  # the dashboard keeps its figures until the data changes; count them computed
            with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        # The summary rows are counted again after each change's commit (by a task, or the writer's request),
        # never by the pages, which only add them up: counted here as the commit would.
        populate(county, 3)
        tallies.flush()
        small = [count(url) for url in pages]
        populate(county, 27, offset=3)
        tallies.flush()
        large = [count(url) for url in pages]
        assert small == large
        assert client.get(pages[0]).context["figures"].suggestions.received == 9 + 30
