"""The handling units' assessment, checked against parts whose every figure is worked out by hand below.

Year 2025, "today" 1 December 2025 (open parts are due in 2099, so the figures hold on any later day too).
County A's suggestions; all times local (Asia/Shanghai), 10:00 unless given.

区交通运输局 U1
| part | role  | rd | assigned    | deadline   | outcome                | reply            | rating (round)    | days |
|------|-------|----|-------------|------------|------------------------|------------------|-------------------|------|
| p1   | lead  | 1  | 01-10       | 04-10      | replied 04-10, on time | A                | satisfied         | 90   |
| p2   | lead  | 1  | 02-01       | 05-01      | replied 05-11, late    | B, kept          | basic             | 99   |
| p3   | lead  | 1  | 03-01       | 06-01      | replied 05-31, on time | B, due 11-01     | unsatisfied       | 91   |
| p4   | lead  | 2  | 06-15       | 09-15      | active, overdue        |                  | none for round 2  |      |
| p5   | lead  | 1  | 11-01       | 2099-01-01 | active, open           |                  |                   |      |
| p6   | co    | 1  | 04-01       | 05-01      | opinion 04-21, on time |                  | co: not rated     | 20   |
| p7   | split | 1  | 07-01       | 10-01      | replied 10-02, late    | C                | satisfied         | 93   |
| p10  | lead  | 1  | 01-01 00:10 | 04-01      | transfer asked, open   |                  |                   |      |
Not counted: a part transferred away; parts assigned 2024-12-31 23:30 and 2026-01-01 00:30.
  assigned 8 = on time 3 (p1 p3 p6) + late 2 (p2 p7) + overdue 1 (p4) + open 2 (p5 p10)
  A 1 / B 2 / C 1 of 4 replies = 25% / 50% / 25%; rated 4, satisfied 3 = 75%
  promises 2, kept 1, due and not kept 1 → 50%; re-handled 1; average days 393 / 5 = 78.6
  on-time rate 3 / (3 + 2 + 1) = 50%
  score (defaults 40/40/20, −2, −1): 0.5×40 + 0.75×40 + 0.5×20 − 2 − 1 = 57.0

区财政局 U2
| q1 | lead  | 1 | 04-01 | 07-01 | replied 06-01 — on time | A | satisfied   | 61 |  (p6's suggestion)
| q2 | split | 1 | 07-01 | 10-01 | replied 09-01 — on time | A | satisfied   | 62 |  (p7's suggestion)
| q3 | lead  | 1 | 01-15 | 04-15 | replied 03-15 — on time | C | unsatisfied | 59 |
| q4 | lead  | 2 | 03-20 | 04-20 | replied 04-10 — on time | A | satisfied   | 21 |  (q3 re-handled)
  assigned 4, all on time; A 3 (75%) C 1 (25%); rated 4, satisfied 3 = 75%; no promise; re-handled 1
  average 203 / 4 = 50.75 → 50.8
  score: no promise to measure, so (1×40 + 0.75×40) scaled from 80 to 100 = 87.5, − 2 = 85.5

区住房和城乡建设局 U3: nothing assigned — no score, listed last.
江门市城管局 UC (the city's unit, which county A may assign to): one county A part, lead, 05-01, due 08-01,
  still active — overdue; on time 0 of 1, nothing else measurable: 0 scaled − 1 = −1.0.
  UC also has a county B part, replied on time, which county A's office must not count.
台山市交通局 UB (county B): never shown to county A.

Ranking for county A: U2 85.5, U1 57.0, UC −1.0, U3 —.
With county A's own 2025 rules (50/30/20, −5, −3):
  U1 0.5×50 + 0.75×30 + 0.5×20 − 5 − 3 = 49.5; U2 (50 + 22.5) × 100/80 − 5 = 85.625 → 85.6.
"""

