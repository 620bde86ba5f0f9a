"""The suggestion's state tables: for each state and role, the steps offered; a service refuses any other.

Pages offer what ``services.available_steps`` lists and every service ``require``s its step, so these tables
are the whole of "who may do what when" for a suggestion and its parts.
"""

import datetime

import pytest

from representatives.tests.factories import HandlingUnitFactory, StaffFactory
from suggestions import services
from suggestions.models import Assignment, CoSigner, Reply, ReplyClass, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

S = Suggestion.Status
A = Assignment.Status

OFFICE_STEPS = {
    S.DRAFT: [],
    S.SUBMITTED: ["register", "refuse"],
    S.REGISTERED: ["assign", "split", "mark_key"],
    S.ASSIGNED: ["mark_key"],
    S.REPLIED: ["mark_key"],
    S.CLOSED: [],
    S.NOT_REGISTERED: [],
}
AUTHOR_STEPS = {
    S.DRAFT: ["edit", "submit", "invite"],
    S.SUBMITTED: ["invite"],
    S.REGISTERED: [],
    S.ASSIGNED: [],
    S.REPLIED: ["rate"],
    S.CLOSED: [],
    S.NOT_REGISTERED: [],
}


@pytest.fixture
def item(author, congress):
    return SuggestionFactory(deputy=author.deputy, congress=congress)


def _in(suggestion, status, **fields):
    for name, value in {"status": status, **fields}.items():
        setattr(suggestion, name, value)
    return suggestion


@pytest.mark.django_db
class TestTheSuggestionTable:
    @pytest.mark.parametrize("status", list(OFFICE_STEPS))
    def test_each_state_offers_the_office_and_the_author_their_steps(
        self, status, item, author, staff_a, leader_a, lead_clerk, cosigner, staff_b
    ):
        _in(item, status)
        assert services.available_steps(staff_a, item) == OFFICE_STEPS[status]
        assert services.available_steps(author, item) == AUTHOR_STEPS[status]
        # Leaders read; of a suggestion that is not a key one they take no step.
        for nobody in (leader_a, lead_clerk, cosigner, staff_b):
            assert services.available_steps(nobody, item) == [], nobody

    @pytest.mark.parametrize("status", [S.REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED])
    def test_a_key_suggestion_is_supervised_by_the_office_and_the_regions_leaders(
        self, status, item, staff_a, leader_a, author, lead_clerk
    ):
        _in(item, status, is_key=True)
        # 二次验收 comes once the unit has replied.
        expected = ["supervise", "accept"] if status in (S.REPLIED, S.CLOSED) else ["supervise"]
        assert services.available_steps(staff_a, item) == OFFICE_STEPS[status] + expected
        assert services.available_steps(leader_a, item) == expected
        assert services.available_steps(author, item) == AUTHOR_STEPS[status]
        assert services.available_steps(lead_clerk, item) == []


@pytest.mark.django_db
class TestThePartsTable:
    @pytest.fixture
    def part(self, item, lead_unit):
        _in(item, S.ASSIGNED)
        item.save()
        return AssignmentFactory(suggestion=item, unit=lead_unit, role=Assignment.Role.LEAD)

    def test_an_active_lead_part_offers_its_unit_contact_reassignment_and_the_reply(
        self, part, lead_clerk, co_clerk, staff_a
    ):
        assert services.available_steps(lead_clerk, part) == ["contact", "request_reassign", "reply"]
        assert services.available_steps(co_clerk, part) == []
        assert services.available_steps(staff_a, part) == []

    def test_a_co_part_gives_an_opinion_instead_of_a_reply(self, item, co_unit, co_clerk):
        _in(item, S.ASSIGNED)
        part = AssignmentFactory(suggestion=item, unit=co_unit, role=Assignment.Role.CO)
        assert services.available_steps(co_clerk, part) == ["contact", "request_reassign", "co_opinion"]

    def test_the_reassignment_window_closes(self, part, lead_clerk):
        part.assigned_at = part.assigned_at - datetime.timedelta(days=60)
        assert services.available_steps(lead_clerk, part) == ["contact", "reply"]
        with pytest.raises(services.TransitionError, match="个工作日内提出"):
            services.PART_STEPS.require("request_reassign", lead_clerk, part)

    def test_a_requested_part_waits_for_the_office(self, part, lead_clerk, staff_a, staff_b):
        part.status = A.REASSIGN_REQUESTED
        assert services.available_steps(lead_clerk, part) == ["contact"]
        assert services.available_steps(staff_a, part) == ["reassign_accept", "reassign_refuse"]
        assert services.available_steps(staff_b, part) == []

    @pytest.mark.parametrize("status", [A.DONE, A.REASSIGNED])
    def test_a_finished_part_offers_little(self, part, lead_clerk, staff_a, status):
        part.status = status
        assert services.available_steps(lead_clerk, part) == (["contact"] if status == A.DONE else [])
        assert services.available_steps(staff_a, part) == []

    def test_no_reply_once_the_suggestion_has_left_the_assigned_state(self, part, lead_clerk):
        part.suggestion.status = S.REPLIED
        assert "reply" not in services.available_steps(lead_clerk, part)


