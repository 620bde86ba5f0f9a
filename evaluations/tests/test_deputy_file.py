import datetime
import io
import itertools
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import Attendance, CongressSession
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, StationFactory
from representatives.models import ActivityKind
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    LeaderFactory,
    MembershipFactory,
)
from suggestions.models import CoSigner, Evaluation
from suggestions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
D = Decimal
NUMBERS = itertools.count(1)


@pytest.fixture
def congress(regions):
    return CongressFactory(region=regions.county_a, level=4, code="440703-4-17", term_number=17)


@pytest.fixture
def deputy(deputy_a, congress):
    MembershipFactory(deputy=deputy_a, congress=congress)
    return deputy_a


@pytest.fixture
def station(regions):
    return StationFactory(region=regions.town_a, name="白沙联络站")


@pytest.fixture
def other(congress, regions):
    """A colleague in the same township, whose records must never appear in deputy A's file."""
    colleague = DeputyFactory(region=regions.town_a, name="李四")
    MembershipFactory(deputy=colleague, congress=congress)
    return colleague


def at(year, month=3, day=1):
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


def records(deputy, congress, station, *, n=1, year=YEAR, tag="本年", co_lead=None):
    """``n`` records of every kind the file shows, for ``deputy`` in ``year``; ``tag`` marks their text."""
    for i in range(n):
        session = CongressSession.objects.create(
            congress=congress,
            name=f"{tag}会议{i}",
            start_date=datetime.date(year, 1, 10),
            end_date=datetime.date(year, 1, 12),
        )
        Attendance.objects.create(session=session, deputy=deputy, status=Attendance.Status.PRESENT, speeches=2)
        led = SuggestionFactory(
            deputy=deputy,
            congress=congress,
            year=year,
            title=f"{tag}领衔建议{i}",
            status="replied",
            number=next(NUMBERS),
            registered_at=at(year),
        )
        Evaluation.objects.create(suggestion=led, round=1, value=Evaluation.Value.UNSATISFIED)
        Evaluation.objects.create(suggestion=led, round=2, value=Evaluation.Value.SATISFIED)
        joined = SuggestionFactory(
            deputy=co_lead or DeputyFactory(region=deputy.region),
            congress=congress,
            year=year,
            title=f"{tag}联名建议{i}",
            status="assigned",
            registered_at=at(year),
        )
        CoSigner.objects.create(suggestion=joined, deputy=deputy, status=CoSigner.Status.ACCEPTED)
        for kind in (ActivityKind.INSPECTION, ActivityKind.TRAINING, ActivityKind.GROUP):
            ActivityRecordFactory(
                deputy=deputy,
                kind=kind,
                status="confirmed",
                date=datetime.date(year, 4, 1),
                place=f"{tag}{kind}地点{i}",
            )
        ActivityRecordFactory(
            deputy=deputy,
            kind=ActivityKind.REPORT_TO_VOTERS,
            status="confirmed",
            date=datetime.date(year, 5, 1),
            place=f"{tag}述职地点{i}",
            voters_attended=40 + i,
            voter_rating="good",
        )
        day = DutyDayFactory(
            station=station,
            date=datetime.date(year, 6, 1 + i % 28),
            status="held",
            voters_received=7,
            topic=f"{tag}接待{i}",
        )
        DutyShiftFactory(duty_day=day, deputy=deputy, attended=True)


def file_url(year=YEAR):
    return reverse("me:file_year", args=[year])


@pytest.fixture
def deputy_client(client, deputy):
    client.force_login(DeputyUserFactory(deputy=deputy, username="deputy_a"))
    return client