import datetime
import io
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import unit_assessment, views_units
from evaluations.models import UnitRuleSet
from evaluations.unit_assessment import UnitRow, assess
from representatives import tallies
from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    LeaderFactory,
)
from suggestions.models import Assignment, Evaluation, Reply, UnitRating
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2025
TODAY = datetime.date(2025, 12, 1)
FAR = datetime.date(2099, 1, 1)
D = Decimal
A = Assignment.Status


def at(month, day, hour=10, minute=0, year=YEAR):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def day(month, day, year=YEAR):
    return datetime.date(year, month, day)


class County:
    """Builds suggestions, parts, replies and ratings for one congress."""

    def __init__(self, congress, deputy):
        self.congress, self.deputy = congress, deputy

    def suggestion(self, **fields):
        fields.setdefault("status", "assigned")
        return SuggestionFactory(congress=self.congress, deputy=self.deputy, year=YEAR, **fields)

    def part(self, unit, *, assigned, deadline, done=None, role="lead", round=1, status=None, suggestion=None):
        status = status or (A.DONE if done else A.ACTIVE)
        return AssignmentFactory(
            suggestion=suggestion or self.suggestion(),
            unit=unit,
            role=role,
            round=round,
            status=status,
            assigned_at=assigned,
            deadline=deadline,
            done_at=done,
        )


def reply(part, reply_class, *, promised=None, kept=False):
    return Reply.objects.create(
        assignment=part,
        reply_class=reply_class,
        text="经研究，答复如下。",
        document="attachments/replies/test.pdf",
        promised_date=promised,
        reason="受财力限制" if reply_class == "C" else "",
        promise_done_at=at(9, 1) if kept else None,
        promise_confirmed_at=at(9, 2) if kept else None,
    )


def rate(suggestion, round, value):
    """The deputy's rating of the round's lead and split parts (each its own ``UnitRating``) and the round's."""
    for part in suggestion.assignments.filter(round=round, role__in=["lead", "split"]):
        UnitRating.objects.create(assignment=part, value=value)
    Evaluation.objects.create(suggestion=suggestion, round=round, value=value)


@pytest.fixture
def units(regions):
    return {
        "U1": HandlingUnitFactory(region=regions.county_a, name="区交通运输局"),
        "U2": HandlingUnitFactory(region=regions.county_a, name="区财政局"),
        "U3": HandlingUnitFactory(region=regions.county_a, name="区住房和城乡建设局"),
        "UC": HandlingUnitFactory(region=regions.city, name="江门市城管局"),
        "UB": HandlingUnitFactory(region=regions.county_b, name="台山市交通局"),
    }


@pytest.fixture
def county_a(regions):
    congress = CongressFactory(region=regions.county_a, level=4, code="440703-4-17")
    return County(congress, DeputyFactory(region=regions.town_a))


@pytest.fixture
def county_b(regions):
    congress = CongressFactory(region=regions.county_b, level=4, code="440781-4-17")
    return County(congress, DeputyFactory(region=regions.town_b))


