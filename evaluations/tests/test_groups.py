"""Representative groups' "五个一" for 2025, against groups whose every item is worked out by hand below.

County A:
| group          | members (2025)                      | records                                                  |
|----------------|-------------------------------------|----------------------------------------------------------|
| 白沙一组 G1    | d1, d2, d6 (left 2025-06-01);       | group activities (confirmed): d1 03-31, d2 04-01, d1 12-31;|
|                | not d3 (left 2024-06-01)            |   not counted: d1 07-15 pending, d3 08-01 (no longer a   |
|                |                                     |   member), d1 2024-12-31; research d2 05-01;             |
|                |                                     |   d1 leads a suggestion registered 02-01;                |
|                |                                     |   an opinion d1 received, fed back 06-01 and closed      |
| 白沙二组 G2    | d4                                  | group activity d4 03-31 only; note: research report,     |
|                |                                     |   problem solved, exchange; not counted: d4's refused     |
|                |                                     |   suggestion, an invitation d4 never accepted            |
| 白沙三组 G3    | d5                                  | d5 co-signed (accepted) a suggestion registered 03-01;   |
|                |                                     |   not counted: an opinion still being handled, one fed   |
|                |                                     |   back in 2024                                           |
Not shown to county A: 台城一组 (county B) and 白沙专业组 (a professional group).

So (✓ with where it came from; ✗ missing):
| group | Q1 | Q2 | Q3 | Q4 | research     | suggestion    | problem     | exchange | missing                       |
|-------|----|----|----|----|--------------|---------------|-------------|----------|-------------------------------|
| G1    | ✓  | ✓  | ✗  | ✓  | ✓ activity   | ✓ led         | ✓ opinion   | ✗        | Q3, exchange                  |
| G2    | ✓  | ✗  | ✗  | ✗  | ✓ note       | ✗             | ✓ note      | ✓        | Q2, Q3, Q4, suggestion        |
| G3    | ✗  | ✗  | ✗  | ✗  | ✗            | ✓ co-signed   | ✗           | ✗        | all but the suggestion        |
"""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import views_units
from evaluations.groups import checklists, group_note_save, quarter_bounds
from evaluations.models import GroupYearNote
from liaison_stations.tests.factories import OpinionFactory
from representatives.models import ActivityKind, Group, StateLog
from representatives.services import TransitionError
from representatives.tests.factories import (
    ActivityRecordFactory,
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    GroupFactory,
    LeaderFactory,
    MembershipFactory,
)
from suggestions.models import CoSigner
from suggestions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2025
CONFIRMED = "confirmed"


def at(month, day, year=YEAR):
    return datetime.datetime(year, month, day, 10, tzinfo=LOCAL)


def activity(deputy, kind, date, status=CONFIRMED, **extra):
    if status == "returned":
        extra.setdefault("return_reason", "材料不全")
    return ActivityRecordFactory(deputy=deputy, kind=kind, date=date, status=status, **extra)


@pytest.fixture
def congress(regions):
    return CongressFactory(region=regions.county_a, level=4, code="440703-4-17")


@pytest.fixture
def world(regions, congress):
    g1 = GroupFactory(region=regions.town_a, name="白沙一组")
    g2 = GroupFactory(region=regions.town_a, name="白沙二组")
    g3 = GroupFactory(region=regions.town_a, name="白沙三组")
    gb = GroupFactory(region=regions.town_b, name="台城一组")
    GroupFactory(region=regions.town_a, name="白沙专业组", kind=Group.Kind.PROFESSIONAL)

    def member(group, **seat):
        deputy = DeputyFactory(region=group.region)
        MembershipFactory(deputy=deputy, congress=congress, representative_group=group, **seat)
        return deputy

    d1, d2 = member(g1), member(g1)
    d3 = member(g1, status="resigned", status_date=datetime.date(2024, 6, 1))
    member(g1, status="resigned", status_date=datetime.date(2025, 6, 1))
    d4, d5, db = member(g2), member(g3), member(gb)

    group = ActivityKind.GROUP
    activity(d1, group, datetime.date(2025, 3, 31))
    activity(d2, group, datetime.date(2025, 4, 1))
    activity(d1, group, datetime.date(2025, 12, 31))
    activity(d1, group, datetime.date(2025, 7, 15), status="pending")
    activity(d3, group, datetime.date(2025, 8, 1))
    activity(d1, group, datetime.date(2024, 12, 31))
    activity(d2, ActivityKind.RESEARCH, datetime.date(2025, 5, 1))
    SuggestionFactory(congress=congress, deputy=d1, status="assigned", registered_at=at(2, 1))
    OpinionFactory(station__region=regions.town_a, deputy=d1, status="closed", fed_back_at=at(6, 1), closed_at=at(6, 5))

    activity(d4, group, datetime.date(2025, 3, 31))
    GroupYearNote.objects.create(
        group=g2,
        year=YEAR,
        research_report="关于农村饮水的调研报告",
        problem_solved="推动修复路灯",
        exchange="赴邻镇交流",
    )
    SuggestionFactory(congress=congress, deputy=d4, status="not_registered", refusal_reason="属信访事项")
    invited = SuggestionFactory(congress=congress, status="registered", registered_at=at(3, 1))
    CoSigner.objects.create(suggestion=invited, deputy=d4, status=CoSigner.Status.INVITED)

    cosigned = SuggestionFactory(congress=congress, status="registered", registered_at=at(3, 1))
    CoSigner.objects.create(suggestion=cosigned, deputy=d5, status=CoSigner.Status.ACCEPTED)
    OpinionFactory(station__region=regions.town_a, deputy=d5, status="sorted")
    OpinionFactory(station__region=regions.town_a, deputy=d5, status="fed_back", fed_back_at=at(12, 20, year=2024))

    activity(db, group, datetime.date(2025, 3, 1))
    return {"g1": g1, "g2": g2, "g3": g3, "gb": gb}