@pytest.mark.django_db
class TestTheReplyAndInvitationTables:
    def test_a_b_class_promise_is_reported_by_the_unit_then_confirmed_by_the_office(
        self, item, lead_unit, lead_clerk, staff_a
    ):
        part = AssignmentFactory(suggestion=item, unit=lead_unit, status=A.DONE)
        reply = Reply(assignment=part, reply_class=ReplyClass.B, text="承诺", promised_date=datetime.date(2027, 1, 1))
        assert services.available_steps(lead_clerk, reply) == ["promise_done"]
        assert services.available_steps(staff_a, reply) == []
        reply.promise_done_at = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
        assert services.available_steps(lead_clerk, reply) == []
        assert services.available_steps(staff_a, reply) == ["promise_confirm"]
        reply.promise_confirmed_at = datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)
        assert services.available_steps(staff_a, reply) == []
        reply.reply_class = ReplyClass.A
        assert services.available_steps(lead_clerk, reply) == []

    @pytest.mark.parametrize(
        ("status", "invited", "expected"),
        [
            (S.DRAFT, CoSigner.Status.INVITED, ["answer"]),
            (S.SUBMITTED, CoSigner.Status.INVITED, ["answer"]),
            (S.REGISTERED, CoSigner.Status.INVITED, []),
            (S.SUBMITTED, CoSigner.Status.ACCEPTED, []),
        ],
    )
    def test_an_invitation_is_answered_by_the_invited_deputy_until_registration(
        self, item, cosigner, author, status, invited, expected
    ):
        _in(item, status)
        invitation = CoSigner(suggestion=item, deputy=cosigner.deputy, status=invited)
        assert services.available_steps(cosigner, invitation) == expected
        assert services.available_steps(author, invitation) == []


@pytest.mark.django_db
class TestServicesRefuseWhatTheTableDoesNotOffer:
    def test_registering_an_assigned_suggestion_is_refused_with_the_tables_reason(self, flow):
        suggestion = flow.assigned()
        assert "register" not in services.available_steps(flow.staff, suggestion)
        with pytest.raises(services.TransitionError, match="只有已提交的建议可以立案"):
            services.suggestion_register(suggestion=suggestion, by=flow.staff)
        suggestion.refresh_from_db()
        assert suggestion.status == S.ASSIGNED

    def test_a_leader_cannot_take_an_office_step(self, flow, leader_a):
        suggestion = flow.submitted()
        with pytest.raises(services.TransitionError, match="您无权办理这件建议"):
            services.suggestion_register(suggestion=suggestion, by=leader_a)

    def test_a_co_unit_cannot_reply_to_the_deputy(self, flow, co_clerk):
        from suggestions.tests.factories import pdf

        suggestion = flow.assigned()
        part = suggestion.assignments.get(role=Assignment.Role.CO)
        assert "reply" not in services.available_steps(co_clerk, part)
        with pytest.raises(services.TransitionError, match="协办单位不直接答复代表"):
            services.reply_submit(assignment=part, by=co_clerk, reply_class="A", text="答复", document=pdf())
        assert not Reply.objects.exists()

    def test_rating_before_the_reply_is_refused(self, flow):
        suggestion = flow.assigned()
        with pytest.raises(services.TransitionError, match="建议答复后才能评价"):
            services.suggestion_rate(suggestion=suggestion, by=flow.author, value="satisfied")


@pytest.mark.django_db
class TestTheUnitScope:
    def test_a_county_staff_cannot_assign_to_another_countys_unit(self, flow, regions):
        other = HandlingUnitFactory(region=regions.county_b, name="外县单位")
        suggestion = flow.registered()
        with pytest.raises(services.TransitionError, match="只能交办给本区域或上级区域"):
            services.suggestion_assign(suggestion=suggestion, by=flow.staff, lead_unit=other)
        assert not suggestion.assignments.exists()

    def test_a_transfer_goes_only_to_a_unit_in_scope(self, flow, regions):
        other = HandlingUnitFactory(region=regions.county_b, name="外县单位")
        suggestion = flow.assigned()
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=flow.lead_clerk, reason="不属本单位职责")
        with pytest.raises(services.TransitionError, match="只能交办给本区域或上级区域"):
            services.reassign_accept(assignment=part, by=flow.staff, new_unit=other)
        part.refresh_from_db()
        assert part.status == A.REASSIGN_REQUESTED

    def test_the_assign_path_loads_the_units_once(self, flow):
        """The service decides on the rows the form loaded: no second query of the allowed units."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        suggestion = flow.registered()
        with CaptureQueriesContext(connection) as captured:
            services.suggestion_assign(suggestion=suggestion, by=flow.staff, lead_unit=flow.lead_unit)
        assert not [q for q in captured.captured_queries if 'FROM "representatives_handlingunit"' in q["sql"]]

    def test_a_city_staff_hands_work_to_a_countys_unit(self, flow, city_staff):
        suggestion = flow.registered()
        services.suggestion_assign(suggestion=suggestion, by=city_staff, lead_unit=flow.lead_unit)
        assert suggestion.assignments.get().unit == flow.lead_unit

    def test_an_inactive_unit_is_refused(self, flow, regions):
        idle = HandlingUnitFactory(region=regions.county_a, is_active=False)
        with pytest.raises(services.TransitionError):
            services.suggestion_assign(suggestion=flow.registered(), by=flow.staff, lead_unit=idle)


@pytest.mark.django_db
def test_may_hand_work_to_agrees_with_handling_units_for(regions):
    from representatives.permissions import handling_units_for, may_hand_work_to

    tree = [regions.province, regions.city, regions.county_a, regions.county_b, regions.town_a, regions.town_b]
    units = [HandlingUnitFactory(region=region) for region in tree]
    units.append(HandlingUnitFactory(region=regions.county_a, is_active=False))
    for region in tree:
        user = StaffFactory(region=region)
        listed = set(handling_units_for(user).values_list("pk", flat=True))
        assert {unit.pk for unit in units if may_hand_work_to(user, unit)} == listed & {unit.pk for unit in units}