@pytest.fixture
def parts(units, county_a, county_b):
    u1, u2, uc, ub = units["U1"], units["U2"], units["UC"], units["UB"]
    c = county_a
    p = {}
    p["p1"] = c.part(u1, assigned=at(1, 10), deadline=day(4, 10), done=at(4, 10))
    reply(p["p1"], "A")
    rate(p["p1"].suggestion, 1, "satisfied")

    p["p2"] = c.part(u1, assigned=at(2, 1), deadline=day(5, 1), done=at(5, 11))
    reply(p["p2"], "B", promised=day(10, 1), kept=True)
    rate(p["p2"].suggestion, 1, "basic")

    p["p3"] = c.part(u1, assigned=at(3, 1), deadline=day(6, 1), done=at(5, 31))
    reply(p["p3"], "B", promised=day(11, 1))
    rate(p["p3"].suggestion, 1, "unsatisfied")
    p["p4"] = c.part(u1, assigned=at(6, 15), deadline=day(9, 15), round=2, suggestion=p["p3"].suggestion)

    p["p5"] = c.part(u1, assigned=at(11, 1), deadline=FAR)

    p["q1"] = c.part(u2, assigned=at(4, 1), deadline=day(7, 1), done=at(6, 1))
    reply(p["q1"], "A")
    rate(p["q1"].suggestion, 1, "satisfied")
    p["p6"] = c.part(
        u1, assigned=at(4, 1), deadline=day(5, 1), done=at(4, 21), role="co", suggestion=p["q1"].suggestion
    )

    p["p7"] = c.part(u1, assigned=at(7, 1), deadline=day(10, 1), done=at(10, 2), role="split")
    reply(p["p7"], "C")
    rate(p["p7"].suggestion, 1, "satisfied")
    p["q2"] = c.part(
        u2, assigned=at(7, 1), deadline=day(10, 1), done=at(9, 1), role="split", suggestion=p["p7"].suggestion
    )
    reply(p["q2"], "A")
    UnitRating.objects.create(assignment=p["q2"], value="satisfied")

    p["p10"] = c.part(u1, assigned=at(1, 1, 0, 10), deadline=day(4, 1), status=A.REASSIGN_REQUESTED)
    # Not counted: transferred away, and assigned just outside the year in local time.
    c.part(u1, assigned=at(3, 1), deadline=day(6, 1), status=A.REASSIGNED)
    c.part(u1, assigned=at(12, 31, 23, 30, year=2024), deadline=day(3, 31), done=at(3, 1))
    c.part(u1, assigned=at(1, 1, 0, 30, year=2026), deadline=FAR)

    p["q3"] = c.part(u2, assigned=at(1, 15), deadline=day(4, 15), done=at(3, 15))
    reply(p["q3"], "C")
    rate(p["q3"].suggestion, 1, "unsatisfied")
    p["q4"] = c.part(
        u2, assigned=at(3, 20), deadline=day(4, 20), done=at(4, 10), round=2, suggestion=p["q3"].suggestion
    )
    reply(p["q4"], "A")
    rate(p["q3"].suggestion, 2, "satisfied")

    p["uc_a"] = c.part(uc, assigned=at(5, 1), deadline=day(8, 1))
    p["uc_b"] = county_b.part(uc, assigned=at(5, 1), deadline=day(8, 1), done=at(6, 1))
    reply(p["uc_b"], "A")
    p["ub"] = county_b.part(ub, assigned=at(5, 1), deadline=day(8, 1), done=at(6, 1))
    reply(p["ub"], "A")
    return p


def county_rules(regions):
    """The county's own rules for YEAR, weighted unlike the example's."""
    return UnitRuleSet.objects.create(
        region=regions.county_a,
        year=YEAR,
        on_time_weight=50,
        satisfaction_weight=30,
        promise_weight=20,
        rehandle_penalty=5,
        overdue_penalty=3,
    )


def by_name(assessment) -> dict[str, UnitRow]:
    return {row.unit.name: row for row in assessment.rows}


@pytest.fixture
def assessed(staff_a, parts):
    return by_name(assess(user=staff_a, year=YEAR, today=TODAY))


