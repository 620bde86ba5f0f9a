import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import DeadlineRule, DutyDay, Opinion, Proposal, Station, Supervision
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, StationFactory
from representatives.audit import timeline
from representatives.tests.factories import ClerkFactory, DeputyFactory, HandlingUnitFactory, LeaderFactory

S = Opinion.Status


@pytest.fixture
def station(regions):
    return StationFactory(region=regions.town_a)


@pytest.fixture
def unit(regions):
    return HandlingUnitFactory(region=regions.county_a, name="区住建局")


@pytest.fixture
def clerk(unit):
    return ClerkFactory(unit=unit)


def received(station, **kwargs):
    return services.opinion_receive(
        source=Opinion.Source.ONLINE,
        station=station,
        voter_name="王五",
        voter_phone="13900001111",
        title="路灯不亮",
        content="小区门口路灯坏了。",
        **kwargs,
    )


def assigned(station, unit, staff):
    opinion = received(station)
    services.opinion_sort(opinion=opinion, category="urban", by=staff)
    services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff)
    return services.opinion_assign(opinion=opinion, by=staff)


@pytest.mark.django_db
class TestReceive:
    def test_a_public_opinion_gets_an_unguessable_code_and_the_stations_region(self, station):
        first, second = received(station), received(station)
        assert first.status == S.RECEIVED and first.region == station.region
        assert len(first.tracking_code) == 12 and first.tracking_code != second.tracking_code
        assert timeline(first)[0].actor is None

    def test_an_opinion_needs_a_station_or_a_deputy(self, db):
        with pytest.raises(services.TransitionError):
            services.opinion_receive(
                source="visit", voter_name="a", voter_phone="1", title="t", content="c", station=None, deputy=None
            )
        assert Opinion.objects.count() == 0

    def test_an_opinion_from_a_visit_takes_the_deputys_region(self, regions):
        deputy = DeputyFactory(region=regions.town_b)
        opinion = services.opinion_receive(
            source="visit", deputy=deputy, voter_name="a", voter_phone="139", title="t", content="c"
        )
        assert opinion.region == regions.town_b

    def test_an_empty_title_is_refused_and_nothing_is_written(self, station):
        with pytest.raises(ValidationError):
            services.opinion_receive(
                source="online", station=station, voter_name="a", voter_phone="139", title="  ", content="c"
            )
        assert Opinion.objects.count() == 0


@pytest.mark.django_db
class TestTheFullFlow:
    def test_an_opinion_goes_from_receipt_to_publication(self, station, unit, clerk, staff_a):
        opinion = assigned(station, unit, staff_a)
        assert opinion.status == S.ASSIGNED and opinion.deadline > timezone.localdate()
        services.opinion_supervise(opinion=opinion, by=staff_a, note="电话督促")
        services.opinion_reply(opinion=opinion, by=clerk, text="已更换路灯。")
        services.opinion_feed_back(opinion=opinion, by=staff_a, feedback="已电话告知选民", rating="satisfied")
        services.opinion_close(opinion=opinion, by=staff_a, publish=True, public_summary="路灯已修复")
        opinion.refresh_from_db()
        assert opinion.status == S.CLOSED and opinion.published_at is not None
        assert [step.to_state for step in timeline(opinion)] == [
            "received",
            "sorted",
            "proposed",
            "assigned",
            "assigned",
            "replied",
            "fed_back",
            "closed",
        ]
        for stamp in ("sorted_at", "proposed_at", "assigned_at", "replied_at", "fed_back_at", "closed_at"):
            assert getattr(opinion, stamp) is not None
        assert Supervision.objects.filter(opinion=opinion).count() == 1

    def test_the_deadline_is_counted_in_working_days_from_the_office_setting(self, station, unit, staff_a):
        DeadlineRule.objects.create(proposal=Proposal.REFER_UNIT, working_days=1)
        opinion = assigned(station, unit, staff_a)
        from representatives.workdays import add_working_days

        assert opinion.deadline == add_working_days(timezone.localdate(), 1).date

    def test_an_on_the_spot_answer_goes_straight_to_replied(self, station, staff_a):
        opinion = received(station)
        services.opinion_sort(opinion=opinion, category="other", by=staff_a)
        services.opinion_propose(opinion=opinion, proposal=Proposal.ON_SPOT, answer="已当场解释政策", by=staff_a)
        assert Opinion.objects.get(pk=opinion.pk).status == S.REPLIED

    def test_passing_to_the_congress_above_reads_as_transferred(self, station, staff_a):
        opinion = received(station)
        services.opinion_sort(opinion=opinion, category="other", by=staff_a)
        services.opinion_propose(opinion=opinion, proposal=Proposal.TO_HIGHER, by=staff_a)
        opinion.refresh_from_db()
        assert opinion.status == S.TRANSFERRED and opinion.get_status_display() == "已转上级人大"

    def test_turning_into_a_suggestion_calls_the_suggestions_seam(self, station, staff_a, monkeypatch):
        calls = []
        monkeypatch.setattr(services, "suggestion_drafters", [lambda o, d, by: calls.append((o.pk, d.pk)) or "草稿#7"])
        deputy = DeputyFactory(region=station.region)
        opinion = received(station)
        services.opinion_sort(opinion=opinion, category="other", by=staff_a)
        services.opinion_propose(opinion=opinion, proposal=Proposal.TO_SUGGESTION, deputy=deputy, by=staff_a)
        opinion.refresh_from_db()
        assert calls == [(opinion.pk, deputy.pk)]
        assert (opinion.status, opinion.suggestion_ref) == (S.CONVERTED, "草稿#7")

    def test_a_duplicate_is_merged_into_the_earlier_opinion(self, station, staff_a):
        first, second = received(station), received(station)
        services.opinion_merge(opinion=second, into=first, by=staff_a)
        second.refresh_from_db()
        assert (second.status, second.merged_into) == (S.MERGED, first)


