import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import deputy_file, services
from evaluations.models import Score, ScoreAdjustment
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    LeaderFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2025
D = Decimal
URL = "/staff/scores/"


@pytest.fixture
def congress(regions):
    return CongressFactory(region=regions.county_a, level=4, code="440703-4-17", term_number=17)


@pytest.fixture
def congress_b(regions):
    return CongressFactory(region=regions.county_b, level=4, code="440781-4-17", term_number=17)


def deputy_scoring(points, congress, region, name=None):
    """A deputy whose confirmed research visits are worth ``points`` (2 each, capped at 20)."""
    deputy = DeputyFactory(region=region, **({"name": name} if name else {}))
    MembershipFactory(deputy=deputy, congress=congress)
    for _ in range(points // 2):
        ActivityRecordFactory(deputy=deputy, kind="research", status="confirmed", date=datetime.date(YEAR, 3, 1))
    return deputy


@pytest.fixture
def scored(regions, congress):
    """County A's rules and five deputies: 20, 20, 10, 4 and 0 points (orange, orange, then three red)."""
    rule_set = services.rule_set_create_example(region=regions.county_a, year=YEAR)
    deputies = {
        name: deputy_scoring(points, congress, regions.town_a, name)
        for name, points in (("甲", 20), ("乙", 20), ("丙", 10), ("丁", 4), ("戊", 0))
    }
    services.score_year_now(rule_set=rule_set)
    return rule_set, deputies


def rows(response):
    return [(score.rank, score.deputy.name) for score in response.context["page"].object_list]


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


class TestRankedList:
    def test_scores_are_listed_best_first_and_ties_share_a_rank(self, staff_client, scored):
        response = staff_client.get(URL, {"year": YEAR})
        # Equal totals are listed by name (乙 sorts before 甲 by code point).
        assert rows(response) == [(1, "乙"), (1, "甲"), (3, "丙"), (4, "丁"), (5, "戊")]

    def test_a_filtered_list_keeps_each_deputys_rank_in_the_region(self, staff_client, scored):
        response = staff_client.get(URL, {"year": YEAR, "warning": "orange"})
        assert rows(response) == [(1, "乙"), (1, "甲")]
        response = staff_client.get(URL, {"year": YEAR, "warning": "red"})
        assert rows(response) == [(3, "丙"), (4, "丁"), (5, "戊")]

    def test_the_grade_filter_lists_that_grade_only(self, staff_client, scored):
        assert len(rows(staff_client.get(URL, {"year": YEAR, "grade": "incompetent"}))) == 5
        assert rows(staff_client.get(URL, {"year": YEAR, "grade": "excellent"})) == []

    def test_name_filter_matches_part_of_a_name_or_the_whole_code(self, staff_client, scored):
        _rule_set, deputies = scored
        assert rows(staff_client.get(URL, {"year": YEAR, "q": "丙"})) == [(3, "丙")]
        assert rows(staff_client.get(URL, {"year": YEAR, "q": deputies["丁"].code})) == [(4, "丁")]

    def test_region_filter_takes_the_region_and_everything_below(
        self, client, city_staff, regions, congress, congress_b
    ):
        city_rules = services.rule_set_create_example(region=regions.city, year=YEAR)
        deputy_scoring(10, congress, regions.town_a, "城甲")
        deputy_scoring(4, congress_b, regions.town_b, "城乙")
        services.score_year_now(rule_set=city_rules)
        client.force_login(city_staff)
        response = client.get(URL, {"year": YEAR, "region": regions.county_b.pk})
        assert rows(response) == [(2, "城乙")]

    def test_warning_quick_filters_show_how_many_deputies_each_level_has(self, staff_client, scored):
        response = staff_client.get(URL, {"year": YEAR})
        links = {link["level"]: link["count"] for link in response.context["warning_links"]}
        assert links == {"yellow": 0, "orange": 2, "red": 3}
        assert "warning=orange" in response.content.decode()

    def test_leaders_read_the_list_without_adjust_buttons(self, client, regions, scored):
        client.force_login(LeaderFactory(region=regions.county_a))
        response = client.get(URL, {"year": YEAR})
        assert response.status_code == 200 and len(rows(response)) == 5
        assert "/adjust/" not in response.content.decode()

    def test_deputies_may_not_list_scores(self, client, deputy_user_a):
        client.force_login(deputy_user_a)
        assert client.get(URL).status_code == 403

    def test_the_list_takes_the_same_queries_for_3_or_30_deputies(self, staff_client, regions, congress):
        rule_set = services.rule_set_create_example(region=regions.county_a, year=YEAR)

        def count():
            services.score_year_now(rule_set=rule_set)
            cache.clear()  # the filter's option lists are cached after a first view (options_cache)
            with CaptureQueriesContext(connection) as page:
                staff_client.get(URL, {"year": YEAR})
            with CaptureQueriesContext(connection) as export:
                staff_client.get(URL, {"year": YEAR, "export": "xlsx"})
            return len(page), len(export)

        for points in (2, 4, 6):
            deputy_scoring(points, congress, regions.town_a)
        few = count()
        for index in range(27):
            deputy_scoring(index % 5 * 2, congress, regions.town_a)
        assert count() == few


class TestWhichRuleSet:
    def test_a_county_without_rules_of_its_own_uses_the_citys_and_sees_only_its_deputies(
        self, staff_client, regions, congress, congress_b
    ):
        city_rules = services.rule_set_create_example(region=regions.city, year=YEAR)
        deputy_scoring(10, congress, regions.town_a, "本县")
        deputy_scoring(20, congress_b, regions.town_b, "外县")
        services.score_year_now(rule_set=city_rules)
        response = staff_client.get(URL, {"year": YEAR})
        assert response.context["rule_set"] == city_rules
        assert rows(response) == [(1, "本县")]

    def test_the_countys_own_rules_come_before_the_citys(self, staff_client, regions, scored):
        services.rule_set_create_example(region=regions.city, year=YEAR)
        rule_set, _deputies = scored
        assert staff_client.get(URL, {"year": YEAR}).context["rule_set"] == rule_set

    def test_the_lookup_walks_up_to_the_nearest_region_with_rules(self, staff_a, regions):
        province_rules = services.rule_set_create_example(region=regions.province, year=YEAR)
        assert deputy_file.rule_set_for(staff_a, YEAR) == province_rules
        city_rules = services.rule_set_create_example(region=regions.city, year=YEAR)
        assert deputy_file.rule_set_for(staff_a, YEAR) == city_rules
        assert deputy_file.rule_set_for(staff_a, YEAR + 1) is None

    def test_another_countys_rules_and_scores_stay_hidden(self, client, staff_b, scored):
        client.force_login(staff_b)
        response = client.get(URL, {"year": YEAR})
        assert response.context["rule_set"] is None
        assert "甲" not in response.content.decode()

    def test_a_year_without_rules_says_what_to_do(self, staff_client, regions):
        body = staff_client.get(URL).content.decode()
        assert "还没有考评规则" in body


class TestExport:
    def test_the_export_has_every_count_and_points_the_total_grade_and_warning(self, staff_client, scored):
        response = staff_client.get(URL, {"year": YEAR, "export": "xlsx"})
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        for column in (
            "排名",
            "姓名",
            "出席代表大会会议次数",
            "出席代表大会会议得分",
            "视察、调研、执法检查、听证次数",
            "视察、调研、执法检查、听证得分",
            "述职评议为“好”次数",
            "计算得分",
            "调整分",
            "总分",
            "等次",
            "预警",
        ):
            assert column in header, column
        values = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
        assert [(row["排名"], row["总分"]) for row in values] == [(1, 20), (1, 20), (3, 10), (4, 4), (5, 0)]
        assert values[-1]["预警"] == "红色预警" and values[-1]["等次"] == "不称职"

    def test_the_export_follows_the_filters(self, staff_client, scored):
        response = staff_client.get(URL, {"year": YEAR, "warning": "orange", "export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["乙", "甲"]


class TestAdjust:
    def url(self, deputy):
        return reverse("staff:score_adjust", args=[deputy.scores.get().pk])

    def test_an_adjustment_with_a_reason_changes_the_total_grade_and_warning(self, staff_client, scored):
        _rule_set, deputies = scored
        response = staff_client.post(self.url(deputies["丙"]), {"points": "50", "reason": "补录全年的代表小组活动"})
        assert response.status_code == 302
        score = deputies["丙"].scores.get()
        assert (score.total, score.adjustment, score.grade, score.warning) == (D(60), D(50), "competent", "")
        assert ScoreAdjustment.objects.get().reason == "补录全年的代表小组活动"

    def test_an_adjustment_without_a_reason_is_refused_and_nothing_is_written(self, staff_client, scored):
        _rule_set, deputies = scored
        response = staff_client.post(self.url(deputies["丙"]), {"points": "5", "reason": "   "})
        assert response.status_code == 200 and response.context["form"].errors["reason"]
        assert not ScoreAdjustment.objects.exists()
        assert deputies["丙"].scores.get().total == D(10)

    def test_a_zero_adjustment_is_refused(self, staff_client, scored):
        _rule_set, deputies = scored
        response = staff_client.post(self.url(deputies["丙"]), {"points": "0", "reason": "无"})
        assert "调整分不能为零" in response.content.decode()
        assert not ScoreAdjustment.objects.exists()

    def test_a_refusal_by_the_service_is_shown_on_the_form(self, staff_client, scored, monkeypatch):
        _rule_set, deputies = scored

        def refuse(**kwargs):
            raise services.TransitionError("您无权调整这名代表的得分。")

        monkeypatch.setattr(services, "score_adjust", refuse)
        response = staff_client.post(self.url(deputies["丙"]), {"points": "5", "reason": "补录"})
        assert response.status_code == 200 and "您无权调整这名代表的得分。" in response.content.decode()

    def test_staff_of_another_county_cannot_adjust(self, client, staff_b, scored):
        _rule_set, deputies = scored
        client.force_login(staff_b)
        assert client.get(self.url(deputies["丙"])).status_code == 404
        assert client.post(self.url(deputies["丙"]), {"points": "5", "reason": "越权"}).status_code == 404
        assert not ScoreAdjustment.objects.exists()

    def test_leaders_cannot_adjust(self, client, regions, scored):
        _rule_set, deputies = scored
        client.force_login(LeaderFactory(region=regions.county_a))
        assert client.post(self.url(deputies["丙"]), {"points": "5", "reason": "领导"}).status_code == 403
        assert Score.objects.filter(adjustment=0).count() == 5

    def test_the_adjust_page_shows_the_breakdown_and_earlier_adjustments(self, staff_client, staff_a, scored):
        _rule_set, deputies = scored
        services.score_adjust(score=deputies["丙"].scores.get(), points=D(2), reason="首次更正", by=staff_a)
        body = staff_client.get(self.url(deputies["丙"])).content.decode()
        assert "视察、调研、执法检查、听证" in body and "首次更正" in body and "+2.0" in body
