"""The opinion's and the duty day's state tables: for each state and role, the steps offered; a service refuses
any other; and the unit a step hands an opinion to is checked by the service, whatever the form allowed."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import DutyDay, Opinion, Proposal
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, OpinionFactory, StationFactory
from representatives.tests.factories import ClerkFactory, HandlingUnitFactory, LeaderFactory

S = Opinion.Status

OFFICE_STEPS = {
    S.RECEIVED: ["sort", "merge"],
    S.SORTED: ["propose", "merge"],
    S.PROPOSED: ["assign"],
    S.ASSIGNED: ["supervise"],
    S.REPLIED: ["feedback"],
    S.FED_BACK: ["close"],
    S.CLOSED: ["publish"],
    S.MERGED: [],
    S.TRANSFERRED: [],
    S.CONVERTED: [],
}


@pytest.fixture
def unit_a(regions):
    return HandlingUnitFactory(region=regions.county_a, name="区住建局")


@pytest.fixture
def clerk_a(unit_a):
    return ClerkFactory(unit=unit_a)


@pytest.fixture
def opinion(regions, unit_a):
    return OpinionFactory(station=StationFactory(region=regions.town_a), unit=unit_a, proposal=Proposal.REFER_UNIT)


@pytest.mark.django_db
class TestTheOpinionTable:
    @pytest.mark.parametrize("status", list(OFFICE_STEPS))
    def test_each_state_offers_the_office_its_steps_and_nobody_else_any(
        self, status, opinion, staff_a, staff_b, regions, clerk_a
    ):
        opinion.status = status
        leader = LeaderFactory(region=regions.county_a)
        assert services.available_steps(staff_a, opinion) == OFFICE_STEPS[status]
        for nobody in (staff_b, leader):
            assert services.available_steps(nobody, opinion) == []
        assert services.available_steps(clerk_a, opinion) == (["reply"] if status == S.ASSIGNED else [])

    def test_only_the_unit_it_was_assigned_to_replies(self, opinion, regions):
        opinion.status = S.ASSIGNED
        other = ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a))
        assert services.available_steps(other, opinion) == []
        with pytest.raises(services.TransitionError, match="没有交办给您的单位"):
            services.OPINION_STEPS.require("reply", other, opinion)

    def test_a_published_opinion_may_be_withdrawn_from_publication(self, opinion, staff_a):
        opinion.status, opinion.published_at = S.CLOSED, timezone.now()
        assert services.available_steps(staff_a, opinion) == ["publish", "unpublish"]

    def test_the_voter_rates_once_after_the_feedback(self, opinion):
        opinion.status = S.FED_BACK
        assert services.available_steps(AnonymousUser(), opinion) == ["rate"]
        opinion.rating = "satisfied"
        assert services.available_steps(AnonymousUser(), opinion) == []


@pytest.mark.django_db
class TestTheDutyDayTable:
    @pytest.mark.parametrize(
        ("status", "days_ahead", "expected"),
        [
            (DutyDay.Status.PLANNED, 0, ["record", "cancel", "log_opinion"]),
            (DutyDay.Status.PLANNED, 3, ["cancel", "log_opinion"]),
            (DutyDay.Status.HELD, 0, ["record", "log_opinion"]),
            (DutyDay.Status.CANCELLED, 0, []),
        ],
    )
    def test_each_state_offers_the_stations_staff_their_steps(
        self, regions, staff_a, staff_b, status, days_ahead, expected
    ):
        duty_day = DutyDayFactory(
            station=StationFactory(region=regions.town_a),
            date=timezone.localdate() + datetime.timedelta(days=days_ahead),
            status=status,
        )
        assert services.available_steps(staff_a, duty_day) == expected
        assert services.available_steps(staff_b, duty_day) == []

    def test_a_deputy_on_the_roster_records_the_day_but_does_not_manage_it(self, regions, deputy_user_a):
        duty_day = DutyDayFactory(station=StationFactory(region=regions.town_a), date=timezone.localdate())
        DutyShiftFactory(duty_day=duty_day, deputy=deputy_user_a.deputy)
        assert services.available_steps(deputy_user_a, duty_day) == ["record"]


@pytest.mark.django_db
class TestServicesRefuseWhatTheTableDoesNotOffer:
    def test_sorting_twice_is_refused_with_the_tables_reason(self, opinion, staff_a):
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        opinion.refresh_from_db()
        assert "sort" not in services.available_steps(staff_a, opinion)
        with pytest.raises(services.TransitionError, match="只有刚接收的意见需要梳理"):
            services.opinion_sort(opinion=opinion, category="transport", by=staff_a)
        opinion.refresh_from_db()
        assert opinion.category == "urban"

    def test_a_leader_takes_no_office_step(self, opinion, regions):
        with pytest.raises(services.TransitionError, match="您无权办理这条意见"):
            services.opinion_sort(opinion=opinion, category="urban", by=LeaderFactory(region=regions.county_a))

    def test_cancelling_a_held_day_is_refused(self, regions, staff_a):
        duty_day = DutyDayFactory(station=StationFactory(region=regions.town_a), status=DutyDay.Status.HELD)
        with pytest.raises(services.TransitionError, match="只有尚未接待的接待日可以取消"):
            services.duty_day_cancel(duty_day=duty_day, by=staff_a, reason="弄错了")


@pytest.mark.django_db
class TestTheUnitScope:
    @pytest.fixture
    def proposed(self, opinion, staff_a, unit_a):
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        return services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit_a, by=staff_a)

    def test_a_county_staff_cannot_assign_to_another_countys_unit_through_the_service(self, proposed, staff_a, regions):
        other = HandlingUnitFactory(region=regions.county_b, name="外县单位")
        with pytest.raises(services.TransitionError, match="只能交办给本区域或上级区域"):
            services.opinion_assign(opinion=proposed, unit=other, by=staff_a)
        proposed.refresh_from_db()
        assert proposed.status == S.PROPOSED and proposed.unit.region == regions.county_a

    def test_nor_propose_one(self, opinion, staff_a, regions):
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        other = HandlingUnitFactory(region=regions.county_b, name="外县单位")
        with pytest.raises(services.TransitionError, match="只能交办给本区域或上级区域"):
            services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=other, by=staff_a)

    def test_a_unit_of_the_city_above_may_be_chosen(self, proposed, staff_a, regions):
        city_unit = HandlingUnitFactory(region=regions.city, name="市住建局")
        assigned = services.opinion_assign(opinion=proposed, unit=city_unit, by=staff_a)
        assert assigned.status == S.ASSIGNED and assigned.unit == city_unit

    def test_an_inactive_unit_is_refused(self, proposed, staff_a, regions):
        idle = HandlingUnitFactory(region=regions.county_a, is_active=False)
        with pytest.raises(services.TransitionError, match="该承办单位已停用"):
            services.opinion_assign(opinion=proposed, unit=idle, by=staff_a)