class TestWhatTheFileShows:
    def test_each_kind_of_record_of_the_year_is_shown(self, deputy_client, deputy, congress, station):
        records(deputy, congress, station)
        body = deputy_client.get(file_url()).content.decode()
        for text in (
            "本年会议0",
            "本年领衔建议0",
            "本年联名建议0",
            f"本年{ActivityKind.INSPECTION}地点0",
            "本年述职地点0",
            f"本年{ActivityKind.TRAINING}地点0",
            f"本年{ActivityKind.GROUP}地点0",
            "本年接待0",
        ):
            assert text in body, text
        assert "第1轮：不满意" in body and "第2轮：满意" in body
        assert "接待选民 7 人次" in body and "发言 2 次" in body

    def test_records_of_other_years_are_left_out(self, deputy_client, deputy, congress, station):
        records(deputy, congress, station, year=YEAR - 1, tag="去年")
        records(deputy, congress, station, year=YEAR + 1, tag="明年")
        body = deputy_client.get(file_url()).content.decode()
        assert "去年" not in body and "明年" not in body

    def test_another_deputys_records_are_left_out(self, deputy_client, deputy, other, congress, station):
        records(other, congress, station, tag="他人", co_lead=deputy)
        body = deputy_client.get(file_url()).content.decode()
        # Deputy A leads the suggestions the colleague co-signed; only the colleague's own records are hidden.
        for text in ("他人会议0", "他人领衔建议0", f"他人{ActivityKind.TRAINING}地点0", "他人述职地点0", "他人接待0"):
            assert text not in body, text

    def test_unconfirmed_activities_and_unheld_duty_days_are_left_out(self, deputy_client, deputy, station):
        ActivityRecordFactory(
            deputy=deputy, kind="research", status="pending", date=datetime.date(YEAR, 3, 1), place="待确认地点"
        )
        day = DutyDayFactory(station=station, date=datetime.date(YEAR, 6, 1), status="planned", topic="尚未接待")
        DutyShiftFactory(duty_day=day, deputy=deputy)
        body = deputy_client.get(file_url()).content.decode()
        assert "待确认地点" not in body and "尚未接待" not in body

    def test_the_stored_score_shows_how_each_item_was_counted_and_the_adjustments(
        self, deputy_client, deputy, congress, station, regions, staff_a
    ):
        records(deputy, congress, station, n=12)
        rule_set = services.rule_set_create_example(region=regions.county_a, year=YEAR)
        services.score_year_now(rule_set=rule_set)
        score = deputy.scores.get()
        services.score_adjust(score=score, points=D(-3), reason="会议请假未补交材料", by=staff_a)
        body = deputy_client.get(file_url()).content.decode()
        assert rule_set.name in body
        assert "12 次 × 3.0 分" in body  # duty days
        assert "上限 24.0 分" in body and "已达上限" in body
        assert "评议为“好” 12 次 × 5.0 分" in body
        assert "会议请假未补交材料" in body and "-3.0" in body
        score.refresh_from_db()
        assert str(score.total) in body

    def test_a_year_without_a_score_says_so(self, deputy_client):
        assert "本年度尚未计算考评结果" in deputy_client.get(file_url()).content.decode()

    def test_the_file_without_a_year_is_this_years(self, deputy_client):
        response = deputy_client.get(reverse("me:file"))
        assert response.status_code == 200 and response.context["year"] == timezone.localdate().year

    def test_the_year_picker_leads_to_the_chosen_year(self, deputy_client):
        response = deputy_client.get(reverse("me:file"), {"year": YEAR})
        assert response.status_code == 302 and response["Location"] == file_url()

    def test_an_impossible_year_is_not_found(self, deputy_client):
        assert deputy_client.get(file_url(1900)).status_code == 404

    def test_the_deputy_home_page_links_to_the_file(self, deputy_client):
        assert reverse("me:file") in deputy_client.get(reverse("me:home")).content.decode()