@pytest.mark.django_db
class TestRefusedTransitions:
    def test_a_unit_cannot_reply_before_assignment(self, station, unit, clerk, staff_a):
        opinion = received(station)
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff_a)
        with pytest.raises(services.TransitionError):
            services.opinion_reply(opinion=opinion, by=clerk, text="答复")
        assert Opinion.objects.get(pk=opinion.pk).status == S.PROPOSED

    def test_another_units_clerk_cannot_reply(self, station, unit, staff_a):
        opinion = assigned(station, unit, staff_a)
        with pytest.raises(services.TransitionError):
            services.opinion_reply(opinion=opinion, by=ClerkFactory(), text="答复")

    def test_proposing_before_sorting_is_refused(self, station, unit, staff_a):
        with pytest.raises(services.TransitionError, match="梳理"):
            services.opinion_propose(opinion=received(station), proposal=Proposal.REFER_UNIT, unit=unit, by=staff_a)

    def test_referral_needs_a_unit(self, station, staff_a):
        opinion = received(station)
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        with pytest.raises(services.TransitionError):
            services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, by=staff_a)
        assert Opinion.objects.get(pk=opinion.pk).status == S.SORTED

    def test_staff_of_another_county_cannot_handle_it(self, station, staff_b):
        with pytest.raises(services.TransitionError):
            services.opinion_sort(opinion=received(station), category="urban", by=staff_b)

    def test_leaders_read_but_do_not_handle(self, station, regions):
        with pytest.raises(services.TransitionError):
            services.opinion_sort(opinion=received(station), category="urban", by=LeaderFactory(region=regions.city))

    def test_closing_before_feedback_is_refused(self, station, unit, clerk, staff_a):
        opinion = assigned(station, unit, staff_a)
        services.opinion_reply(opinion=opinion, by=clerk, text="答复")
        with pytest.raises(services.TransitionError):
            services.opinion_close(opinion=opinion, by=staff_a)

    def test_publishing_needs_a_public_summary(self, station, unit, clerk, staff_a):
        opinion = assigned(station, unit, staff_a)
        services.opinion_reply(opinion=opinion, by=clerk, text="答复")
        services.opinion_feed_back(opinion=opinion, by=staff_a, feedback="已告知")
        with pytest.raises(services.TransitionError):
            services.opinion_close(opinion=opinion, by=staff_a, publish=True, public_summary="")
        assert Opinion.objects.get(pk=opinion.pk).status == S.FED_BACK

    def test_an_unknown_category_is_refused(self, station, staff_a):
        with pytest.raises(services.TransitionError):
            services.opinion_sort(opinion=received(station), category="nonsense", by=staff_a)

    def test_a_suggestion_can_only_go_to_a_deputy_in_scope(self, station, staff_a, regions):
        opinion = received(station)
        services.opinion_sort(opinion=opinion, category="other", by=staff_a)
        with pytest.raises(services.TransitionError):
            services.opinion_propose(
                opinion=opinion,
                proposal=Proposal.TO_SUGGESTION,
                deputy=DeputyFactory(region=regions.town_b),
                by=staff_a,
            )

    def test_staff_of_another_county_cannot_record_an_opinion_for_this_station(self, station, staff_b):
        with pytest.raises(services.TransitionError):
            received(station, by=staff_b)
        assert Opinion.objects.count() == 0

    def test_unpublishing_an_unpublished_opinion_is_refused(self, station, staff_a):
        with pytest.raises(services.TransitionError):
            services.opinion_unpublish(opinion=received(station), by=staff_a)

    def test_merging_into_itself_is_refused(self, station, staff_a):
        opinion = received(station)
        with pytest.raises(services.TransitionError):
            services.opinion_merge(opinion=opinion, into=opinion, by=staff_a)

    def test_supervising_an_unassigned_opinion_is_refused(self, station, staff_a):
        with pytest.raises(services.TransitionError):
            services.opinion_supervise(opinion=received(station), by=staff_a, note="督办")