class TestEachFigure:
    def test_every_part_assigned_in_the_year_is_on_time_late_overdue_or_open(self, assessed):
        u1 = assessed["区交通运输局"]
        assert (u1.assigned, u1.on_time, u1.late, u1.overdue, u1.open) == (8, 3, 2, 1, 2)

    def test_a_transferred_part_and_parts_assigned_outside_the_local_year_are_not_counted(self, assessed):
        assert assessed["区交通运输局"].assigned == 8

    def test_a_co_units_opinion_to_the_lead_unit_is_its_reply(self, assessed, parts):
        # p6 is the co part: without it U1 would have two parts on time, not three.
        assert assessed["区交通运输局"].on_time == 3

    def test_reply_classes_are_counted_with_their_shares_of_the_replies(self, assessed):
        u1, u2 = assessed["区交通运输局"], assessed["区财政局"]
        assert (u1.class_a, u1.class_b, u1.class_c) == (1, 2, 1)
        assert (u1.class_a_percent, u1.class_b_percent, u1.class_c_percent) == (D("25.0"), D("50.0"), D("25.0"))
        assert (u2.class_a_percent, u2.class_b_percent, u2.class_c_percent) == (D("75.0"), D("0.0"), D("25.0"))

    def test_satisfaction_takes_the_deputys_rating_of_each_parts_own_round(self, assessed):
        u1, u2 = assessed["区交通运输局"], assessed["区财政局"]
        # U1's round-2 part is not rated yet; its round-1 "unsatisfied" must not be counted for it again.
        assert (u1.rated, u1.satisfied, u1.satisfaction_percent) == (4, 3, D("75.0"))
        # U2's re-handled suggestion: unsatisfied in round 1, satisfied in round 2 — one of each.
        assert (u2.rated, u2.satisfied, u2.satisfaction_percent) == (4, 3, D("75.0"))

    def test_b_promises_made_kept_and_past_due(self, assessed):
        u1 = assessed["区交通运输局"]
        assert (u1.promises, u1.promises_kept, u1.promises_due_unkept, u1.promise_percent) == (2, 1, 1, D("50.0"))

    def test_a_promise_not_yet_due_is_not_counted_against_the_unit(self, staff_a, parts):
        before_it_was_due = by_name(assess(user=staff_a, year=YEAR, today=day(10, 15)))["区交通运输局"]
        assert (before_it_was_due.promises_due_unkept, before_it_was_due.promise_percent) == (0, D("100.0"))

    def test_parts_of_a_second_round_count_as_re_handled(self, assessed):
        assert (assessed["区交通运输局"].rehandled, assessed["区财政局"].rehandled) == (1, 1)

    def test_average_days_to_reply(self, assessed):
        assert (assessed["区交通运输局"].average_days, assessed["区财政局"].average_days) == (D("78.6"), D("50.8"))

    def test_the_on_time_rate_counts_overdue_parts_as_missed_and_open_ones_not_at_all(self, assessed):
        assert assessed["区交通运输局"].on_time_percent == D("50.0")
        assert assessed["区财政局"].on_time_percent == D("100.0")

    def test_the_total_row_adds_up_the_units(self, staff_a, parts):
        total = assess(user=staff_a, year=YEAR, today=TODAY).total
        assert (total.assigned, total.on_time, total.late, total.overdue, total.open) == (13, 7, 2, 2, 2)
        assert (total.class_a, total.class_b, total.class_c, total.rated, total.satisfied) == (4, 2, 2, 8, 6)
        assert (total.rehandled, total.average_days) == (2, D("66.2"))


class TestLocalTime:
    def test_a_reply_early_on_the_day_after_the_deadline_is_late(self, staff_a, units, county_a):
        # 07:00 local on 2 October is still 1 October in UTC.
        part = county_a.part(units["U3"], assigned=at(7, 1), deadline=day(10, 1), done=at(10, 2, 7))
        reply(part, "A")
        u3 = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["区住房和城乡建设局"]
        assert (u3.on_time, u3.late) == (0, 1)

    def test_a_reply_late_on_the_deadline_day_is_on_time(self, staff_a, units, county_a):
        part = county_a.part(units["U3"], assigned=at(7, 1), deadline=day(10, 1), done=at(10, 1, 23, 30))
        reply(part, "A")
        u3 = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["区住房和城乡建设局"]
        assert (u3.on_time, u3.late) == (1, 0)