def rows_by_name(user, year=YEAR, region=None):
    return {row.group.name: row for row in checklists(user=user, year=year, region=region)}


@pytest.fixture
def rows(staff_a, world):
    return rows_by_name(staff_a)


class TestChecklist:
    def test_only_the_representative_groups_of_the_users_region_are_listed(self, rows):
        assert set(rows) == {"白沙一组", "白沙二组", "白沙三组"}

    def test_members_are_those_whose_seat_names_the_group_and_who_served_in_the_year(self, rows):
        assert [rows[name].member_count for name in ("白沙一组", "白沙二组", "白沙三组")] == [3, 1, 1]

    def test_a_confirmed_group_activity_by_a_member_marks_its_quarter(self, rows):
        assert rows["白沙一组"].quarters == {1: True, 2: True, 3: False, 4: True}

    def test_31_march_belongs_to_the_first_quarter_and_1_april_to_the_second(self, rows):
        # G2's only activity is on 31 March; G1's 1 April activity is its only one in the second quarter.
        assert rows["白沙二组"].quarters == {1: True, 2: False, 3: False, 4: False}
        assert quarter_bounds(YEAR, 1) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
        assert quarter_bounds(YEAR, 2) == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
        assert quarter_bounds(YEAR, 4) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))

    def test_pending_activities_and_former_members_activities_do_not_count(self, rows):
        assert rows["白沙一组"].quarters[3] is False

    def test_a_research_report_comes_from_a_research_activity_or_the_note(self, rows):
        assert (rows["白沙一组"].research, rows["白沙一组"].research_source) == (True, "调研活动")
        assert (rows["白沙二组"].research, rows["白沙二组"].research_source) == (True, "年度记录")
        assert rows["白沙三组"].research is False

    def test_a_registered_suggestion_led_or_co_signed_by_a_member_counts(self, rows):
        assert (rows["白沙一组"].suggestion, rows["白沙一组"].suggestion_source) == (True, "领衔")
        assert (rows["白沙三组"].suggestion, rows["白沙三组"].suggestion_source) == (True, "联名")

    def test_a_refused_suggestion_and_an_unaccepted_invitation_do_not_count(self, rows):
        assert rows["白沙二组"].suggestion is False

    def test_a_problem_solved_comes_from_an_opinion_fed_back_that_year_or_the_note(self, rows):
        assert (rows["白沙一组"].problem, rows["白沙一组"].problem_source) == (True, "选民意见已反馈")
        assert (rows["白沙二组"].problem, rows["白沙二组"].problem_source) == (True, "年度记录")
        assert rows["白沙三组"].problem is False

    def test_an_exchange_comes_from_the_note_only(self, rows):
        assert [rows[name].exchange for name in ("白沙一组", "白沙二组", "白沙三组")] == [False, True, False]

    def test_what_is_missing_is_named_per_group(self, rows):
        assert rows["白沙一组"].missing == ["第三季度活动", "一次交流活动"]
        assert rows["白沙二组"].missing == ["第二季度活动", "第三季度活动", "第四季度活动", "一件代表建议"]
        assert rows["白沙三组"].missing == [
            "第一季度活动",
            "第二季度活动",
            "第三季度活动",
            "第四季度活动",
            "一份调研报告",
            "推动解决一个问题",
            "一次交流活动",
        ]

    def test_a_group_with_all_five_items_is_complete(self, staff_a, world):
        group_note_save(group=world["g1"], year=YEAR, by=staff_a, exchange="与台城一组交流")
        activity(world["g1"].representative_members.first().deputy, ActivityKind.GROUP, datetime.date(2025, 9, 30))
        row = rows_by_name(staff_a)["白沙一组"]
        assert (row.missing, row.complete) == ([], True)

    def test_another_years_records_do_not_count(self, staff_a, world):
        row = rows_by_name(staff_a, year=2024)["白沙二组"]
        assert (row.quarters, row.research, row.exchange) == ({1: False, 2: False, 3: False, 4: False}, False, False)

    def test_the_city_office_sees_both_counties_and_can_narrow_to_one(self, city_staff, world, regions):
        assert set(rows_by_name(city_staff)) == {"白沙一组", "白沙二组", "白沙三组", "台城一组"}
        assert set(rows_by_name(city_staff, region=regions.county_b)) == {"台城一组"}