@pytest.mark.django_db
class TestVoterRating:
    def test_the_voter_rates_once_by_code(self, station, unit, clerk, staff_a):
        opinion = assigned(station, unit, staff_a)
        services.opinion_reply(opinion=opinion, by=clerk, text="答复")
        services.opinion_feed_back(opinion=opinion, by=staff_a, feedback="已告知")
        services.opinion_rate_by_voter(tracking_code=opinion.tracking_code, rating="basic")
        assert Opinion.objects.get(pk=opinion.pk).rating == "basic"
        with pytest.raises(services.TransitionError):
            services.opinion_rate_by_voter(tracking_code=opinion.tracking_code, rating="satisfied")

    def test_rating_before_feedback_is_refused(self, station):
        opinion = received(station)
        with pytest.raises(services.TransitionError):
            services.opinion_rate_by_voter(tracking_code=opinion.tracking_code, rating="satisfied")


@pytest.mark.django_db
class TestDutyDays:
    def test_staff_plan_a_duty_day_with_deputies(self, station, staff_a):
        deputies = DeputyFactory.create_batch(2, region=station.region)
        services.station_assign_deputies(station=station, deputies=deputies, by=staff_a)
        duty_day = services.duty_day_plan(
            station=station, date=datetime.date.today() + datetime.timedelta(days=3), deputies=deputies, by=staff_a
        )
        assert duty_day.shifts.count() == 2 and duty_day.status == DutyDay.Status.PLANNED

    def test_only_station_members_can_be_put_on_duty(self, station, staff_a):
        outsider = DeputyFactory(region=station.region)
        with pytest.raises(services.TransitionError):
            services.duty_day_plan(
                station=station,
                date=datetime.date.today() + datetime.timedelta(days=3),
                deputies=[outsider],
                by=staff_a,
            )
        assert DutyDay.objects.count() == 0

    def test_a_rostered_deputy_records_a_held_day(self, station, deputy_user_a):
        duty_day = DutyDayFactory(station=station, date=datetime.date.today())
        DutyShiftFactory(duty_day=duty_day, deputy=deputy_user_a.deputy)
        absent = DutyShiftFactory(duty_day=duty_day)
        services.duty_day_record(
            duty_day=duty_day,
            attended_deputy_ids=[deputy_user_a.deputy_id],
            voters_received=23,
            summary="接待",
            by=deputy_user_a,
        )
        duty_day.refresh_from_db()
        absent.refresh_from_db()
        assert (duty_day.status, duty_day.voters_received, absent.attended) == ("held", 23, False)

    def test_a_future_day_cannot_be_recorded_as_held(self, station, staff_a):
        duty_day = DutyDayFactory(station=station)
        with pytest.raises(services.TransitionError):
            services.duty_day_record(
                duty_day=duty_day, attended_deputy_ids=[], voters_received=1, summary="", by=staff_a
            )

    def test_attendance_must_come_from_the_roster(self, station, staff_a):
        duty_day = DutyDayFactory(station=station, date=datetime.date.today())
        outsider = DeputyFactory()
        with pytest.raises(services.TransitionError):
            services.duty_day_record(
                duty_day=duty_day, attended_deputy_ids=[outsider.pk], voters_received=1, summary="", by=staff_a
            )

    def test_a_deputy_not_on_the_roster_cannot_record(self, station, deputy_user_a):
        duty_day = DutyDayFactory(station=station, date=datetime.date.today())
        with pytest.raises(services.TransitionError):
            services.duty_day_record(
                duty_day=duty_day, attended_deputy_ids=[], voters_received=1, summary="", by=deputy_user_a
            )

    def test_assigning_deputies_twice_adds_them_once(self, station, staff_a):
        deputies = DeputyFactory.create_batch(3, region=station.region)
        assert services.station_assign_deputies(station=station, deputies=deputies, by=staff_a) == 3
        assert services.station_assign_deputies(station=station, deputies=deputies, by=staff_a) == 0
        assert Station.objects.get(pk=station.pk).deputies.count() == 3


@pytest.mark.django_db
def test_entering_next_years_holidays_recomputes_provisional_deadlines(station, unit, staff_a):
    from representatives import workdays

    opinion = assigned(station, unit, staff_a)
    Opinion.objects.filter(pk=opinion.pk).update(deadline_provisional=True, deadline=datetime.date(2027, 1, 8))
    recomputed = workdays.calendar_year_publish(
        year=2027, days=[(datetime.date(2027, 1, 1), False, "元旦")], source="test"
    )
    assert recomputed >= 1
    assert Opinion.objects.get(pk=opinion.pk).deadline_provisional is False
