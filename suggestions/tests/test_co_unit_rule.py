"""The lead unit's reply waits for its co-units' opinions, or says why it did not; nothing closes while a part
is open. Both are conditions of the state tables (services.PART_STEPS "reply"/"reply_ahead", SUGGESTION_STEPS
"rate")."""

import pytest
from django.urls import reverse

from representatives.audit import timeline
from suggestions import services
from suggestions.models import Reply, Suggestion
from suggestions.tests.factories import pdf

S = Suggestion.Status


def reply(flow, suggestion, **extra):
    return services.reply_submit(
        assignment=flow.lead_part(suggestion), by=flow.lead_clerk, reply_class="A", text="答复", document=pdf(), **extra
    )


def co_part(suggestion):
    return suggestion.assignments.get(role="co")


@pytest.mark.django_db
class TestTheLeadWaits:
    def test_while_an_opinion_is_missing_the_lead_is_offered_only_the_reply_ahead(self, flow):
        suggestion = flow.assigned()

        steps = services.available_steps(flow.lead_clerk, flow.lead_part(suggestion))

        assert "reply_ahead" in steps and "reply" not in steps

    def test_a_reply_without_a_reason_is_refused_and_writes_nothing(self, flow):
        suggestion = flow.assigned()

        with pytest.raises(services.TransitionError, match="协办单位的意见尚未全部提交"):
            reply(flow, suggestion)

        assert not Reply.objects.exists()
        suggestion.refresh_from_db()
        assert suggestion.status == S.ASSIGNED and flow.lead_part(suggestion).status == "active"

    def test_once_the_opinions_are_in_the_lead_replies_and_no_reason_is_asked(self, flow, co_clerk):
        suggestion = flow.assigned()
        services.co_opinion_submit(assignment=co_part(suggestion), by=co_clerk, text="同意")

        assert "reply_ahead" not in services.available_steps(flow.lead_clerk, flow.lead_part(suggestion))
        with pytest.raises(services.TransitionError, match="均已提交意见"):
            reply(flow, suggestion, ahead_reason="急需答复")
        reply(flow, suggestion)

        suggestion.refresh_from_db()
        assert suggestion.status == S.REPLIED and Reply.objects.get().ahead_reason == ""

    def test_going_ahead_keeps_the_reason_on_the_reply_and_in_the_timeline(self, flow):
        suggestion = flow.assigned()

        reply(flow, suggestion, ahead_reason="协办单位逾期未复，代表催办")

        assert Reply.objects.get().ahead_reason == "协办单位逾期未复，代表催办"
        suggestion.refresh_from_db()
        assert suggestion.status == S.REPLIED
        assert "未等协办单位意见先行答复，理由：协办单位逾期未复，代表催办" in timeline(suggestion)[-1].note

    def test_a_co_unit_cannot_go_ahead(self, flow, co_clerk):
        suggestion = flow.assigned()

        assert "reply_ahead" not in services.available_steps(co_clerk, co_part(suggestion))


@pytest.mark.django_db
class TestNothingClosesWhileAPartIsOpen:
    def test_the_deputy_rates_only_after_the_co_unit_has_answered(self, flow, author, co_clerk):
        suggestion = flow.assigned()
        reply(flow, suggestion, ahead_reason="代表要求尽快答复")
        suggestion.refresh_from_db()

        assert "rate" not in services.available_steps(author, suggestion)
        with pytest.raises(services.TransitionError, match="尚未完成"):
            services.suggestion_rate(suggestion=suggestion, by=author, value="satisfied")
        assert Suggestion.objects.get(pk=suggestion.pk).status == S.REPLIED

        services.co_opinion_submit(assignment=co_part(suggestion), by=co_clerk, text="补充意见")
        suggestion.refresh_from_db()
        services.suggestion_rate(suggestion=suggestion, by=author, value="satisfied")

        assert Suggestion.objects.get(pk=suggestion.pk).status == S.CLOSED


@pytest.mark.django_db
class TestTheUnitPage:
    def test_the_lead_clerk_is_asked_for_the_reason_and_a_blank_one_writes_nothing(self, client, flow):
        suggestion = flow.assigned()
        client.force_login(flow.lead_clerk)

        page = client.get(reverse("unit:suggestion", args=[suggestion.pk])).content.decode()
        assert "reply_ahead-ahead_reason" in page and "/reply/" not in page

        data = {"reply_ahead-reply_class": "A", "reply_ahead-text": "答复", "reply_ahead-document": pdf()}
        url = reverse("unit:suggestion_action", args=[suggestion.pk, "reply_ahead"])
        refused = client.post(url, {**data, "reply_ahead-ahead_reason": " "})
        assert refused.status_code == 200 and not Reply.objects.exists()

        data["reply_ahead-document"] = pdf()
        accepted = client.post(url, {**data, "reply_ahead-ahead_reason": "代表要求尽快答复"})
        assert accepted.status_code == 302
        assert Reply.objects.get().ahead_reason == "代表要求尽快答复"


@pytest.mark.django_db
def test_the_deputy_is_told_why_the_rating_waits(client, flow, author):
    suggestion = flow.assigned()
    reply(flow, suggestion, ahead_reason="代表要求尽快答复")
    client.force_login(author)

    page = client.get(reverse("me:suggestion", args=[suggestion.pk])).content.decode()

    assert "还有承办单位的办理尚未完成，完成后即可评价答复。" in page and 'id="rate"' not in page