class TestPage:
    def test_staff_see_the_checklist_with_what_is_missing(self, client, staff_a, world):
        client.force_login(staff_a)
        response = client.get(reverse("staff:groups"), {"year": YEAR})
        body = response.content.decode()
        assert response.status_code == 200
        assert "第三季度活动、一次交流活动" in body
        assert "台城一组" not in body
        assert reverse("staff:group_note", args=[world["g1"].pk, YEAR]) in body

    def test_the_groups_are_read_a_page_at_a_time_under_the_whole_scopes_count(
        self, client, staff_a, world, monkeypatch
    ):
        monkeypatch.setattr(views_units, "GROUPS_PER_PAGE", 2)
        client.force_login(staff_a)
        url = reverse("staff:groups")
        everyone = checklists(user=staff_a, year=YEAR)
        shown = []
        for number in (1, 2):
            response = client.get(url, {"year": YEAR, "page": number})
            shown += [row.group.name for row in response.context["page"].object_list]
            counted = (response.context["complete"], len(response.context["rows"]))
            assert counted == (sum(row.complete for row in everyone), 3)
        assert shown == [row.group.name for row in everyone]
        found = client.get(url, {"year": YEAR, "q": "二组"}).context["page"].object_list
        assert [row.group.name for row in found] == ["白沙二组"]

    def test_the_region_box_holds_only_the_chosen_region_and_searches_the_rest(
        self, client, city_staff, world, regions
    ):
        # A province's townships are thousands of options: the box is searched (core:autocomplete's regions).
        client.force_login(city_staff)
        body = client.get(reverse("staff:groups"), {"year": YEAR, "region": regions.county_b.pk}).content.decode()
        box = body[body.index('<select class="form-select" name="region"') :]
        box = box[: box.index("</select>")]
        assert reverse("staff:autocomplete", args=["regions"]) in box
        assert box.count("<option") == 2 and f'value="{regions.county_b.pk}" selected' in box

    def test_a_leader_reads_the_checklist_but_gets_no_note_form(self, client, regions, world):
        leader = LeaderFactory(region=regions.county_a)
        client.force_login(leader)
        response = client.get(reverse("staff:groups"), {"year": YEAR})
        assert response.status_code == 200
        assert reverse("staff:group_note", args=[world["g1"].pk, YEAR]) not in response.content.decode()
        assert client.get(reverse("staff:group_note", args=[world["g1"].pk, YEAR])).status_code == 403

    def test_deputies_and_unit_clerks_are_refused(self, client, deputy_a, regions):
        for user in (DeputyUserFactory(deputy=deputy_a), ClerkFactory(unit__region=regions.county_a)):
            client.force_login(user)
            assert client.get(reverse("staff:groups")).status_code == 403

    def test_the_checklist_takes_the_same_queries_for_3_groups_as_for_30(self, staff_a, regions, congress):
        def add_groups(n):
            for _ in range(n):
                group = GroupFactory(region=regions.town_a)
                deputy = DeputyFactory(region=regions.town_a)
                MembershipFactory(deputy=deputy, congress=congress, representative_group=group)
                activity(deputy, ActivityKind.GROUP, datetime.date(2025, 5, 1))
                GroupYearNote.objects.create(group=group, year=YEAR, exchange="交流")

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert checklists(user=staff_a, year=YEAR)
            return len(queries)

        add_groups(3)
        small = count()
        add_groups(27)
        assert small == count() == 2


