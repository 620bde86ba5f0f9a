"""Voters' opinions on the handling units' assessment: counts per unit and year, every figure equal to the rows of
the staff opinion list it links to, the score, the spreadsheet and a constant number of queries.

Dates follow this year in local time (Asia/Shanghai), so the list's "overdue" (deadline before today) agrees
with the page's; replies at 23:30 on the deadline day and 00:10 on the next day test the on-time edge.

区交通运输局 U1 (county A's opinions)
| op | status   | assigned          | deadline  | replied              | rating      |
| o1 | closed   | 1-02              | 3-01      | 3-01 23:30 on time   | satisfied   |
| o2 | fed_back | 1-02              | 3-01      | 3-02 00:10 late      | unsatisfied |
| o3 | replied  | 1-02              | 3-01      | 2-20 on time         |             |
| o4 | assigned | 1-02              | yesterday | — overdue            |             |
| o5 | assigned | 1-02              | 2099      | — open               |             |
| o8 | closed   | 1-02              | 3-01      | 2-28 on time         | basic       |
Not counted: o6 merged into o1; o7 assigned 12-31 23:30 last year (local); o9 in county B.
  assigned 6, replied 4, on time 3, late 1, overdue 1; on-time rate 3 / (4 + 1) = 60%
  rated 3: satisfied 1, basic 1, unsatisfied 1 → 66.7%
区财政局 U2: q1 overdue; q2 replied on time, basic. Only opinions, so its score is
  (0.5 × 40 + 1 × 40) × 100 / 80 − 1 overdue × 1 = 74.0.
江门市城管局 UC: one county A opinion replied on time; one county B opinion replied on time (city staff count both).
"""

import datetime
import io
import zoneinfo
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from evaluations.unit_assessment import assess
from liaison_stations import selectors as station_selectors
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import OpinionFactory, StationFactory
from representatives.tests.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
S = Opinion.Status
TODAY = timezone.localdate()
YEAR = TODAY.year
FAR = datetime.date(2099, 1, 1)


def at(month, day, hour=10, minute=0, year=YEAR):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def opinion(station, unit, status, *, assigned=None, deadline=datetime.date(YEAR, 3, 1), replied=None, **fields):
    return OpinionFactory(
        station=station,
        unit=unit,
        status=status,
        assigned_at=assigned or at(1, 2),
        deadline=deadline,
        replied_at=replied,
        proposal="refer_unit",
        **fields,
    )


@pytest.fixture
def units(regions):
    return {
        "U1": HandlingUnitFactory(region=regions.county_a, name="区交通运输局"),
        "U2": HandlingUnitFactory(region=regions.county_a, name="区财政局"),
        "U3": HandlingUnitFactory(region=regions.county_a, name="区住房和城乡建设局"),
        "UC": HandlingUnitFactory(region=regions.city, name="江门市城管局"),
    }


@pytest.fixture
def opinions(regions, units):
    station_a = StationFactory(region=regions.town_a)
    station_b = StationFactory(region=regions.county_b)
    u1, u2, uc = units["U1"], units["U2"], units["UC"]
    o = {}
    o["o1"] = opinion(station_a, u1, S.CLOSED, replied=at(3, 1, 23, 30), rating="satisfied", resolution="solved")
    o["o2"] = opinion(station_a, u1, S.FED_BACK, replied=at(3, 2, 0, 10), rating="unsatisfied")
    o["o3"] = opinion(station_a, u1, S.REPLIED, replied=at(2, 20))
    o["o4"] = opinion(station_a, u1, S.ASSIGNED, deadline=TODAY - datetime.timedelta(days=1))
    o["o5"] = opinion(station_a, u1, S.ASSIGNED, deadline=FAR)
    o["o6"] = opinion(station_a, u1, S.MERGED, merged_into=o["o1"], replied=at(2, 1))
    o["o7"] = opinion(station_a, u1, S.CLOSED, assigned=at(12, 31, 23, 30, year=YEAR - 1), replied=at(1, 5))
    o["o8"] = opinion(station_a, u1, S.CLOSED, replied=at(2, 28), rating="basic")
    o["o9"] = opinion(station_b, u1, S.REPLIED, replied=at(2, 1))
    o["q1"] = opinion(station_a, u2, S.ASSIGNED, deadline=TODAY - datetime.timedelta(days=3))
    o["q2"] = opinion(station_a, u2, S.CLOSED, replied=at(2, 1), rating="basic")
    o["c1"] = opinion(station_a, uc, S.REPLIED, replied=at(2, 1))
    o["c2"] = opinion(station_b, uc, S.REPLIED, replied=at(2, 1))
    return o


