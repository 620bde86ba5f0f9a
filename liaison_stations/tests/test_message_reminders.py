"""Messages left with a deputy (码上找代表) in the daily opinion sweep: the deputy is reminded after
MESSAGE_REMINDER_WORKING_DAYS working days, and after MESSAGE_ESCALATION_WORKING_DAYS the system passes the
message to the deputy's station for 梳理 and tells the office; every step once, however often the sweep runs.

Time is the suite's ``clock``: it starts on Friday 15 January 2027, 16:00 in Asia/Shanghai, when the message
arrives. Working days after it: Mon 18 (1), Tue 19 (2), Wed 20 (3: reminder), Thu 21 (4), Fri 22 (5: passed on).
"""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from liaison_stations import reminders, services_messages
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import StationFactory, StationMemberFactory
from representatives.models import StateLog
from representatives.tests.factories import DeputyFactory, DeputyUserFactory, MembershipFactory, StaffFactory

S = Opinion.Status
DAY = 86400
pytestmark = pytest.mark.django_db


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


@pytest.fixture
def message(clock, deputy):
    opinion = services_messages.message_to_deputy(
        deputy=deputy, voter_name="王五", voter_phone="", title="村道坑洼", content="下雨积水。"
    )
    arrived = datetime.datetime.fromtimestamp(clock(), tz=timezone.get_current_timezone())
    Opinion.objects.filter(pk=opinion.pk).update(received_at=arrived)
    return opinion


def on(clock, day: int) -> int:
    """Move the clock to 10:00 on ``day`` January 2027 and run the sweep; returns what it reported."""
    local = timezone.get_current_timezone()
    clock.moment = datetime.datetime(2027, 1, day, 10, tzinfo=local).timestamp()
    return reminders.sweep()


def notices_to(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", "url"))


class TestTheDeputyIsReminded:
    def test_not_before_three_working_days_the_weekend_not_counted(self, clock, message, deputy_user, station):
        for day in (16, 17, 18, 19):
            assert on(clock, day) == 0
        assert notices_to(deputy_user) == []

    def test_on_the_third_working_day_once(self, clock, message, deputy_user, station):
        assert on(clock, 20) == 1
        assert notices_to(deputy_user) == [("有选民留言等待您处理", reverse("me:message", args=[message.pk]))]
        assert "2027-01-22" in Notification.objects.get(recipient=deputy_user).body
        # Run again the same day and the next: nothing more.
        assert on(clock, 20) == 0
        assert on(clock, 21) == 0
        assert Notification.objects.filter(recipient=deputy_user).count() == 1
        assert Opinion.objects.get(pk=message.pk).status == S.WITH_DEPUTY

    def test_an_answered_message_is_left_alone(self, clock, message, deputy_user, staff_a, station):
        services_messages.message_answer(opinion=message, by=deputy_user, text="已联系村委会处理。")
        assert on(clock, 20) == 0
        assert on(clock, 22) == 0
        assert Notification.objects.count() == 0
        assert Opinion.objects.get(pk=message.pk).status == S.FED_BACK


class TestTheMessageIsPassedOn:
    def test_after_five_working_days_the_system_passes_it_to_the_station(
        self, clock, message, deputy_user, staff_a, station, regions
    ):
        on(clock, 20)
        assert on(clock, 22) == 1

        opinion = Opinion.objects.get(pk=message.pk)
        assert (opinion.status, opinion.station, opinion.region) == (S.RECEIVED, station, regions.town_a)
        step = StateLog.objects.filter(object_id=opinion.pk, content_type__model="opinion").latest("pk")
        assert (step.from_state, step.to_state) == (S.WITH_DEPUTY, S.RECEIVED)
        assert (step.origin, step.actor) == (StateLog.Origin.SYSTEM, None)
        assert "白沙联络站" in step.note
        assert notices_to(staff_a) == [
            ("代表留言逾期未处理，已转联络站梳理", reverse("staff:opinion", args=[opinion.pk]))
        ]

    def test_a_second_sweep_passes_and_tells_nothing_again(self, clock, message, staff_a, station):
        assert on(clock, 22) == 1
        steps = StateLog.objects.filter(object_id=message.pk, content_type__model="opinion").count()
        assert on(clock, 22) == 0
        assert on(clock, 25) == 0
        assert StateLog.objects.filter(object_id=message.pk, content_type__model="opinion").count() == steps
        assert Notification.objects.filter(recipient=staff_a).count() == 1

    def test_staff_of_another_county_are_not_told(self, clock, message, staff_a, staff_b, station):
        on(clock, 22)
        assert notices_to(staff_b) == []

    def test_a_deputy_without_a_station_keeps_it_and_the_office_is_told(self, clock, message, staff_a):
        assert on(clock, 22) == 1
        assert Opinion.objects.get(pk=message.pk).status == S.WITH_DEPUTY
        assert notices_to(staff_a) == [("代表留言逾期未处理", reverse("staff:opinion", args=[message.pk]))]
        assert on(clock, 23) == 0

    @override_settings(MESSAGE_REMINDER_WORKING_DAYS=1, MESSAGE_ESCALATION_WORKING_DAYS=2)
    def test_the_working_days_are_settings(self, clock, message, deputy_user, station, regions):
        StaffFactory(region=regions.town_a, username="town_staff")
        assert on(clock, 18) == 1
        assert on(clock, 19) == 1
        assert Opinion.objects.get(pk=message.pk).status == S.RECEIVED