class TestWhoSeesWhichFile:
    def staff_url(self, deputy, year=YEAR):
        return reverse("staff:deputy_file", args=[deputy.pk, year])

    def test_staff_of_the_region_open_a_deputys_file(self, client, staff_a, deputy, congress, station):
        records(deputy, congress, station)
        client.force_login(staff_a)
        response = client.get(self.staff_url(deputy))
        assert response.status_code == 200 and "本年领衔建议0" in response.content.decode()

    def test_city_staff_and_leaders_read_the_file(self, client, city_staff, regions, deputy):
        for user in (city_staff, LeaderFactory(region=regions.county_a)):
            client.force_login(user)
            assert client.get(self.staff_url(deputy)).status_code == 200

    def test_staff_of_another_county_find_no_file(self, client, staff_b, deputy):
        client.force_login(staff_b)
        assert client.get(self.staff_url(deputy)).status_code == 404

    def test_a_deputy_cannot_open_a_colleagues_file(self, deputy_client, other):
        assert deputy_client.get(self.staff_url(other)).status_code == 403

    def test_visitors_are_sent_to_log_in(self, client, deputy):
        assert client.get(file_url()).status_code == 302


class TestQueries:
    def count(self, client, url):
        # Cold caches each time (the inbox badge's count is kept), so both loads count the same reads.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_the_file_takes_the_same_queries_for_3_or_30_records_of_each_kind(
        self, client, staff_a, deputy, congress, station, regions
    ):
        lead = DeputyFactory(region=regions.town_a)
        rule_set = services.rule_set_create_example(region=regions.county_a, year=YEAR)
        records(deputy, congress, station, n=3, co_lead=lead)
        services.score_year_now(rule_set=rule_set)
        services.score_adjust(score=deputy.scores.get(), points=D(1), reason="补录", by=staff_a)
        client.force_login(staff_a)
        url = reverse("staff:deputy_file", args=[deputy.pk, YEAR])
        export = url + "?export=xlsx"
        few = (self.count(client, url), self.count(client, export))
        records(deputy, congress, station, n=27, tag="更多", co_lead=lead)
        services.score_year_now(rule_set=rule_set)
        services.score_adjust(score=deputy.scores.get(), points=D(1), reason="再补录", by=staff_a)
        assert (self.count(client, url), self.count(client, export)) == few


class TestPrintAndExport:
    def test_the_file_has_a_print_button_and_links_the_print_stylesheet(self, deputy_client):
        body = deputy_client.get(file_url()).content.decode()
        assert "data-print" in body and "打印" in body
        assert 'href="/static/css/print.css" media="print"' in body
        assert "<script>" not in body  # behaviour comes from static files only

    def test_the_print_stylesheet_sets_a4_hides_navigation_and_breaks_pages_between_sections(self):
        css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
        assert "size: A4" in css and ".navbar" in css and ".btn" in css
        assert ".file-section + .file-section" in css and "break-before: page" in css

    def test_the_excel_file_has_a_sheet_per_section_with_the_records(
        self, deputy_client, deputy, congress, station, regions
    ):
        records(deputy, congress, station, n=2)
        services.score_year_now(rule_set=services.rule_set_create_example(region=regions.county_a, year=YEAR))
        response = deputy_client.get(file_url(), {"export": "xlsx"})
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [
            "概况",
            "考评得分",
            "出席代表大会会议",
            "领衔提出的建议",
            "联名提出的建议",
            "闭会期间活动",
            "进站接待选民",
            "向选民述职",
            "学习培训",
            "代表小组活动",
        ]
        cells = {
            name: [str(cell) for row in book[name].iter_rows(values_only=True) for cell in row]
            for name in book.sheetnames
        }
        assert "本年会议1" in cells["出席代表大会会议"]
        assert "本年领衔建议1" in cells["领衔提出的建议"]
        assert "第1轮：不满意；第2轮：满意" in cells["领衔提出的建议"]
        assert "本年联名建议0" in cells["联名提出的建议"]
        assert "本年述职地点1" in cells["向选民述职"]
        assert "进站接待选民" in cells["考评得分"]
        assert deputy.name in cells["概况"]

    def test_text_that_looks_like_a_formula_is_exported_as_text(self, deputy_client, deputy):
        ActivityRecordFactory(
            deputy=deputy, kind="training", status="confirmed", date=datetime.date(YEAR, 3, 1), place="=HYPERLINK(1)"
        )
        book = openpyxl.load_workbook(io.BytesIO(deputy_client.get(file_url(), {"export": "xlsx"}).content))
        assert book["学习培训"]["B2"].value == "'=HYPERLINK(1)"
