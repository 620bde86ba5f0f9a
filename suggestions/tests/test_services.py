import datetime

import pytest
from django.utils import timezone

from core.models import Notification
from representatives.audit import timeline
from representatives.tests.factories import DeputyFactory, HandlingUnitFactory, LeaderFactory
from suggestions import services
from suggestions.models import Assignment, CoSigner, Evaluation, Reply, Suggestion
from suggestions.tests.factories import pdf

S = Suggestion.Status
pytestmark = pytest.mark.django_db


class TestDrafting:
    def test_a_deputy_drafts_in_a_congress_where_they_serve(self, flow):
        suggestion = flow.draft()
        assert (suggestion.status, suggestion.region, suggestion.number) == (S.DRAFT, flow.congress.region, None)

    def test_a_deputy_cannot_draft_in_a_congress_where_they_do_not_serve(self, flow, regions):
        from representatives.tests.factories import CongressFactory

        other = CongressFactory(region=regions.county_b)
        with pytest.raises(services.TransitionError):
            services.suggestion_create(
                deputy=flow.author.deputy, congress=other, by=flow.author, title="t", category="other", body="b"
            )
        assert Suggestion.objects.count() == 0

    def test_nobody_drafts_in_another_deputys_name(self, flow, cosigner):
        with pytest.raises(services.TransitionError):
            services.suggestion_create(
                deputy=flow.author.deputy, congress=flow.congress, by=cosigner, title="t", category="other", body="b"
            )

    def test_a_bad_category_writes_nothing(self, flow):
        with pytest.raises(services.TransitionError):
            flow.draft(category="nonsense")
        assert Suggestion.objects.count() == 0

    def test_numbers_run_per_congress_and_year(self, flow):
        first, second = flow.submitted(), flow.submitted()
        assert (first.number, second.number) == (1, 2)
        assert first.number_label == "第1号"

    def test_a_submitted_suggestion_cannot_be_edited(self, flow):
        suggestion = flow.submitted()
        with pytest.raises(services.TransitionError):
            services.suggestion_update(suggestion=suggestion, by=flow.author, title="改")


class TestCosigning:
    def test_a_co_signer_is_invited_and_accepts(self, flow, cosigner):
        suggestion = flow.draft()
        assert services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author) == 1
        invitation = CoSigner.objects.get()
        services.cosign_respond(cosigner=invitation, by=cosigner, accept=True)
        assert CoSigner.objects.get().status == CoSigner.Status.ACCEPTED
        assert Notification.objects.filter(recipient=cosigner).exists()

    def test_only_serving_deputies_of_the_same_congress_can_co_sign(self, flow, regions):
        stranger = DeputyFactory(region=regions.town_b)
        with pytest.raises(services.TransitionError):
            services.cosigners_invite(suggestion=flow.draft(), deputies=[stranger], by=flow.author)

    def test_the_author_cannot_co_sign_their_own(self, flow):
        with pytest.raises(services.TransitionError):
            services.cosigners_invite(suggestion=flow.draft(), deputies=[flow.author.deputy], by=flow.author)

    def test_someone_else_cannot_answer_the_invitation(self, flow, cosigner, outsider_deputy):
        suggestion = flow.draft()
        services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author)
        with pytest.raises(services.TransitionError):
            services.cosign_respond(cosigner=CoSigner.objects.get(), by=outsider_deputy, accept=True)

    def test_co_signing_closes_at_registration(self, flow, cosigner):
        suggestion = flow.draft()
        services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author)
        services.suggestion_submit(suggestion=suggestion, by=flow.author)
        services.suggestion_register(suggestion=suggestion, by=flow.staff)
        with pytest.raises(services.TransitionError):
            services.cosign_respond(cosigner=CoSigner.objects.get(), by=cosigner, accept=True)


