"""Pages offer a step only when the state table (services.available_steps) does, and a POST of a step it does not
offer is refused with the table's reason, whatever the form says: the deputy's and the office's duty day, and the
voter's rating on the tracking page."""

import datetime
from typing import cast

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from liaison_stations.models import DutyDay, Opinion, Rating
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, OpinionFactory, StationFactory
from representatives.models import StateLog
from representatives.tests.factories import ClerkFactory, HandlingUnitFactory

pytestmark = pytest.mark.django_db
D = DutyDay.Status


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def record_data(deputy_id: int) -> dict:
    return {"attended": [str(deputy_id)], "voters_received": "3", "summary": "接待3人"}


@pytest.fixture
def station(regions):
    return StationFactory(region=regions.town_a)


def rostered_day(station, deputy, **fields) -> DutyDay:
    day = cast(DutyDay, DutyDayFactory(station=station, **fields))
    DutyShiftFactory(duty_day=day, deputy=deputy)
    return day


class TestTheDeputysDutyDay:
    def test_a_day_that_has_come_offers_recording(self, client, station, deputy_user_a):
        day = rostered_day(station, deputy_user_a.deputy, date=timezone.localdate())
        client.force_login(deputy_user_a)
        assert client.get(reverse("me:duty_day", args=[day.pk])).context["can_record"] is True

    @pytest.mark.parametrize(
        ("days_ahead", "status", "reason"),
        [(0, D.CANCELLED, "已取消的接待日不能登记接待情况。"), (3, D.PLANNED, "接待日还没到，不能登记接待情况。")],
    )
    def test_a_cancelled_or_future_day_offers_no_recording_and_refuses_a_post(
        self, client, station, deputy_user_a, days_ahead, status, reason
    ):
        date = timezone.localdate() + datetime.timedelta(days=days_ahead)
        day = rostered_day(station, deputy_user_a.deputy, date=date, status=status)
        client.force_login(deputy_user_a)
        page = client.get(reverse("me:duty_day", args=[day.pk]))
        assert page.context["can_record"] is False and 'name="voters_received"' not in page.content.decode()
        response = client.post(reverse("me:duty_day", args=[day.pk]), record_data(deputy_user_a.deputy_id))
        assert response.status_code == 302 and texts(response) == [reason]
        day.refresh_from_db()
        assert (day.status, day.summary) == (status, "")

    def test_the_recording_is_confirmed_by_a_message(self, client, station, deputy_user_a):
        day = rostered_day(station, deputy_user_a.deputy, date=timezone.localdate())
        client.force_login(deputy_user_a)
        response = client.post(reverse("me:duty_day", args=[day.pk]), record_data(deputy_user_a.deputy_id))
        assert texts(response) == ["接待情况已登记。"]


class TestTheOfficesDutyDay:
    def test_cancelling_a_held_day_is_refused_with_the_tables_reason(self, client, station, staff_a, deputy_a):
        day = rostered_day(station, deputy_a, date=timezone.localdate(), status=D.HELD)
        client.force_login(staff_a)
        assert client.get(reverse("staff:duty_day", args=[day.pk])).context["cancel_form"] is None
        response = client.post(reverse("staff:duty_day_cancel", args=[day.pk]), {"reason": "下雨"})
        assert response.status_code == 302 and texts(response) == ["只有尚未接待的接待日可以取消。"]
        day.refresh_from_db()
        assert day.status == D.HELD

    def test_an_empty_reason_shows_the_form_again_and_writes_nothing(self, client, station, staff_a, deputy_a):
        day = rostered_day(station, deputy_a, date=timezone.localdate())
        client.force_login(staff_a)
        response = client.post(reverse("staff:duty_day_cancel", args=[day.pk]), {"reason": ""})
        assert response.status_code == 200 and response.context["cancel_form"].errors
        day.refresh_from_db()
        assert day.status == D.PLANNED

    def test_the_office_cancels_a_planned_day(self, client, station, staff_a, deputy_a):
        day = rostered_day(station, deputy_a, date=timezone.localdate())
        client.force_login(staff_a)
        response = client.post(reverse("staff:duty_day_cancel", args=[day.pk]), {"reason": "台风"})
        assert texts(response) == ["接待日已取消。"]
        day.refresh_from_db()
        assert day.status == D.CANCELLED


class TestTheVotersRating:
    def test_a_signed_in_holder_of_the_code_rates_as_the_public(self, client, station, staff_a):
        # The code is the credential: an account the browser is also signed in with changes nothing.
        opinion = cast(Opinion, OpinionFactory(station=station, status=Opinion.Status.FED_BACK))
        client.force_login(staff_a)
        page = client.get(reverse("public:track"), {"code": opinion.tracking_code})
        assert page.context["rating_form"] is not None
        client.post(reverse("public:track"), {"code": opinion.tracking_code, "rating": Rating.SATISFIED})
        opinion.refresh_from_db()
        assert opinion.rating == Rating.SATISFIED
        log = StateLog.objects.get(object_id=opinion.pk, note="选民评价")
        assert (log.origin, log.actor) == (StateLog.Origin.PUBLIC, None)

    def test_a_closed_opinion_is_not_offered_and_a_post_is_refused(self, client, station):
        opinion = cast(Opinion, OpinionFactory(station=station, status=Opinion.Status.CLOSED))
        assert "rating_form" not in client.get(reverse("public:track"), {"code": opinion.tracking_code}).context
        response = client.post(reverse("public:track"), {"code": opinion.tracking_code, "rating": Rating.SATISFIED})
        assert texts(response) == ["这条意见已经评价过，或现在还不能评价。"]
        opinion.refresh_from_db()
        assert opinion.rating == ""


class TestTheUnitsReply:
    def test_a_reply_to_an_opinion_already_answered_is_refused_with_the_tables_reason(self, client, station, regions):
        unit = HandlingUnitFactory(region=regions.county_a)
        opinion = cast(Opinion, OpinionFactory(station=station, unit=unit, status=Opinion.Status.REPLIED, reply="已修"))
        client.force_login(ClerkFactory(unit=unit))
        assert client.get(reverse("unit:opinion", args=[opinion.pk])).context["can_reply"] is False
        response = client.post(reverse("unit:opinion", args=[opinion.pk]), {"text": "再答复一次"})
        assert response.status_code == 302 and texts(response) == ["只有已交办的意见可以答复。"]
        opinion.refresh_from_db()
        assert (opinion.status, opinion.reply) == (Opinion.Status.REPLIED, "已修")