def by_name(assessment):
    return {row.unit.name: row for row in assessment.rows}


FIGURES: tuple[str, ...] = ("op_assigned", "op_replied", "op_on_time", "op_late", "op_overdue", "op_rated")
FIGURES += ("op_satisfied", "op_basic", "op_unsatisfied")


class TestCounts:
    def test_the_units_opinions_assigned_in_the_local_year(self, staff_a, opinions):
        row = by_name(assess(user=staff_a, year=YEAR))["区交通运输局"]
        assert (row.op_assigned, row.op_replied, row.op_on_time, row.op_late, row.op_overdue) == (6, 4, 3, 1, 1)
        assert row.op_on_time_percent == Decimal("60.0")

    def test_the_voters_ratings_and_satisfaction_rate(self, staff_a, opinions):
        row = by_name(assess(user=staff_a, year=YEAR))["区交通运输局"]
        assert (row.op_rated, row.op_satisfied, row.op_basic, row.op_unsatisfied) == (3, 1, 1, 1)
        assert row.op_satisfaction_percent == Decimal("66.7")

    def test_a_reply_at_23_30_on_the_deadline_day_is_on_time_and_at_00_10_the_next_day_late(
        self, staff_a, units, regions
    ):
        station = StationFactory(region=regions.town_a)
        opinion(station, units["U3"], S.REPLIED, replied=at(3, 1, 23, 30))
        row = by_name(assess(user=staff_a, year=YEAR))["区住房和城乡建设局"]
        assert (row.op_on_time, row.op_late) == (1, 0)
        opinion(station, units["U3"], S.REPLIED, replied=at(3, 2, 0, 10))
        row = by_name(assess(user=staff_a, year=YEAR))["区住房和城乡建设局"]
        assert (row.op_on_time, row.op_late) == (1, 1)

    def test_another_countys_opinions_are_not_counted_but_the_city_sees_both(self, staff_a, city_staff, opinions):
        assert by_name(assess(user=staff_a, year=YEAR))["江门市城管局"].op_assigned == 1
        assert by_name(assess(user=city_staff, year=YEAR))["江门市城管局"].op_assigned == 2

    def test_the_total_row_adds_up_the_units(self, staff_a, opinions):
        assessment = assess(user=staff_a, year=YEAR)
        assert assessment.total.op_assigned == 6 + 2 + 1
        assert assessment.total.op_overdue == 2

    def test_last_years_opinions_belong_to_last_year(self, staff_a, opinions):
        assert by_name(assess(user=staff_a, year=YEAR - 1))["区交通运输局"].op_assigned == 1


class TestScore:
    def test_a_unit_with_only_opinions_is_scored_on_them(self, staff_a, opinions):
        assert by_name(assess(user=staff_a, year=YEAR))["区财政局"].score == Decimal("74.0")

    def test_a_unit_with_nothing_assigned_has_no_score(self, staff_a, opinions):
        assert by_name(assess(user=staff_a, year=YEAR))["区住房和城乡建设局"].score is None


def list_count(user, url) -> int:
    """The rows of the staff opinion list at ``url``, counted with the list's own selector as its page is."""
    query = QueryDict(urlsplit(url).query)
    return station_selectors.opinion_list(user=user, filters=query).qs.count()