class TestRegistration:
    def test_staff_register_and_the_deputy_is_told(self, flow):
        suggestion = flow.registered()
        assert suggestion.status == S.REGISTERED and suggestion.registered_at
        assert Notification.objects.filter(recipient=flow.author, title__contains="立案").exists()

    def test_refusal_needs_a_reason_and_becomes_a_letter(self, flow):
        suggestion = flow.submitted()
        with pytest.raises(services.TransitionError):
            services.suggestion_refuse(suggestion=suggestion, by=flow.staff, reason=" ")
        services.suggestion_refuse(suggestion=suggestion, by=flow.staff, reason="属于来信来访事项")
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.refusal_reason) == (S.NOT_REGISTERED, "属于来信来访事项")

    def test_staff_of_another_county_cannot_register(self, flow, staff_b):
        with pytest.raises(services.TransitionError):
            services.suggestion_register(suggestion=flow.submitted(), by=staff_b)

    def test_a_draft_cannot_be_registered(self, flow):
        with pytest.raises(services.TransitionError):
            services.suggestion_register(suggestion=flow.draft(), by=flow.staff)

    def test_a_key_suggestion_is_led_by_a_leader_of_the_region(self, flow, leader_a, regions):
        suggestion = flow.registered()
        with pytest.raises(services.TransitionError):
            services.suggestion_mark_key(
                suggestion=suggestion, by=flow.staff, leader=LeaderFactory(region=regions.county_b)
            )
        services.suggestion_mark_key(suggestion=suggestion, by=flow.staff, leader=leader_a)
        suggestion.refresh_from_db()
        assert suggestion.is_key and suggestion.supervising_leader == leader_a


class TestAssignment:
    def test_the_lead_unit_has_three_months_and_the_co_unit_one(self, flow):
        suggestion = flow.assigned()
        today = timezone.localdate()
        lead = suggestion.assignments.get(role="lead")
        co = suggestion.assignments.get(role="co")
        from suggestions.deadlines import add_months

        assert (lead.deadline, co.deadline) == (add_months(today, 3), add_months(today, 1))
        assert suggestion.status == S.ASSIGNED

    def test_a_complex_suggestion_gets_six_months(self, flow):
        suggestion = flow.registered()
        services.suggestion_assign(suggestion=suggestion, by=flow.staff, lead_unit=flow.lead_unit, is_complex=True)
        from suggestions.deadlines import add_months

        assert suggestion.assignments.get().deadline == add_months(timezone.localdate(), 6)

    def test_splitting_needs_two_units_and_each_replies(self, flow, co_unit, lead_unit):
        suggestion = flow.registered()
        with pytest.raises(services.TransitionError):
            services.suggestion_split(suggestion=suggestion, by=flow.staff, units=[lead_unit])
        services.suggestion_split(suggestion=suggestion, by=flow.staff, units=[lead_unit, co_unit])
        assert set(suggestion.assignments.values_list("role", flat=True)) == {"split"}

    def test_a_unit_from_another_county_cannot_be_assigned(self, flow, regions):
        with pytest.raises(services.TransitionError):
            services.suggestion_assign(
                suggestion=flow.registered(), by=flow.staff, lead_unit=HandlingUnitFactory(region=regions.county_b)
            )
        assert Assignment.objects.count() == 0

    def test_the_units_clerks_are_told_when_something_is_assigned(self, flow, co_clerk):
        flow.assigned()
        assert Notification.objects.filter(recipient=flow.lead_clerk).exists()
        assert Notification.objects.filter(recipient=co_clerk).exists()


class TestReassignment:
    def test_a_unit_asks_and_staff_move_it_with_a_fresh_deadline(self, flow, regions):
        suggestion = flow.assigned(with_co_unit=False)
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=flow.lead_clerk, reason="不属于本局职责")
        new_unit = HandlingUnitFactory(region=regions.county_a, name="区住建局")
        moved = services.reassign_accept(assignment=part, by=flow.staff, new_unit=new_unit)
        part.refresh_from_db()
        assert part.status == Assignment.Status.REASSIGNED and moved.unit == new_unit and moved.role == "lead"
        assert "调整至" in timeline(suggestion)[-1].note

    def test_the_request_window_closes(self, flow, settings):
        settings.SUGGESTION_REASSIGN_WINDOW_DAYS = 5
        part = flow.lead_part(flow.assigned(with_co_unit=False))
        Assignment.objects.filter(pk=part.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=30))
        with pytest.raises(services.TransitionError, match="工作日内"):
            services.assignment_request_reassign(assignment=part, by=flow.lead_clerk, reason="不属于本局")

    def test_a_refused_request_goes_back_to_handling(self, flow):
        part = flow.lead_part(flow.assigned(with_co_unit=False))
        services.assignment_request_reassign(assignment=part, by=flow.lead_clerk, reason="不属于本局")
        services.reassign_refuse(assignment=part, by=flow.staff, reason="属于本局职责")
        part.refresh_from_db()
        assert part.status == Assignment.Status.ACTIVE


