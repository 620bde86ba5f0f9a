import datetime
import io

import pytest
import segno
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from liaison_stations import services
from liaison_stations.models import Opinion, Proposal, Rating, Station
from liaison_stations.tests.factories import (
    DutyDayFactory,
    DutyShiftFactory,
    OpinionFactory,
    StationFactory,
    StationMemberFactory,
)
from representatives.models import Membership, StateLog
from representatives.tests.factories import ClerkFactory, DeputyFactory, HandlingUnitFactory, MembershipFactory

VALID = {
    "voter_name": "王五",
    "voter_phone": "13900001111",
    "title": "小区门口路灯不亮",
    "content": "白沙街道某小区门口三盏路灯坏了三个月，晚上出行不安全。",
    "category": "urban",
    "website": "",
}


@pytest.fixture
def station(regions):
    return StationFactory(
        region=regions.town_a,
        name="白沙街道代表联络站",
        responsible_person="陈主任",
        contact_phone="0750-3123456",
        star_rating=4,
    )


def serving(deputy):
    MembershipFactory(deputy=deputy)
    return deputy


def form_url(station):
    return reverse("public:opinion_form", args=[station.public_id])


def track(client, code):
    return client.get(reverse("public:track"), {"code": code})


def fed_back_opinion(station, staff):
    """An opinion taken all the way to 反馈 through the services, as the office would."""
    opinion = services.opinion_receive(
        source=Opinion.Source.ONLINE, station=station, **{k: v for k, v in VALID.items() if k != "website"}
    )
    unit = HandlingUnitFactory(region=staff.region)
    services.opinion_sort(opinion=opinion, category="urban", by=staff)
    services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff)
    services.opinion_assign(opinion=opinion, by=staff)
    services.opinion_reply(opinion=opinion, by=ClerkFactory(unit=unit), text="已更换路灯灯泡。")
    services.opinion_feed_back(opinion=opinion, by=staff, feedback="已电话告知反映人，路灯已修复。")
    opinion.refresh_from_db()
    return opinion


# The opinion form ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestOpinionForm:
    def test_the_form_page_asks_for_the_opinion_and_hides_the_honeypot(self, client, station):
        body = client.get(form_url(station)).content.decode()
        assert 'name="voter_phone"' in body and 'name="csrfmiddlewaretoken"' in body
        assert 'class="d-none" aria-hidden="true"' in body and 'name="website"' in body

    def test_a_valid_submission_stores_the_opinion_and_shows_its_tracking_code(self, client, station):
        response = client.post(form_url(station), VALID, follow=True)
        opinion = Opinion.objects.get()
        assert response.status_code == 200
        assert opinion.tracking_code in response.content.decode()
        assert reverse("public:track") + "?code=" + opinion.tracking_code in response.content.decode()
        assert (opinion.station, opinion.region, opinion.source) == (station, station.region, Opinion.Source.ONLINE)
        assert (opinion.status, opinion.category, opinion.voter_phone) == ("received", "urban", "13900001111")

    def test_a_valid_submission_writes_a_transition_log_row(self, client, station):
        client.post(form_url(station), VALID)
        opinion = Opinion.objects.get()
        log = StateLog.objects.get(content_type=ContentType.objects.get_for_model(Opinion), object_id=opinion.pk)
        assert (log.from_state, log.to_state, log.actor) == ("", "received", None)

    def test_full_width_digits_and_a_country_code_are_accepted_as_a_mobile_number(self, client, station):
        client.post(form_url(station), {**VALID, "voter_phone": "+86 １３９-0000-1111"})
        assert Opinion.objects.get().voter_phone == "13900001111"

    @pytest.mark.parametrize("phone", ["0750-3123456", "075012345678", "020-87654321-123"])
    def test_landline_numbers_are_accepted(self, client, station, phone):
        client.post(form_url(station), {**VALID, "voter_phone": phone})
        assert Opinion.objects.get().voter_phone == phone

    @pytest.mark.parametrize(
        "field, value",
        [
            ("voter_phone", "12345"),
            ("voter_phone", "1390000111a"),
            ("voter_phone", "23900001111"),
            ("voter_name", "   "),
            ("title", "长" * 101),
            ("content", "长" * 3001),
            ("content", ""),
            ("category", "nonsense"),
        ],
    )
    def test_bad_input_shows_errors_and_stores_nothing(self, client, station, field, value):
        response = client.post(form_url(station), {**VALID, field: value})
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert "is-invalid" in response.content.decode()
        assert not Opinion.objects.exists() and not StateLog.objects.exists()

    def test_a_filled_honeypot_pretends_success_and_stores_nothing(self, client, station):
        response = client.post(form_url(station), {**VALID, "website": "http://spam.example"}, follow=True)
        assert response.status_code == 200
        assert "您的意见已提交" in response.content.decode()
        assert not Opinion.objects.exists() and not StateLog.objects.exists()

    def test_an_inactive_station_has_no_form(self, client, station):
        station.is_active = False
        station.save()
        assert client.get(form_url(station)).status_code == 404
        assert client.post(form_url(station), VALID).status_code == 404

    def test_the_form_is_protected_by_csrf(self, station):
        response = Client(enforce_csrf_checks=True).post(form_url(station), VALID)
        assert response.status_code == 403 and not Opinion.objects.exists()

    def test_what_a_voter_types_is_escaped_on_the_tracking_page(self, client, station):
        client.post(form_url(station), {**VALID, "title": "<script>alert(1)</script>"})
        body = track(client, Opinion.objects.get().tracking_code).content.decode()
        assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.django_db