class TestScore:
    def test_the_default_weights_give_the_hand_computed_scores(self, assessed):
        assert assessed["区交通运输局"].score == D("57.0")
        assert assessed["区财政局"].score == D("85.5")
        assert assessed["江门市城管局"].score == D("-1.0")

    def test_a_rate_that_cannot_be_measured_is_scored_at_the_average_of_the_others(self):
        row = UnitRow(unit=None, assigned=2, replied=2, on_time=1, rated=2, satisfied=2)
        # No promise: (0.5 × 40 + 1 × 40) scaled from 80 to 100.
        assert unit_assessment.score(row, UnitRuleSet()) == D("75.0")

    def test_a_unit_with_nothing_measurable_has_no_score(self):
        row = UnitRow(unit=None, assigned=1, open=1)
        assert unit_assessment.score(row, UnitRuleSet()) is None

    def test_the_regions_own_rules_for_the_year_are_used(self, staff_a, parts, regions):
        county_rules(regions)
        UnitRuleSet.objects.create(region=regions.county_a, year=YEAR + 1, on_time_weight=0)
        assessment = assess(user=staff_a, year=YEAR, today=TODAY)
        rows = by_name(assessment)
        assert not assessment.rules_are_defaults
        assert (rows["区交通运输局"].score, rows["区财政局"].score) == (D("49.5"), D("85.6"))

    def test_without_rules_for_the_year_the_models_defaults_apply(self, staff_a, parts, regions):
        UnitRuleSet.objects.create(region=regions.county_b, year=YEAR, on_time_weight=0)
        assessment = assess(user=staff_a, year=YEAR, today=TODAY)
        assert assessment.rules_are_defaults
        assert assessment.rules.on_time_weight == D(40)

    def test_units_are_ranked_by_score_and_units_without_one_come_last(self, staff_a, parts):
        rows = assess(user=staff_a, year=YEAR, today=TODAY).rows
        assert [(r.unit_name, r.rank) for r in rows] == [
            ("区财政局", 1),
            ("区交通运输局", 2),
            ("江门市城管局", 3),
            ("区住房和城乡建设局", None),
        ]

    def test_equal_scores_share_a_rank(self, units):
        rows = [
            UnitRow(unit=units["U1"], score=D("90")),
            UnitRow(unit=units["U2"], score=D("80")),
            UnitRow(unit=units["U3"], score=D("80")),
            UnitRow(unit=units["UC"], score=D("70")),
        ]
        assert [row.rank for row in unit_assessment._rank(rows)] == [1, 2, 2, 4]


class TestWhoSeesWhat:
    def test_staff_of_another_county_do_not_see_its_units(self, staff_b, parts):
        names = set(by_name(assess(user=staff_b, year=YEAR, today=TODAY)))
        assert names == {"台山市交通局", "江门市城管局"}

    def test_a_shared_unit_counts_only_the_parts_of_the_viewers_own_suggestions(self, staff_a, staff_b, parts):
        seen_by_a = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["江门市城管局"]
        seen_by_b = by_name(assess(user=staff_b, year=YEAR, today=TODAY))["江门市城管局"]
        assert (seen_by_a.assigned, seen_by_a.overdue) == (1, 1)
        assert (seen_by_b.assigned, seen_by_b.on_time) == (1, 1)

    def test_the_city_office_sees_both_counties(self, city_staff, parts):
        rows = by_name(assess(user=city_staff, year=YEAR, today=TODAY))
        assert rows["江门市城管局"].assigned == 2
        assert {"区交通运输局", "台山市交通局"} <= set(rows)

    def test_a_leader_reads_the_page(self, client, regions, parts):
        client.force_login(LeaderFactory(region=regions.county_a))
        response = client.get(reverse("staff:unit_assessment"), {"year": YEAR})
        assert response.status_code == 200
        assert "区交通运输局" in response.content.decode()

    def test_deputies_and_unit_clerks_are_refused(self, client, units, deputy_a):
        for user in (DeputyUserFactory(deputy=deputy_a), ClerkFactory(unit=units["U1"])):
            client.force_login(user)
            assert client.get(reverse("staff:unit_assessment")).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("staff:unit_assessment"))
        assert response.status_code == 302
        assert "login" in response["Location"]