class TestReplies:
    def test_a_class_b_reply_needs_a_promised_date(self, flow):
        part = flow.lead_part(flow.assigned())
        with pytest.raises(services.TransitionError):
            services.reply_submit(assignment=part, by=flow.lead_clerk, reply_class="B", text="计划实施", document=pdf())
        assert Reply.objects.count() == 0

    def test_a_class_c_reply_needs_a_reason(self, flow):
        part = flow.lead_part(flow.assigned())
        with pytest.raises(services.TransitionError):
            services.reply_submit(assignment=part, by=flow.lead_clerk, reply_class="C", text="留作参考", document=pdf())

    def test_the_document_must_be_a_real_pdf(self, flow):
        from django.core.files.uploadedfile import SimpleUploadedFile

        part = flow.lead_part(flow.assigned())
        with pytest.raises(services.TransitionError):
            services.reply_submit(
                assignment=part,
                by=flow.lead_clerk,
                reply_class="A",
                text="已解决",
                document=SimpleUploadedFile("a.pdf", b"\x89PNG\r\n\x1a\nnot a pdf"),
            )

    def test_a_co_unit_cannot_reply_to_the_deputy(self, flow, co_clerk):
        suggestion = flow.assigned()
        co_part = suggestion.assignments.get(role="co")
        with pytest.raises(services.TransitionError):
            services.reply_submit(assignment=co_part, by=co_clerk, reply_class="A", text="x", document=pdf())

    def test_the_co_unit_sends_its_opinion_to_the_lead_unit(self, flow, co_clerk):
        suggestion = flow.assigned()
        co_part = suggestion.assignments.get(role="co")
        services.co_opinion_submit(assignment=co_part, by=co_clerk, text="同意主办单位意见")
        co_part.refresh_from_db()
        assert co_part.status == Assignment.Status.DONE and co_part.co_opinion_at
        assert Notification.objects.filter(recipient=flow.lead_clerk, title__contains="协办").exists()

    def test_another_units_clerk_cannot_reply(self, flow, co_clerk):
        with pytest.raises(services.TransitionError):
            services.reply_submit(
                assignment=flow.lead_part(flow.assigned()), by=co_clerk, reply_class="A", text="x", document=pdf()
            )

    def test_the_lead_units_reply_makes_it_replied(self, flow):
        suggestion = flow.replied("A")
        assert suggestion.status == S.REPLIED and suggestion.replied_at

    def test_a_split_suggestion_is_replied_when_every_unit_has_replied(self, flow, lead_unit, co_unit, co_clerk):
        suggestion = flow.registered()
        services.suggestion_split(suggestion=suggestion, by=flow.staff, units=[lead_unit, co_unit])
        first, second = suggestion.assignments.order_by("id")
        services.reply_submit(assignment=first, by=flow.lead_clerk, reply_class="A", text="x", document=pdf())
        assert Suggestion.objects.get(pk=suggestion.pk).status == S.ASSIGNED
        services.reply_submit(assignment=second, by=co_clerk, reply_class="A", text="y", document=pdf())
        assert Suggestion.objects.get(pk=suggestion.pk).status == S.REPLIED

    def test_contact_logs_are_kept_by_the_unit(self, flow):
        part = flow.lead_part(flow.assigned())
        services.contact_log_add(
            assignment=part,
            by=flow.lead_clerk,
            stage="before",
            method="phone",
            date=timezone.localdate(),
            note="电话沟通",
        )
        assert part.contacts.count() == 1


class TestRating:
    def test_satisfied_closes_it(self, flow):
        suggestion = flow.replied("A")
        services.suggestion_rate(suggestion=suggestion, by=flow.author, value="satisfied")
        suggestion.refresh_from_db()
        assert suggestion.status == S.CLOSED and suggestion.closed_at

    def test_unsatisfied_sends_it_back_with_a_new_deadline_and_a_second_reply(self, flow, settings):
        settings.SUGGESTION_REHANDLE_MONTHS = 1
        suggestion = flow.replied("B")
        # The lead unit's reply is rated unsatisfied (the co-unit's opinion was fine): the lead unit handles again.
        flow.rate(suggestion, lead="unsatisfied", comment="没有实质进展")
        suggestion.refresh_from_db()
        second = flow.lead_part(suggestion)
        from suggestions.deadlines import add_months

        assert (suggestion.status, suggestion.round, second.round) == (S.ASSIGNED, 2, 2)
        assert second.unit == flow.lead_unit and second.deadline == add_months(timezone.localdate(), 1)
        services.reply_submit(assignment=second, by=flow.lead_clerk, reply_class="A", text="已解决", document=pdf())
        services.suggestion_rate(suggestion=suggestion, by=flow.author, value="unsatisfied")
        suggestion.refresh_from_db()
        # The second round is the last: it closes, with the rating on record.
        assert suggestion.status == S.CLOSED
        assert list(Evaluation.objects.values_list("round", "value")) == [(1, "unsatisfied"), (2, "unsatisfied")]

    def test_only_the_author_rates(self, flow, cosigner):
        suggestion = flow.replied("A")
        with pytest.raises(services.TransitionError):
            services.suggestion_rate(suggestion=suggestion, by=cosigner, value="satisfied")

    def test_rating_before_the_reply_is_refused(self, flow):
        with pytest.raises(services.TransitionError):
            services.suggestion_rate(suggestion=flow.assigned(), by=flow.author, value="satisfied")