class TestOpinionRateLimit:
    def test_the_sixth_post_in_ten_minutes_gets_429_and_writes_nothing(
        self, client, station, clock, django_assert_num_queries
    ):
        for _ in range(5):
            assert client.post(form_url(station), VALID).status_code == 302
        # A flooding script keeps no cookies; without a session the refusal costs no query at all.
        client.cookies.clear()
        with django_assert_num_queries(0):
            response = client.post(form_url(station), VALID)
        assert response.status_code == 429
        assert "操作过于频繁" in response.content.decode()
        assert Opinion.objects.count() == 5

    def test_invalid_posts_count_towards_the_limit_too(self, client, station, clock):
        for _ in range(5):
            client.post(form_url(station), {**VALID, "voter_phone": "x"})
        assert client.post(form_url(station), VALID).status_code == 429

    def test_the_form_accepts_again_after_the_window(self, client, station, clock):
        for _ in range(6):
            client.post(form_url(station), VALID)
        clock.advance(600)
        assert client.post(form_url(station), VALID).status_code == 302
        assert Opinion.objects.count() == 6

    def test_reading_the_form_is_not_limited(self, client, station, clock):
        for _ in range(6):
            client.post(form_url(station), VALID)
        assert client.get(form_url(station)).status_code == 200

    def test_another_address_is_not_affected(self, client, station, clock):
        for _ in range(6):
            client.post(form_url(station), VALID)
        assert client.post(form_url(station), VALID, REMOTE_ADDR="198.51.100.9").status_code == 302


