"""Voters' messages to one deputy (码上找代表): the public form's protections, SMS, and the deputy's answer or
passing the message to a station, with who may do each."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import OutgoingMessage
from liaison_stations import services, services_messages
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import StationFactory, StationMemberFactory
from representatives.models import StateLog
from representatives.services import TransitionError
from representatives.tests.factories import DeputyFactory, DeputyUserFactory, MembershipFactory

S = Opinion.Status

VALID = {
    "voter_name": "王五",
    "voter_phone": "139-0000-1111",
    "title": "村道坑洼",
    "content": "村口到小学的路坑洼，下雨积水。",
    "category": "",
    "website": "",
}


@pytest.fixture
def deputy(regions):
    deputy = DeputyFactory(region=regions.town_a, name="李代表")
    MembershipFactory(deputy=deputy)
    return deputy


@pytest.fixture
def deputy_user(deputy):
    return DeputyUserFactory(deputy=deputy, username="li")


@pytest.fixture
def station(regions, deputy):
    station = StationFactory(region=regions.town_a, name="白沙联络站")
    StationMemberFactory(station=station, deputy=deputy)
    return station


def form_url(deputy):
    return reverse("public:deputy_message", args=[deputy.public_id])


def message(deputy, phone="13900001111"):
    return services_messages.message_to_deputy(
        deputy=deputy, voter_name="王五", voter_phone=phone, title="村道坑洼", content="下雨积水。"
    )


class TestPublicForm:
    def test_the_profile_and_card_lead_to_the_form(self, client, deputy):
        body = client.get(reverse("public:deputy", args=[deputy.public_id])).content.decode()
        assert form_url(deputy) in body

    def test_a_message_is_addressed_to_the_deputy_and_the_code_shown_once(self, client, deputy):
        response = client.post(form_url(deputy), VALID)
        opinion = Opinion.objects.get()
        assert response.url == reverse("public:deputy_message_done", args=[deputy.public_id])
        assert (opinion.addressed_to, opinion.deputy, opinion.status) == (deputy, deputy, S.WITH_DEPUTY)
        assert opinion.region == deputy.region and opinion.station is None
        assert opinion.voter_phone == "13900001111" and opinion.sms_updates
        done = client.get(response.url).content.decode()
        assert opinion.tracking_code in done
        assert opinion.tracking_code not in response.url
        step = StateLog.objects.get(object_id=opinion.pk, content_type__model="opinion")
        assert step.origin == StateLog.Origin.PUBLIC and step.actor is None

    def test_a_mobile_number_gets_the_code_by_sms(self, client, deputy):
        client.post(form_url(deputy), VALID)
        sms = OutgoingMessage.objects.get()
        assert sms.channel == "sms" and sms.to == "13900001111"
        assert Opinion.objects.get().tracking_code in sms.body and "李代表" in sms.body

    def test_without_a_number_the_message_is_taken_and_no_sms_is_sent(self, client, deputy):
        client.post(form_url(deputy), {**VALID, "voter_phone": ""})
        opinion = Opinion.objects.get()
        assert opinion.voter_phone == "" and not opinion.sms_updates
        assert not OutgoingMessage.objects.exists()

    @pytest.mark.parametrize("phone", ["0750-3123456", "3123456", "1234", "12900001111"])
    def test_a_landline_or_malformed_number_is_refused_and_nothing_written(self, client, deputy, phone):
        response = client.post(form_url(deputy), {**VALID, "voter_phone": phone})
        assert response.status_code == 200
        assert "固定电话收不到短信" in response.content.decode()
        assert not Opinion.objects.exists() and not OutgoingMessage.objects.exists()

    @pytest.mark.parametrize("field", ["voter_name", "title", "content"])
    def test_a_missing_field_writes_nothing(self, client, deputy, field):
        response = client.post(form_url(deputy), {**VALID, field: "  "})
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
        assert not Opinion.objects.exists() and not StateLog.objects.exists()

    def test_the_honeypot_pretends_success_and_stores_nothing(self, client, deputy):
        response = client.post(form_url(deputy), {**VALID, "website": "http://spam.example"}, follow=True)
        assert response.status_code == 200 and "tracking-code" in response.content.decode()
        assert not Opinion.objects.exists() and not OutgoingMessage.objects.exists()

    def test_the_form_is_protected_by_csrf(self, deputy):
        response = Client(enforce_csrf_checks=True).post(form_url(deputy), VALID)
        assert response.status_code == 403
        assert not Opinion.objects.exists()

    def test_the_sixth_post_in_ten_minutes_gets_429_and_writes_nothing(self, client, deputy, clock):
        for _ in range(5):
            assert client.post(form_url(deputy), {**VALID, "voter_phone": ""}).status_code == 302
        assert client.post(form_url(deputy), VALID).status_code == 429
        assert Opinion.objects.count() == 5

    def test_the_station_form_and_the_deputy_form_share_one_budget(self, client, deputy, station, clock):
        station_form = reverse("public:opinion_form", args=[station.public_id])
        for _ in range(5):
            client.post(station_form, {**VALID, "voter_phone": "13900001111"})
        assert client.post(form_url(deputy), VALID).status_code == 429

    def test_a_deputy_without_a_serving_seat_has_no_form(self, client, regions):
        former = DeputyFactory(region=regions.town_a)
        assert client.get(form_url(former)).status_code == 404

    def test_the_done_page_without_a_submission_goes_back_to_the_form(self, client, deputy):
        response = client.get(reverse("public:deputy_message_done", args=[deputy.public_id]))
        assert response.url == form_url(deputy)


class TestDeputyAnswers:
    def test_the_deputy_sees_the_message_in_their_pages(self, client, deputy_user, deputy):
        opinion = message(deputy)
        client.force_login(deputy_user)
        assert opinion.title in client.get(reverse("me:messages")).content.decode()
        page = client.get(reverse("me:message", args=[opinion.pk])).content.decode()
        assert "答复选民" in page and "13900001111" not in page and opinion.tracking_code not in page

    def test_the_answer_reaches_the_tracking_page_and_the_voter_by_sms(self, client, deputy_user, deputy):
        opinion = message(deputy)
        client.force_login(deputy_user)
        response = client.post(reverse("me:message_answer", args=[opinion.pk]), {"text": "已联系交通局，下周修补。"})
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert opinion.status == S.FED_BACK and opinion.reply == "已联系交通局，下周修补。"
        step = StateLog.objects.filter(object_id=opinion.pk, to_state=S.FED_BACK).get()
        assert step.origin == StateLog.Origin.USER and step.actor == deputy_user
        texts = list(OutgoingMessage.objects.order_by("pk").values_list("body", flat=True))
        assert len(texts) == 2 and "已联系交通局" in texts[1] and opinion.tracking_code not in texts[1]
        client.logout()
        track = client.get(reverse("public:track"), {"code": opinion.tracking_code}).content.decode()
        assert "已联系交通局，下周修补。" in track and "代表答复" in track
        assert 'name="rating"' in track

    def test_an_empty_answer_writes_nothing(self, client, deputy_user, deputy):
        opinion = message(deputy)
        client.force_login(deputy_user)
        response = client.post(reverse("me:message_answer", args=[opinion.pk]), {"text": "  "})
        assert response.status_code == 200
        opinion.refresh_from_db()
        assert opinion.status == S.WITH_DEPUTY and OutgoingMessage.objects.count() == 1

    def test_passing_to_the_station_puts_it_in_the_normal_flow(self, client, deputy_user, deputy, station, staff_a):
        opinion = message(deputy)
        client.force_login(deputy_user)
        client.post(reverse("me:message_pass", args=[opinion.pk]), {"pass-station": station.pk, "pass-note": "需交办"})
        opinion.refresh_from_db()
        assert (opinion.status, opinion.station, opinion.region) == (S.RECEIVED, station, station.region)
        step = StateLog.objects.filter(object_id=opinion.pk, to_state=S.RECEIVED).get()
        assert step.actor == deputy_user and "白沙联络站" in step.note and "需交办" in step.note
        services.opinion_sort(opinion=opinion, category="transport", by=staff_a)
        assert Opinion.objects.get().status == S.SORTED

    def test_the_office_cannot_sort_a_message_still_with_the_deputy(self, deputy, staff_a):
        opinion = message(deputy)
        with pytest.raises(TransitionError):
            services.opinion_sort(opinion=opinion, category="transport", by=staff_a)

    def test_a_station_the_deputy_is_not_in_is_refused(self, client, deputy_user, deputy, station, regions):
        other = StationFactory(region=regions.town_b, name="别处联络站")
        opinion = message(deputy)
        with pytest.raises(TransitionError):
            services_messages.message_pass_to_station(opinion=opinion, by=deputy_user, station=other)
        client.force_login(deputy_user)
        response = client.post(reverse("me:message_pass", args=[opinion.pk]), {"pass-station": other.pk})
        assert response.status_code == 200
        assert Opinion.objects.get().status == S.WITH_DEPUTY

    def test_a_message_is_answered_once(self, deputy_user, deputy):
        opinion = message(deputy)
        services_messages.message_answer(opinion=opinion, by=deputy_user, text="好的")
        with pytest.raises(TransitionError):
            services_messages.message_answer(opinion=opinion, by=deputy_user, text="再答一次")

    def test_another_deputy_can_neither_see_nor_answer_it(self, client, deputy, regions, station):
        other = DeputyUserFactory(deputy=DeputyFactory(region=regions.town_a), username="other")
        opinion = message(deputy)
        client.force_login(other)
        assert opinion.title not in client.get(reverse("me:messages") + "?show=all").content.decode()
        assert client.get(reverse("me:message", args=[opinion.pk])).status_code == 404
        assert client.post(reverse("me:message_answer", args=[opinion.pk]), {"text": "x"}).status_code == 404
        assert client.get(reverse("me:opinion", args=[opinion.pk])).status_code == 404
        with pytest.raises(TransitionError):
            services_messages.message_answer(opinion=opinion, by=other, text="x")
        with pytest.raises(TransitionError):
            services_messages.message_pass_to_station(opinion=opinion, by=other, station=station)
        assert Opinion.objects.get().status == S.WITH_DEPUTY

    def test_office_staff_cannot_answer_for_the_deputy(self, deputy, staff_a):
        opinion = message(deputy)
        with pytest.raises(TransitionError):
            services_messages.message_answer(opinion=opinion, by=staff_a, text="x")

    def test_the_list_runs_a_constant_number_of_queries(
        self, client, deputy_user, deputy, django_assert_max_num_queries
    ):
        client.force_login(deputy_user)
        for _ in range(3):
            message(deputy)
        with django_assert_max_num_queries(12) as few:
            client.get(reverse("me:messages"))
        for _ in range(10):
            message(deputy)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("me:messages"))


class TestHomePanel:
    def test_the_deputys_start_page_says_how_many_messages_wait(self, client, deputy_user, deputy):
        client.force_login(deputy_user)
        assert "messages-panel" not in client.get(reverse("me:home")).content.decode()
        message(deputy)
        message(deputy, phone="")
        body = client.get(reverse("me:home")).content.decode()
        assert "2 条选民留言等您答复" in body and reverse("me:messages") in body


class TestTheStateTable:
    def test_only_the_addressee_is_offered_the_message_steps_and_only_while_it_waits(
        self, deputy_user, deputy, staff_a, regions
    ):
        opinion = message(deputy)
        other = DeputyUserFactory(deputy=DeputyFactory(region=regions.town_a), username="other")
        assert services.available_steps(deputy_user, opinion) == ["answer_message", "pass_message"]
        for nobody in (other, staff_a):
            assert services.available_steps(nobody, opinion) == []
        with pytest.raises(TransitionError, match="不是写给您的"):
            services.OPINION_STEPS.require("answer_message", other, opinion)
        opinion.status = S.RECEIVED
        assert services.available_steps(deputy_user, opinion) == []
        with pytest.raises(TransitionError, match="已经处理过了"):
            services.OPINION_STEPS.require("pass_message", deputy_user, opinion)

    def test_an_answered_message_offers_no_form(self, client, deputy_user, deputy):
        opinion = message(deputy)
        services_messages.message_answer(opinion=opinion, by=deputy_user, text="好的")
        client.force_login(deputy_user)
        body = client.get(reverse("me:message", args=[opinion.pk])).content.decode()
        assert "message-answer" not in body and "message-pass" not in body


class TestTheOfficeSees:
    def test_a_waiting_message_in_its_list_and_page_with_no_step_to_take(self, client, deputy, staff_a):
        opinion = message(deputy)
        client.force_login(staff_a)
        assert opinion.title in client.get(reverse("staff:opinions")).content.decode()
        body = client.get(reverse("staff:opinion", args=[opinion.pk])).content.decode()
        assert "留言代表" in body and "待代表处理" in body and opinion.tracking_code not in body
        assert services.available_steps(staff_a, opinion) == []