class TestPage:
    def test_the_page_shows_the_ranked_units_and_the_rules_used(self, client, staff_a, parts):
        client.force_login(staff_a)
        response = client.get(reverse("staff:unit_assessment"), {"year": YEAR})
        body = response.content.decode()
        assert body.index("区财政局") < body.index("区交通运输局") < body.index("区住房和城乡建设局")
        assert "默认权重" in body
        assert response.context["assessment"].year == YEAR

    def test_each_figure_links_to_the_suggestion_list_filtered_by_unit_and_year(self, client, staff_a, parts):
        client.force_login(staff_a)
        row = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["区交通运输局"]
        assert row.unit is not None
        unit = row.unit.pk
        list_url = reverse("staff:suggestions")
        assert row.links["general"] == f"{list_url}?year={YEAR}&unit={unit}"
        assert row.links["overdue"] == f"{list_url}?year={YEAR}&unit={unit}&overdue=true"
        page = client.get(reverse("staff:unit_assessment"), {"year": YEAR}).content.decode()
        assert f"{list_url}?year={YEAR}&amp;unit={unit}&amp;overdue=true" in page

    def test_the_overdue_link_lists_the_overdue_suggestion(self, client, staff_a, parts):
        client.force_login(staff_a)
        row = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["区交通运输局"]
        listed = client.get(row.links["overdue"]).context["page"].object_list
        assert [s.pk for s in listed] == [parts["p4"].suggestion_id]

    def test_a_year_out_of_range_reads_as_this_year(self, client, staff_a):
        client.force_login(staff_a)
        response = client.get(reverse("staff:unit_assessment"), {"year": "1800"})
        assert response.context["year"] == timezone.localdate().year


class TestPages:
    """A province's thousand units are read a page at a time; ranks and the total row stay the whole scope's."""

    @pytest.fixture(autouse=True)
    def _two_a_page(self, monkeypatch):
        monkeypatch.setattr(views_units, "UNITS_PER_PAGE", 2)

    def test_each_page_lists_the_next_units_in_rank_order_under_the_same_total(self, client, staff_a, parts):
        client.force_login(staff_a)
        url = reverse("staff:unit_assessment")
        everyone = [row.unit_name for row in assess(user=staff_a, year=YEAR).rows]
        shown, totals = [], set()
        for number in (1, 2):
            response = client.get(url, {"year": YEAR, "page": number})
            shown += [row.unit.name for row in response.context["page"].object_list]
            totals.add(response.context["assessment"].total.assigned)
        assert shown == everyone and len(everyone) == 4
        assert totals == {13}
        assert "page=2" in client.get(url, {"year": YEAR}).content.decode()

    def test_a_unit_found_by_name_keeps_its_rank(self, client, staff_a, parts):
        client.force_login(staff_a)
        response = client.get(reverse("staff:unit_assessment"), {"year": YEAR, "q": "交通"})
        found = response.context["page"].object_list
        assert [(row.unit.name, row.rank) for row in found] == [("区交通运输局", 2)]
        assert response.context["assessment"].total.assigned == 13
        assert response.context["query"] == "交通"

    def test_the_spreadsheet_keeps_every_unit_whatever_the_page(self, client, staff_a, parts):
        client.force_login(staff_a)
        query = {"year": YEAR, "export": "xlsx", "page": 2, "q": "交通"}
        response = client.get(reverse("staff:unit_assessment"), query)
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
        assert len(rows) == 1 + 4 + 1  # headers, every unit, total


class TestKept:
    """The ranked table is kept a minute when slow, under the tallies' version and the year's rules."""

    @pytest.fixture(autouse=True)
    def _slow(self, settings):
        settings.PAGE_COUNT_CACHE_AFTER_SECONDS = 0

    @pytest.fixture(autouse=True)
    def _published(self, parts, django_capture_on_commit_callbacks):
        # The tallies' version is published when a flush commits, which a test's transaction never does itself.
        with django_capture_on_commit_callbacks(execute=True):
            tallies.flush()

    def test_a_second_visit_reads_the_kept_table(self, staff_a, parts):
        first = by_name(assess(user=staff_a, year=YEAR, today=TODAY))
        with CaptureQueriesContext(connection) as queries:
            again = by_name(assess(user=staff_a, year=YEAR, today=TODAY))
        assert len(queries) == 1  # the rule set: the rest is kept
        assert {name: (row.rank, row.score, row.links) for name, row in again.items()} == {
            name: (row.rank, row.score, row.links) for name, row in first.items()
        }

    def test_new_rules_score_again_at_once(self, staff_a, parts, regions):
        before = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["区交通运输局"].score
        county_rules(regions)
        after = by_name(assess(user=staff_a, year=YEAR, today=TODAY))["区交通运输局"].score
        assert (before, after) == (Decimal("57.0"), Decimal("49.5"))