# Tracking ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTracking:
    def test_a_known_code_shows_the_status_and_dates_but_never_the_phone(self, client, station):
        opinion = OpinionFactory(station=station, voter_phone="13912345678", voter_name="王五")
        body = track(client, opinion.tracking_code).content.decode()
        assert "已收到，等待工作人员梳理" in body and opinion.title in body
        assert timezone.localtime(opinion.received_at).strftime("%Y-%m-%d") in body
        assert "13912345678" not in body and "王五" not in body

    def test_codes_are_read_whatever_the_case_and_spacing(self, client, station):
        opinion = OpinionFactory(station=station)
        code = opinion.tracking_code
        spaced = f" {code[:4].lower()} {code[4:8]}-{code[8:]} "
        assert opinion.title in track(client, spaced).content.decode()

    def test_an_unknown_and_a_malformed_code_give_the_same_page_and_the_same_queries(self, client, station):
        OpinionFactory(station=station)
        pages, query_counts = [], []
        for code in ("ABCDEFGHJKMN", "abc!<>?"):
            with CaptureQueriesContext(connection) as queries:
                response = track(client, code)
            assert response.status_code == 200
            # Only the echoed code may differ; the navbar's language form also echoes the URL, so compare <main>.
            body = response.content.decode()
            main = body[body.index("<main") : body.index("</main>")]
            pages.append(main.replace(escape(response.context["form"].initial["code"]), ""))
            query_counts.append(len(queries))
        assert pages[0] == pages[1] and query_counts[0] == query_counts[1]
        assert "未找到这个查询码对应的意见" in pages[0]

    def test_the_reply_and_feedback_and_the_unit_are_shown_once_fed_back(self, client, station, staff_a):
        opinion = fed_back_opinion(station, staff_a)
        body = track(client, opinion.tracking_code).content.decode()
        assert "已向您反馈办理结果" in body and "已更换路灯灯泡。" in body and "路灯已修复" in body
        assert opinion.unit.name in body
        assert opinion.voter_phone not in body

    def test_the_receiving_deputy_is_shown_by_name_only(self, client, station):
        deputy = DeputyFactory(name="李代表", phone="13800009999")
        opinion = OpinionFactory(station=station, deputy=deputy, source=Opinion.Source.DUTY_DAY)
        body = track(client, opinion.tracking_code).content.decode()
        assert "李代表" in body and "13800009999" not in body and deputy.work_unit not in body

    def test_a_transferred_opinion_reads_as_transferred_not_refused(self, client, station, staff_a):
        opinion = OpinionFactory(station=station)
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        services.opinion_propose(opinion=opinion, proposal=Proposal.TO_HIGHER, by=staff_a)
        body = track(client, opinion.tracking_code).content.decode()
        assert "已转上级人大办理" in body
        for misleading in ("不予", "拒绝", "驳回", "已办结"):
            assert misleading not in body

    def test_a_merged_opinion_shows_the_progress_of_the_one_it_joined(self, client, station, staff_a):
        earlier = OpinionFactory(station=station, voter_phone="13700007777")
        later = OpinionFactory(station=station)
        services.opinion_sort(opinion=earlier, category="urban", by=staff_a)
        services.opinion_propose(opinion=earlier, proposal=Proposal.ON_SPOT, answer="已安排维修。", by=staff_a)
        services.opinion_merge(opinion=later, into=earlier, by=staff_a)
        body = track(client, later.tracking_code).content.decode()
        assert "已与其他群众反映的同类问题合并办理" in body
        assert "承办单位已答复" in body and "已安排维修。" in body
        assert earlier.title not in body and "13700007777" not in body and earlier.tracking_code not in body

    def test_a_voter_rates_a_fed_back_opinion_once(self, client, station, staff_a):
        opinion = fed_back_opinion(station, staff_a)
        assert 'name="rating"' in track(client, opinion.tracking_code).content.decode()
        response = client.post(
            reverse("public:track"), {"code": opinion.tracking_code, "rating": Rating.BASIC}, follow=True
        )
        opinion.refresh_from_db()
        assert opinion.rating == Rating.BASIC
        body = response.content.decode()
        assert "感谢您的评价" in body and 'name="rating"' not in body and "基本满意" in body
        assert StateLog.objects.filter(object_id=opinion.pk, note="选民评价").count() == 1

    def test_a_second_rating_is_refused(self, client, station, staff_a):
        opinion = fed_back_opinion(station, staff_a)
        client.post(reverse("public:track"), {"code": opinion.tracking_code, "rating": Rating.SATISFIED})
        response = client.post(
            reverse("public:track"), {"code": opinion.tracking_code, "rating": Rating.UNSATISFIED}, follow=True
        )
        opinion.refresh_from_db()
        assert opinion.rating == Rating.SATISFIED
        assert "这条意见已经评价过，或现在还不能评价" in response.content.decode()

    def test_an_opinion_still_being_handled_cannot_be_rated(self, client, station):
        opinion = OpinionFactory(station=station)
        assert 'name="rating"' not in track(client, opinion.tracking_code).content.decode()
        client.post(reverse("public:track"), {"code": opinion.tracking_code, "rating": Rating.SATISFIED})
        opinion.refresh_from_db()
        assert opinion.rating == ""

    def test_rating_an_unknown_code_gives_the_same_refusal(self, client, station):
        response = client.post(reverse("public:track"), {"code": "ABCDEFGHJKMN", "rating": "satisfied"}, follow=True)
        assert "这条意见已经评价过，或现在还不能评价" in response.content.decode()

    def test_lookups_are_rate_limited_per_address(self, client, station, clock, django_assert_num_queries):
        for _ in range(30):
            assert track(client, "ABCDEFGHJKMN").status_code == 200
        with django_assert_num_queries(0):
            assert track(client, "ABCDEFGHJKMN").status_code == 429
        clock.advance(600)
        assert track(client, "ABCDEFGHJKMN").status_code == 200

    def test_the_empty_form_does_not_count_as_a_lookup(self, client, clock):
        for _ in range(40):
            assert client.get(reverse("public:track")).status_code == 200