class TestPromises:
    def test_a_b_promise_counts_as_solved_only_once_staff_confirm(self, flow):
        suggestion = flow.replied("B")
        reply = Reply.objects.get()
        assert reply.promise_open
        with pytest.raises(services.TransitionError):
            services.promise_confirm(reply=reply, by=flow.staff)
        services.promise_report_done(reply=reply, by=flow.lead_clerk, note="道路已建成通车")
        services.promise_confirm(reply=reply, by=flow.staff)
        reply.refresh_from_db()
        assert not reply.promise_open and suggestion.pk

    def test_a_class_a_reply_has_no_promise(self, flow):
        flow.replied("A")
        with pytest.raises(services.TransitionError):
            services.promise_report_done(reply=Reply.objects.get(), by=flow.lead_clerk, note="x")


class TestSupervision:
    def test_the_leader_records_supervision_of_a_key_suggestion(self, flow, leader_a):
        suggestion = flow.assigned()
        with pytest.raises(services.TransitionError):
            services.supervision_add(
                suggestion=suggestion, by=leader_a, kind="visit", date=timezone.localdate(), note="x"
            )
        services.suggestion_mark_key(suggestion=suggestion, by=flow.staff, leader=leader_a)
        services.supervision_add(
            suggestion=suggestion, by=leader_a, kind="review", date=timezone.localdate(), note="回头看：已整改"
        )
        assert suggestion.supervisions.count() == 1

    def test_a_deputy_cannot_supervise(self, flow, leader_a):
        suggestion = flow.assigned()
        services.suggestion_mark_key(suggestion=suggestion, by=flow.staff, leader=leader_a)
        with pytest.raises(services.TransitionError):
            services.supervision_add(
                suggestion=suggestion, by=flow.author, kind="visit", date=timezone.localdate(), note="x"
            )


class TestConcurrency:
    def test_a_stale_version_is_refused_and_changes_nothing(self, flow):
        suggestion = flow.submitted()
        stale = suggestion.version
        services.suggestion_register(suggestion=suggestion, by=flow.staff, expected_version=stale)
        with pytest.raises(services.TransitionError, match="刚被其他人修改"):
            services.suggestion_refuse(suggestion=suggestion, by=flow.staff, reason="x", expected_version=stale)
        assert Suggestion.objects.get(pk=suggestion.pk).status == S.REGISTERED


def test_the_whole_history_is_on_the_timeline(flow, cosigner):
    suggestion = flow.draft()
    services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author)
    services.cosign_respond(cosigner=CoSigner.objects.get(), by=cosigner, accept=True)
    services.suggestion_submit(suggestion=suggestion, by=flow.author)
    services.suggestion_register(suggestion=suggestion, by=flow.staff)
    services.suggestion_assign(suggestion=suggestion, by=flow.staff, lead_unit=flow.lead_unit)
    states = [step.to_state for step in timeline(suggestion)]
    assert states == ["draft", "draft", "submitted", "registered", "assigned"]


def test_an_opinion_becomes_a_draft_in_the_deputys_lowest_congress(flow, regions):
    from liaison_stations.tests.factories import OpinionFactory

    opinion = OpinionFactory(station__region=regions.town_a, title="村道破损")
    ref = services.draft_from_opinion(opinion, flow.author.deputy, flow.staff)
    draft = Suggestion.objects.get(source_opinion=opinion.reference)
    assert (draft.status, draft.congress, draft.title) == (S.DRAFT, flow.congress, "村道破损") and str(draft.pk) in ref