class TestEveryFigureIsItsList:
    @pytest.mark.parametrize("unit_name", ["区交通运输局", "区财政局", None])
    def test_county_staff(self, staff_a, opinions, unit_name):
        assessment = assess(user=staff_a, year=YEAR)
        row = assessment.total if unit_name is None else by_name(assessment)[unit_name]
        for name in FIGURES:
            assert getattr(row, name) == list_count(staff_a, row.links[name]), name

    @pytest.mark.parametrize("unit_name", ["江门市城管局", "区交通运输局", None])
    def test_city_staff(self, city_staff, opinions, unit_name):
        assessment = assess(user=city_staff, year=YEAR)
        row = assessment.total if unit_name is None else by_name(assessment)[unit_name]
        for name in FIGURES:
            assert getattr(row, name) == list_count(city_staff, row.links[name]), name

    def test_the_total_counts_an_inactive_units_opinions_as_its_list_does(self, staff_a, opinions, regions):
        gone = HandlingUnitFactory(region=regions.county_a, is_active=False)
        opinion(StationFactory(region=regions.town_a), gone, S.REPLIED, replied=at(2, 1))
        total = assess(user=staff_a, year=YEAR).total
        assert total.op_assigned == 6 + 2 + 1 + 1
        for name in FIGURES:
            assert getattr(total, name) == list_count(staff_a, total.links[name]), name

    def test_the_page_links_each_figure_to_its_list(self, client, staff_a, opinions, units):
        client.force_login(staff_a)
        page = client.get(reverse("staff:unit_assessment"), {"year": YEAR}).content.decode()
        link = by_name(assess(user=staff_a, year=YEAR))["区交通运输局"].links["op_on_time"]
        assert f'href="{link.replace("&", "&amp;")}">3</a>' in page
        assert parse_qs(urlsplit(link).query) == {
            "assigned_year": [str(YEAR)],
            "unit": [str(units["U1"].pk)],
            "replied_on_time": ["true"],
        }
        listed = client.get(link)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == 3

    def test_the_page_says_how_opinions_count_in_the_score(self, client, staff_a, opinions):
        client.force_login(staff_a)
        page = client.get(reverse("staff:unit_assessment"), {"year": YEAR}).content.decode()
        assert "选民意见与建议一并计入得分" in page


class TestSpreadsheet:
    def test_the_opinion_columns_are_exported(self, client, staff_a, opinions):
        client.force_login(staff_a)
        response = client.get(reverse("staff:unit_assessment"), {"year": YEAR, "export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        headers = rows[0]
        u1 = next(r for r in rows if r[1] == "区交通运输局")
        assert u1[headers.index("交办选民意见")] == 6
        assert u1[headers.index("意见按期答复")] == 3
        assert u1[headers.index("意见逾期未答复")] == 1
        assert u1[headers.index("选民满意率（%）")] == pytest.approx(66.7)


class TestQueries:
    def _opinions_for_units(self, regions, n):
        station = StationFactory(region=regions.town_a)
        for _ in range(n):
            unit = HandlingUnitFactory(region=regions.county_a)
            opinion(station, unit, S.CLOSED, replied=at(2, 1), rating="satisfied")
            opinion(station, unit, S.ASSIGNED, deadline=TODAY - datetime.timedelta(days=1))

    def test_the_page_takes_as_many_queries_for_3_units_as_for_30(
        self, client, staff_a, regions, django_assert_max_num_queries
    ):
        client.force_login(staff_a)
        url = reverse("staff:unit_assessment")
        self._opinions_for_units(regions, 3)
        with django_assert_max_num_queries(25) as small:
            client.get(url, {"year": YEAR})
        self._opinions_for_units(regions, 27)
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(url, {"year": YEAR})
        assert response.context["assessment"].total.op_assigned == 60


def test_the_demo_shows_opinion_figures_for_the_units():
    from representatives import demo
    from representatives.models import User

    demo.seed(deputies=120)
    for username in ("staff", "staff_county"):
        total = assess(user=User.objects.get(username=username), year=YEAR).total
        assert total.op_assigned > 0, username
        assert 0 < total.op_on_time < total.op_replied, username
        assert total.op_rated > 0, username


def test_the_opinion_columns_read_in_english(client, staff_a, opinions):
    # Passes once the lead has compiled /tmp/po/h12-units.json into the catalogue.
    client.force_login(staff_a)
    page = client.get(reverse("staff:unit_assessment"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Voter opinions" in page
    assert "Voters' opinions count in the score together with suggestions" in page.replace("&#x27;", "'")