# Stations ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestStationPages:
    def test_the_finder_lists_active_stations_only(self, client, station, regions):
        StationFactory(region=regions.town_a, name="已撤销联络站", is_active=False)
        body = client.get(reverse("public:stations")).content.decode()
        assert station.name in body and "已撤销联络站" not in body

    def test_a_stations_stars_are_one_icon_and_a_label_read_out(self, client, station):
        Station.objects.filter(pk=station.pk).update(star_rating=3)
        body = client.get(reverse("public:stations")).content.decode()
        assert body.count('<i class="bi bi-stars-3" aria-hidden="true"></i>') == 1
        assert '<span class="visually-hidden">3 星级</span>' in body
        assert "bi-star-fill" not in body

    def test_the_finder_filters_by_region_and_name(self, client, station, regions):
        StationFactory(region=regions.town_b, name="台城街道代表之家")
        by_region = client.get(reverse("public:stations"), {"region": regions.county_b.pk}).content.decode()
        assert "台城街道代表之家" in by_region and station.name not in by_region
        by_name = client.get(reverse("public:stations"), {"q": "白沙"}).content.decode()
        assert station.name in by_name and "台城街道代表之家" not in by_name

    def test_the_page_shows_the_station_and_its_serving_deputies(self, client, station):
        present = serving(DeputyFactory(name="在任代表"))
        former = DeputyFactory(name="离任代表")
        MembershipFactory(deputy=former, status=Membership.Status.RESIGNED, status_date=datetime.date(2024, 1, 1))
        StationMemberFactory(station=station, deputy=present)
        StationMemberFactory(station=station, deputy=former)
        body = client.get(reverse("public:station", args=[station.public_id])).content.decode()
        for text in (station.address, station.opening_hours, "陈主任", "0750-3123456", "代表联络站", "4 星级"):
            assert text in body
        assert reverse("public:deputy", args=[present.public_id]) in body
        assert "离任代表" not in body
        assert present.phone not in body and present.id_number not in body

    def test_the_page_shows_the_next_duty_days_with_the_deputies_on_duty(self, client, station):
        on_duty = serving(DeputyFactory(name="值班代表"))
        StationMemberFactory(station=station, deputy=on_duty)
        soon = timezone.localdate() + datetime.timedelta(days=3)
        day = DutyDayFactory(station=station, date=soon, topic="听取老旧小区改造意见")
        DutyShiftFactory(duty_day=day, deputy=on_duty)
        DutyDayFactory(station=station, date=soon - datetime.timedelta(days=10), topic="已经过去的接待日")
        body = client.get(reverse("public:station", args=[station.public_id])).content.decode()
        assert soon.strftime("%Y-%m-%d") in body and "听取老旧小区改造意见" in body and "值班代表" in body
        assert "已经过去的接待日" not in body

    def test_the_page_shows_the_qr_code_image(self, client, station):
        body = client.get(reverse("public:station", args=[station.public_id])).content.decode()
        assert reverse("public:station_qr", args=[station.public_id]) in body
        assert form_url(station) in body

    def test_the_qr_code_is_an_svg_of_the_opinion_form_address(self, client, station, settings):
        settings.SITE_URL = "https://rd.example.gov.cn/"
        response = client.get(reverse("public:station_qr", args=[station.public_id]))
        buffer = io.BytesIO()
        segno.make("https://rd.example.gov.cn" + form_url(station), error="m").save(
            buffer, kind="svg", scale=4, border=2, xmldecl=False
        )
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert response.content == buffer.getvalue()

    def test_the_page_shows_the_stations_published_outcomes_only(self, client, station):
        published = OpinionFactory(
            station=station, status="closed", published_at=timezone.now(), public_summary="已修复路灯三盏。"
        )
        unpublished = OpinionFactory(station=station, status="closed")
        body = client.get(reverse("public:station", args=[station.public_id])).content.decode()
        assert published.title in body and "已修复路灯三盏。" in body and unpublished.title not in body

    def test_an_inactive_station_has_no_public_page(self, client, station):
        station.is_active = False
        station.save()
        assert client.get(reverse("public:station", args=[station.public_id])).status_code == 404
        assert client.get(reverse("public:station_qr", args=[station.public_id])).status_code == 404