class TestExport:
    def test_the_spreadsheet_has_one_ranked_row_per_unit_and_a_total(self, client, staff_a, parts):
        client.force_login(staff_a)
        response = client.get(reverse("staff:unit_assessment"), {"year": YEAR, "export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=UTF-8''2025" in response["Content-Disposition"]
        rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]
        header = rows[0]
        assert header[:4] == ["排名", "承办单位", "所属区域", "交办件数"]
        assert [r[1] for r in rows[1:]] == ["区财政局", "区交通运输局", "江门市城管局", "区住房和城乡建设局", "合计"]
        u1 = dict(zip(header, rows[2], strict=True))
        assert u1["排名"] == 2
        assert (u1["交办件数"], u1["按期答复"], u1["逾期答复"], u1["逾期未答复"], u1["办理中"]) == (8, 3, 2, 1, 2)
        assert (u1["满意率（%）"], u1["承诺兑现率（%）"], u1["重新办理"]) == (75.0, 50.0, 1)
        assert u1["平均答复天数"] == 78.6
        assert rows[-1][3] == 13

    def test_a_unit_name_that_looks_like_a_formula_is_exported_as_text(self, client, staff_a, regions):
        HandlingUnitFactory(region=regions.county_a, name="=HYPERLINK(1)")
        client.force_login(staff_a)
        response = client.get(reverse("staff:unit_assessment"), {"year": YEAR, "export": "xlsx"})
        rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]
        assert "'=HYPERLINK(1)" in [r[1] for r in rows]


class TestQueries:
    @pytest.fixture(autouse=True)
    def _commits(self, django_capture_on_commit_callbacks):
        self.commits = django_capture_on_commit_callbacks

    def _units_with_parts(self, regions, county, n):
        start = Assignment.objects.count()
        for i in range(start, start + n):
            unit = HandlingUnitFactory(region=regions.county_a, name=f"单位{i:02d}")
            part = county.part(unit, assigned=at(2, 1), deadline=day(5, 1), done=at(4, 1))
            reply(part, "B", promised=day(6, 1))
            rate(part.suggestion, 1, "satisfied")
        # The summary rows are counted again with each change's commit, not by the page; run here as it would.
        with self.commits(execute=True):
            tallies.flush()

    def _count(self, user, fetch) -> int:
        with CaptureQueriesContext(connection) as queries:
            fetch()
        return len(queries)

    def test_the_table_takes_the_same_queries_for_3_units_as_for_30(self, staff_a, regions, county_a):
        self._units_with_parts(regions, county_a, 3)
        small = self._count(staff_a, lambda: assess(user=staff_a, year=YEAR, today=TODAY))
        self._units_with_parts(regions, county_a, 27)
        large = self._count(staff_a, lambda: assess(user=staff_a, year=YEAR, today=TODAY))
        assert small == large == 4  # units, rule set, suggestion tallies, opinion counts

    def test_the_page_and_its_export_take_the_same_queries_for_3_units_as_for_30(
        self, client, staff_a, regions, county_a
    ):
        client.force_login(staff_a)
        url = reverse("staff:unit_assessment")
        # The page frame's own figures (the inbox badge's count) are kept after the first visit: count warm pages.
        client.get(url)
        self._units_with_parts(regions, county_a, 3)
        small = [self._count(staff_a, lambda q=q: client.get(url, q)) for q in ({"year": YEAR}, {"export": "xlsx"})]
        self._units_with_parts(regions, county_a, 27)
        large = [self._count(staff_a, lambda q=q: client.get(url, q)) for q in ({"year": YEAR}, {"export": "xlsx"})]
        assert small == large