class TestNote:
    def url(self, group, year=YEAR):
        return reverse("staff:group_note", args=[group.pk, year])

    def test_staff_fill_the_note_and_the_checklist_counts_it(self, client, staff_a, world):
        client.force_login(staff_a)
        assert client.get(self.url(world["g1"])).status_code == 200
        response = client.post(
            self.url(world["g1"]), {"exchange": "  与台城一组交流代表履职经验 ", "problem_solved": ""}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:groups") + "?year=2025")
        note = GroupYearNote.objects.get(group=world["g1"], year=YEAR)
        assert (note.exchange, note.problem_solved) == ("与台城一组交流代表履职经验", "")
        assert rows_by_name(staff_a)["白沙一组"].missing == ["第三季度活动"]

    def test_each_change_is_recorded_with_who_made_it_and_the_text_it_replaced(self, staff_a, world):
        g2 = world["g2"]
        note = group_note_save(group=g2, year=YEAR, by=staff_a, exchange="赴台城交流", problem_solved="推动修复路灯")
        steps = StateLog.objects.filter(content_type=ContentType.objects.get_for_model(note), object_id=note.pk)
        assert steps.count() == 1
        step = steps.get()
        assert step.actor == staff_a
        assert "交流活动" in step.note and "赴邻镇交流" in step.note
        assert "推动解决的问题" not in step.note

    def test_saving_the_same_text_again_changes_and_records_nothing(self, staff_a, world):
        group_note_save(group=world["g1"], year=YEAR, by=staff_a, exchange="交流")
        group_note_save(group=world["g1"], year=YEAR, by=staff_a, exchange="交流")
        assert StateLog.objects.filter(to_state="recorded").count() == 1

    def test_an_empty_form_on_a_new_year_leaves_no_empty_note(self, client, staff_a, world):
        client.force_login(staff_a)
        client.post(self.url(world["g3"]), {"exchange": "", "problem_solved": "", "research_report": ""})
        assert not GroupYearNote.objects.filter(group=world["g3"]).exists()

    def test_a_note_for_another_countys_group_is_not_found(self, client, staff_a, world):
        client.force_login(staff_a)
        assert client.get(self.url(world["gb"])).status_code == 404
        assert client.post(self.url(world["gb"]), {"exchange": "x"}).status_code == 404

    def test_a_note_for_a_future_year_is_not_found(self, client, staff_a, world):
        client.force_login(staff_a)
        assert client.get(self.url(world["g1"], year=2100)).status_code == 404

    def test_too_long_a_text_is_refused_with_the_form(self, client, staff_a, world):
        client.force_login(staff_a)
        response = client.post(self.url(world["g1"]), {"exchange": "长" * 2001})
        assert response.status_code == 400
        assert not GroupYearNote.objects.filter(group=world["g1"]).exists()

    def test_only_staff_of_the_groups_region_may_save_a_note(self, regions, staff_b, world):
        for user in (staff_b, LeaderFactory(region=regions.county_a)):
            with pytest.raises(TransitionError):
                group_note_save(group=world["g1"], year=YEAR, by=user, exchange="交流")
        assert not GroupYearNote.objects.filter(group=world["g1"]).exists()

    def test_a_professional_group_has_no_note(self, staff_a, world):
        professional = Group.objects.get(name="白沙专业组")
        with pytest.raises(TransitionError):
            group_note_save(group=professional, year=YEAR, by=staff_a, exchange="交流")


class TestExport:
    def test_the_spreadsheet_has_one_row_per_group_with_what_is_missing(self, client, staff_a, world):
        client.force_login(staff_a)
        response = client.get(reverse("staff:groups"), {"year": YEAR, "export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = [list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]
        header, data = sheet[0], {row[0]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]}
        assert header[:3] == ["代表小组", "所属区域", "成员数"]
        assert set(data) == {"白沙一组", "白沙二组", "白沙三组"}
        g1 = data["白沙一组"]
        assert [g1[label] for label in ("第一季度活动", "第二季度活动", "第三季度活动", "第四季度活动")] == [
            "有",
            "有",
            "无",
            "有",
        ]
        assert (g1["一份调研报告"], g1["一件代表建议"], g1["一次交流活动"]) == ("有（调研活动）", "有（领衔）", "无")
        assert g1["尚缺"] == "第三季度活动、一次交流活动"
        assert data["白沙二组"]["交流活动"] == "赴邻镇交流"

    def test_a_note_that_looks_like_a_formula_is_exported_as_text(self, client, staff_a, world):
        group_note_save(group=world["g1"], year=YEAR, by=staff_a, exchange="=1+1")
        client.force_login(staff_a)
        response = client.get(reverse("staff:groups"), {"year": YEAR, "export": "xlsx"})
        sheet = [list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]
        assert "'=1+1" in [row[sheet[0].index("交流活动")] for row in sheet[1:]]