# Published outcomes -------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestOutcomes:
    def published(self, station, **kwargs):
        now = timezone.now()
        defaults = {
            "status": "closed",
            "closed_at": now,
            "published_at": now,
            "public_summary": "已协调供电所更换路灯。",
            "rating": Rating.SATISFIED,
        }
        return OpinionFactory(station=station, **{**defaults, **kwargs})

    def test_outcomes_show_the_problem_the_deputy_the_dates_and_the_rating(self, client, station):
        deputy = DeputyFactory(name="赵代表")
        outcome = self.published(station, deputy=deputy)
        body = client.get(reverse("public:outcomes")).content.decode()
        for text in (outcome.title, "已协调供电所更换路灯。", "赵代表", station.name, "满意"):
            assert text in body
        assert timezone.localtime(outcome.closed_at).strftime("%Y-%m-%d") in body

    def test_outcomes_never_show_the_voters_name_or_phone(self, client, station):
        self.published(station, voter_name="钱六六", voter_phone="13611112222", content="我住在某某小区三栋。")
        body = client.get(reverse("public:outcomes")).content.decode()
        assert "钱六六" not in body and "13611112222" not in body and "三栋" not in body

    def test_unpublished_opinions_are_not_listed(self, client, station):
        hidden = OpinionFactory(station=station, status="closed", closed_at=timezone.now())
        assert hidden.title not in client.get(reverse("public:outcomes")).content.decode()

    def test_outcomes_filter_by_region(self, client, station, regions):
        here = self.published(station)
        there = self.published(StationFactory(region=regions.town_b))
        body = client.get(reverse("public:outcomes"), {"region": regions.county_a.pk}).content.decode()
        assert here.title in body and there.title not in body


# Query counts -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestQueryCounts:
    def test_a_submission_runs_a_fixed_number_of_queries(self, client, station, django_assert_max_num_queries):
        # The station, its region, the tracking code's uniqueness, the opinion, its history row, its tally mark,
        # its state log and the session, with the savepoints of the test's transaction: 28 before the service
        # stopped validating again what the database and the caller already guarantee (services.opinion_receive).
        client.get(form_url(station))
        with django_assert_max_num_queries(13):
            response = client.post(form_url(station), VALID)
        assert response.status_code == 302
        assert Opinion.objects.get().title == VALID["title"]

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_station_finder_runs_a_constant_number_of_queries(
        self, client, regions, rows, django_assert_max_num_queries
    ):
        StationFactory.create_batch(rows, region=regions.town_a, star_rating=3)
        with django_assert_max_num_queries(3):
            response = client.get(reverse("public:stations"))
        assert response.status_code == 200

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_station_page_runs_a_constant_number_of_queries(
        self, client, station, rows, django_assert_max_num_queries
    ):
        deputies = [serving(DeputyFactory()) for _ in range(rows)]
        for deputy in deputies:
            StationMemberFactory(station=station, deputy=deputy)
        for offset in range(rows):
            day = DutyDayFactory(station=station, date=timezone.localdate() + datetime.timedelta(days=offset % 9 + 1))
            DutyShiftFactory(duty_day=day, deputy=deputies[offset])
        OpinionFactory.create_batch(
            rows, station=station, status="closed", published_at=timezone.now(), deputy=deputies[0]
        )
        with django_assert_max_num_queries(6):
            response = client.get(reverse("public:station", args=[station.public_id]))
        assert response.status_code == 200

    @pytest.mark.parametrize("rows", [5, 50])
    def test_the_outcomes_page_runs_a_constant_number_of_queries(
        self, client, station, rows, django_assert_max_num_queries
    ):
        for _ in range(rows):
            OpinionFactory(
                station=StationFactory(region=station.region),
                deputy=DeputyFactory(),
                status="closed",
                published_at=timezone.now(),
            )
        with django_assert_max_num_queries(3):
            response = client.get(reverse("public:outcomes"))
        assert response.status_code == 200
