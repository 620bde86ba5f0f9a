"""Voters rate a deputy's report to voters (述职评议) themselves: opening the rating, one rating per device and per
confirmed mobile number, the form's protections, and the counts on the record and in the deputy's file."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingMessage
from liaison_stations import ratelimit
from liaison_stations.views_report_rating import DEVICE_COOKIE
from representatives import services_ratings
from representatives.models import ActivityKind, ActivityRecord, ReportRating, ReportRatingPoll
from representatives.services import TransitionError
from representatives.tests.factories import ActivityRecordFactory, DeputyUserFactory, LeaderFactory

V = ReportRating.Value


@pytest.fixture
def report(deputy_a):
    return ActivityRecordFactory(deputy=deputy_a, kind=ActivityKind.REPORT_TO_VOTERS, voters_attended=60)


@pytest.fixture
def poll(report, staff_a):
    return services_ratings.poll_open(record=report, by=staff_a)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        moment = 600 * 3_000_000

    clock = Clock()
    monkeypatch.setattr(ratelimit, "now", lambda: clock.moment)
    return clock


def page(poll):
    return reverse("public:report_rating", args=[poll.public_id])


def voter(poll) -> Client:
    """A phone that opened the QR code: it holds its device cookie."""
    client = Client()
    client.get(page(poll))
    return client


def rate(client, poll, value="satisfied", **more):
    return client.post(page(poll), {"step": "rate", "value": value, "comment": "", "phone": "", **more})


class TestOpening:
    def test_the_deputy_opens_it_from_the_record_and_gets_the_qr(self, client, report, deputy_user_a):
        client.force_login(deputy_user_a)
        body = client.get(reverse("me:activity", args=[report.pk])).content.decode()
        assert "开启选民评议" in body
        client.post(reverse("me:report_rating_open", args=[report.pk]))
        poll = ReportRatingPoll.objects.get(record=report)
        body = client.get(reverse("me:activity", args=[report.pk])).content.decode()
        assert reverse("public:report_rating_qr", args=[poll.public_id]) in body and page(poll) in body
        assert client.get(reverse("public:report_rating_qr", args=[poll.public_id]))["Content-Type"] == "image/svg+xml"

    def test_the_office_of_the_region_opens_it(self, client, report, staff_a):
        client.force_login(staff_a)
        client.post(reverse("staff:report_rating_open", args=[report.pk]))
        assert ReportRatingPoll.objects.filter(record=report).exists()

    def test_another_region_a_leader_and_another_deputy_cannot(self, report, staff_b, regions):
        from representatives.tests.factories import DeputyFactory

        other_deputy = DeputyUserFactory(deputy=DeputyFactory(region=regions.town_a))
        for user in (staff_b, LeaderFactory(region=regions.county_a), other_deputy):
            with pytest.raises(TransitionError):
                services_ratings.poll_open(record=report, by=user)
        assert not ReportRatingPoll.objects.exists()

    def test_only_a_report_to_voters_can_be_rated(self, deputy_a, deputy_user_a):
        research = ActivityRecordFactory(deputy=deputy_a)
        with pytest.raises(TransitionError):
            services_ratings.poll_open(record=research, by=deputy_user_a)

    def test_it_is_opened_once_and_then_no_longer_offered(self, report, deputy_user_a, staff_a):
        from representatives import services

        assert "open_rating" in services.available_steps(deputy_user_a, report)
        poll = services_ratings.poll_open(record=report, by=deputy_user_a)
        assert services_ratings.poll_open(record=report, by=staff_a) == poll
        assert "open_rating" not in services.available_steps(staff_a, report)
        assert ReportRatingPoll.objects.count() == 1

    def test_the_deputy_no_longer_types_the_rating(self, client, deputy_user_a):
        client.force_login(deputy_user_a)
        assert 'name="voter_rating"' not in client.get(reverse("me:activity_new")).content.decode()


class TestRating:
    def test_a_rating_counts_on_the_record(self, poll, report):
        phone = voter(poll)
        response = rate(phone, poll, comment="讲得实在")
        assert response.status_code == 302
        rating = ReportRating.objects.get()
        assert rating.counted and rating.comment == "讲得实在" and len(rating.device) == 64
        assert services_ratings.poll_counts(poll) == {"total": 1, "satisfied": 1, "basic": 0, "unsatisfied": 0}
        report.refresh_from_db()
        assert report.voter_rating == ActivityRecord.VoterRating.GOOD

    def test_one_rating_per_device(self, poll):
        phone = voter(poll)
        rate(phone, poll)
        response = rate(phone, poll, value="unsatisfied")
        assert response.status_code == 200 and "每人只能评价一次" in response.content.decode()
        assert ReportRating.objects.count() == 1
        assert "您已经评价过了" in phone.get(page(poll)).content.decode()

    def test_a_post_without_the_device_cookie_is_refused(self, client, poll):
        response = rate(client, poll)
        assert response.status_code == 200 and not ReportRating.objects.exists()
        assert DEVICE_COOKIE in response.cookies

    def test_a_forged_device_cookie_is_not_believed(self, client, poll):
        client.cookies[DEVICE_COOKIE] = "made-up"
        rate(client, poll)
        assert not ReportRating.objects.exists()

    def test_the_record_rating_follows_the_share_satisfied(self, poll, report):
        for value in ["satisfied"] * 7 + ["unsatisfied"] * 3:
            rate(voter(poll), poll, value=value)
        report.refresh_from_db()
        assert report.voter_rating == ActivityRecord.VoterRating.FAIR
        rate(voter(poll), poll, value="unsatisfied")
        report.refresh_from_db()
        assert report.voter_rating == ActivityRecord.VoterRating.POOR

    def test_a_mobile_number_counts_only_once_confirmed(self, poll):
        phone = voter(poll)
        rate(phone, poll, phone="139 0000 1111")
        rating = ReportRating.objects.get()
        assert rating.phone == "13900001111" and not rating.counted
        assert services_ratings.poll_counts(poll)["total"] == 0
        code = re.search(r"\d{6}", OutgoingMessage.objects.get(to="13900001111").body).group()
        wrong = "000000" if code != "000000" else "111111"
        response = phone.post(page(poll), {"step": "confirm", "code": wrong})
        assert "验证码不正确" in response.content.decode()
        phone.post(page(poll), {"step": "confirm", "code": code})
        rating.refresh_from_db()
        assert rating.counted and rating.code_attempts == 1
        assert services_ratings.poll_counts(poll)["total"] == 1

    def test_one_rating_per_mobile_number_across_devices(self, poll):
        first = voter(poll)
        rate(first, poll, phone="13900001111")
        response = rate(voter(poll), poll, phone="13900001111")
        assert "这个手机号码已经评价过了" in response.content.decode()
        assert ReportRating.objects.count() == 1

    def test_guessing_the_code_stops_after_five_tries(self, poll):
        phone = voter(poll)
        rate(phone, poll, phone="13900001111")
        rating = ReportRating.objects.get()
        for _ in range(services_ratings.MAX_CODE_ATTEMPTS):
            with pytest.raises(TransitionError):
                services_ratings.rating_confirm(rating=rating, code="abcdef")
        code = re.search(r"\d{6}", OutgoingMessage.objects.get().body).group()
        with pytest.raises(TransitionError, match="次数过多"):
            services_ratings.rating_confirm(rating=rating, code=code)
        rating.refresh_from_db()
        assert not rating.counted

    def test_an_expired_code_is_refused(self, poll):
        rate(voter(poll), poll, phone="13900001111")
        rating = ReportRating.objects.get()
        ReportRating.objects.filter(pk=rating.pk).update(code_sent_at=timezone.now() - datetime.timedelta(minutes=11))
        code = re.search(r"\d{6}", OutgoingMessage.objects.get().body).group()
        with pytest.raises(TransitionError, match="过期"):
            services_ratings.rating_confirm(rating=rating, code=code)

    @pytest.mark.parametrize("number", ["0750-3123456", "12345", "12900001111"])
    def test_a_landline_is_refused_and_nothing_written(self, poll, number):
        response = rate(voter(poll), poll, phone=number)
        assert "固定电话收不到验证码" in response.content.decode()
        assert not ReportRating.objects.exists() and not OutgoingMessage.objects.exists()

    @pytest.mark.parametrize("value", ["", "excellent"])
    def test_a_missing_or_unknown_rating_writes_nothing(self, poll, value):
        response = rate(voter(poll), poll, value=value)
        assert response.status_code == 200 and not ReportRating.objects.exists()

    def test_the_honeypot_stores_nothing(self, poll):
        response = rate(voter(poll), poll, website="http://spam.example")
        assert response.status_code == 302 and not ReportRating.objects.exists()

    def test_csrf_is_required(self, poll):
        client = Client(enforce_csrf_checks=True)
        client.get(page(poll))
        assert rate(client, poll).status_code == 403
        assert not ReportRating.objects.exists()

    def test_a_closed_rating_takes_no_more(self, poll):
        ReportRatingPoll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
        phone = voter(poll)
        assert "评议已经结束" in phone.get(page(poll)).content.decode()
        rate(phone, poll)
        assert not ReportRating.objects.exists()

    def test_an_address_is_limited(self, poll, clock, settings):
        settings.REPORT_RATING_RATE_LIMITS = ((3, 600),)
        for _ in range(3):
            assert rate(voter(poll), poll).status_code == 302
        assert rate(voter(poll), poll).status_code == 429
        assert ReportRating.objects.count() == 3

    def test_an_unknown_poll_is_404(self, client, db):
        assert client.get("/report/00000000-0000-0000-0000-000000000000/").status_code == 404

    def test_the_page_runs_a_constant_number_of_queries(self, poll, django_assert_max_num_queries):
        phone = voter(poll)
        with django_assert_max_num_queries(8):
            phone.get(page(poll))


class TestDeputyFile:
    def test_the_voters_counts_show_in_the_deputys_file(self, client, poll, report, staff_a):
        for value in ("satisfied", "satisfied", "basic"):
            rate(voter(poll), poll, value=value)
        # The file lists confirmed records.
        ActivityRecord.objects.filter(pk=report.pk).update(status=ActivityRecord.Status.CONFIRMED)
        client.force_login(staff_a)
        response = client.get(reverse("staff:deputy_file", args=[report.deputy.pk, report.date.year]))
        body = response.content.decode()
        assert "3 人评价：满意 2，基本满意 1，不满意 0" in body
