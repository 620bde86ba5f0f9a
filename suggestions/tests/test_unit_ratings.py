"""The deputy rates each handling unit's part (lead unit's reply, co-units' opinions), not the suggestion as a
whole: services.parts_rate, the PART_STEPS "rate" step, the round's derived rating and re-handling of the
units rated unsatisfied only."""

import pytest
from django.test import override_settings
from django.urls import reverse

from suggestions import services
from suggestions.models import Assignment, Evaluation, Suggestion, UnitRating
from suggestions.tests.factories import pdf

S = Suggestion.Status
V = Evaluation.Value

pytestmark = pytest.mark.django_db


def page_text(response):
    return response.content.decode()


def parts(suggestion):
    suggestion.refresh_from_db()
    lead = suggestion.assignments.get(round=suggestion.round, role="lead")
    co = suggestion.assignments.get(round=suggestion.round, role="co")
    return lead, co


def rate(flow, suggestion, **values):
    """``lead=(value, comment)``, ``co=(value, comment)``: the parts of the current round to rate."""
    lead, co = parts(suggestion)
    by_role = {"lead": lead, "co": co}
    ratings = {by_role[role].pk: rating for role, rating in values.items()}
    return services.parts_rate(suggestion=suggestion, by=flow.author, ratings=ratings)


class TestRatingEachUnit:
    def test_each_unit_keeps_its_own_rating_and_the_round_takes_the_lowest(self, flow):
        suggestion = flow.replied()

        rate(flow, suggestion, lead=(V.SATISFIED, ""), co=(V.BASIC, "协办意见较笼统"))

        suggestion.refresh_from_db()
        assert suggestion.status == S.CLOSED
        ratings = dict(UnitRating.objects.values_list("assignment__role", "value"))
        assert ratings == {"lead": V.SATISFIED, "co": V.BASIC}
        evaluation = suggestion.evaluations.get()
        assert (evaluation.round, evaluation.value, evaluation.comment) == (1, V.BASIC, "协办意见较笼统")

    def test_the_round_stays_open_until_every_handled_part_is_rated(self, flow):
        suggestion = flow.replied()

        rate(flow, suggestion, lead=(V.SATISFIED, ""))

        suggestion.refresh_from_db()
        assert suggestion.status == S.REPLIED and not suggestion.evaluations.exists()
        lead, co = parts(suggestion)
        assert "rate" in services.available_steps(flow.author, co)
        assert "rate" not in services.available_steps(flow.author, lead)

        rate(flow, suggestion, co=(V.SATISFIED, ""))
        suggestion.refresh_from_db()
        assert suggestion.status == S.CLOSED and suggestion.evaluations.get().value == V.SATISFIED

    def test_only_the_lead_unit_rated_unsatisfied_handles_again(self, flow):
        suggestion = flow.replied()

        rate(flow, suggestion, lead=(V.UNSATISFIED, "没有回应核心问题"), co=(V.SATISFIED, ""))

        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.round) == (S.ASSIGNED, 2)
        again = suggestion.assignments.filter(round=2)
        assert [(part.unit_id, part.role) for part in again] == [(flow.lead_unit.pk, "lead")]
        assert suggestion.evaluations.get().value == V.UNSATISFIED

    def test_a_co_unit_rated_unsatisfied_gives_its_opinion_again_and_that_is_rated(self, flow, co_clerk):
        suggestion = flow.replied()

        rate(flow, suggestion, lead=(V.SATISFIED, ""), co=(V.UNSATISFIED, "协办意见没有落实措施"))

        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.round) == (S.ASSIGNED, 2)
        co_again = suggestion.assignments.get(round=2)
        assert (co_again.unit_id, co_again.role) == (flow.co_unit.pk, "co")
        # Its new opinion is the round's answer: the suggestion waits for the deputy's rating of it.
        services.co_opinion_submit(assignment=co_again, by=co_clerk, text="已落实具体措施。")
        suggestion.refresh_from_db()
        assert suggestion.status == S.REPLIED
        services.parts_rate(suggestion=suggestion, by=flow.author, ratings={co_again.pk: (V.BASIC, "")})
        suggestion.refresh_from_db()
        assert suggestion.status == S.CLOSED
        assert list(suggestion.evaluations.values_list("round", "value")) == [(1, V.UNSATISFIED), (2, V.BASIC)]

    @override_settings(SUGGESTION_MAX_ROUNDS=1)
    def test_unsatisfied_in_the_last_round_closes_it_as_before(self, flow):
        suggestion = flow.replied()

        rate(flow, suggestion, lead=(V.UNSATISFIED, "仍未解决"), co=(V.SATISFIED, ""))

        suggestion.refresh_from_db()
        assert suggestion.status == S.CLOSED and suggestion.evaluations.get().value == V.UNSATISFIED

    def test_rating_every_part_alike_is_the_suggestion_rate_shortcut(self, flow):
        suggestion = flow.replied()

        services.suggestion_rate(suggestion=suggestion, by=flow.author, value=V.BASIC)

        assert sorted(UnitRating.objects.values_list("value", flat=True)) == [V.BASIC, V.BASIC]
        assert Suggestion.objects.get(pk=suggestion.pk).status == S.CLOSED


class TestWhoMayRateWhat:
    def test_only_the_lead_deputy_rates(self, flow, cosigner, lead_clerk, staff_a):
        suggestion = flow.replied()
        lead, _co = parts(suggestion)
        for user in (cosigner, lead_clerk, staff_a):
            assert "rate" not in services.available_steps(user, lead)
            with pytest.raises(services.TransitionError):
                services.parts_rate(suggestion=suggestion, by=user, ratings={lead.pk: (V.SATISFIED, "")})
        assert not UnitRating.objects.exists()

    def test_a_part_is_rated_once(self, flow):
        suggestion = flow.replied()
        rate(flow, suggestion, lead=(V.SATISFIED, ""))

        with pytest.raises(services.TransitionError, match="已经评价过这个承办单位"):
            rate(flow, suggestion, lead=(V.UNSATISFIED, "改主意了"))
        assert UnitRating.objects.get().value == V.SATISFIED

    def test_only_handled_parts_of_the_current_round_are_rated(self, flow):
        suggestion = flow.replied()
        rate(flow, suggestion, lead=(V.UNSATISFIED, "没有回应"), co=(V.SATISFIED, ""))
        suggestion.refresh_from_db()
        first_round_lead = suggestion.assignments.get(round=1, role="lead")
        open_part = suggestion.assignments.get(round=2)

        for part in (first_round_lead, open_part):
            with pytest.raises(services.TransitionError):
                services.parts_rate(suggestion=suggestion, by=flow.author, ratings={part.pk: (V.SATISFIED, "")})
        assert UnitRating.objects.count() == 2

    def test_a_reassigned_part_is_not_offered_for_rating(self, flow):
        suggestion = flow.replied()
        lead, co = parts(suggestion)
        Assignment.objects.filter(pk=co.pk).update(status=Assignment.Status.REASSIGNED)

        with pytest.raises(services.TransitionError, match="本轮已办理完毕"):
            services.parts_rate(suggestion=suggestion, by=flow.author, ratings={co.pk: (V.SATISFIED, "")})
        # The lead unit's part is then the whole round.
        rate(flow, suggestion, lead=(V.SATISFIED, ""))
        assert Suggestion.objects.get(pk=suggestion.pk).status == S.CLOSED

    def test_an_unknown_rating_writes_nothing(self, flow):
        suggestion = flow.replied()
        with pytest.raises(services.TransitionError, match="未知的评价"):
            rate(flow, suggestion, lead=("great", ""))
        assert not UnitRating.objects.exists()


class TestTheRatingPage:
    def url(self, suggestion, action=None):
        if action:
            return reverse("me:suggestion_action", args=[suggestion.pk, action])
        return reverse("me:suggestion", args=[suggestion.pk])

    def test_the_page_shows_each_units_answer_with_its_own_rating(self, client, flow):
        suggestion = flow.replied()
        lead, co = parts(suggestion)
        client.force_login(flow.author)

        response = client.get(self.url(suggestion))
        body = response.content.decode()
        assert f'data-rate-part="{lead.pk}"' in body and f'data-rate-part="{co.pk}"' in body
        assert f'name="value_{lead.pk}"' in body and f'name="comment_{co.pk}"' in body
        assert "同意主办单位意见。" in page_text(response)  # the co-unit's opinion, which is rated

    def test_every_part_must_be_rated_on_the_page(self, client, flow):
        suggestion = flow.replied()
        lead, co = parts(suggestion)
        client.force_login(flow.author)

        data = {"version": suggestion.version, f"value_{lead.pk}": "satisfied", f"comment_{lead.pk}": ""}
        response = client.post(self.url(suggestion, "rate"), data)

        assert response.status_code == 200 and "该字段是必填项" in page_text(response)
        assert not UnitRating.objects.exists()

    def test_posting_both_ratings_closes_and_shows_them_on_each_part(self, client, flow):
        suggestion = flow.replied()
        lead, co = parts(suggestion)
        client.force_login(flow.author)
        data = {
            "version": suggestion.version,
            f"value_{lead.pk}": "satisfied",
            f"comment_{lead.pk}": "",
            f"value_{co.pk}": "basic",
            f"comment_{co.pk}": "",
        }

        response = client.post(self.url(suggestion, "rate"), data, follow=True)

        assert "感谢评价，建议已办结。" in page_text(response)
        body = response.content.decode()
        assert 'data-part-rating="satisfied"' in body and 'data-part-rating="basic"' in body
        assert 'id="rate"' not in body

    def test_the_page_takes_the_same_queries_with_more_co_units(
        self, client, flow, regions, django_assert_max_num_queries
    ):
        from representatives.tests.factories import HandlingUnitFactory

        def page_queries(suggestion):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                assert client.get(self.url(suggestion)).status_code == 200
            return len(captured)

        client.force_login(flow.author)
        one = flow.replied()
        few = page_queries(one)
        extra = [HandlingUnitFactory(region=regions.county_a, name=f"协办单位{i}") for i in range(4)]
        registered = flow.registered(title="多个协办单位的建议")
        many = services.suggestion_assign(
            suggestion=registered, by=flow.staff, lead_unit=flow.lead_unit, co_units=[flow.co_unit, *extra]
        )
        for part in many.assignments.filter(role="co"):
            services.co_opinion_submit(assignment=part, by=flow.co_clerk(part.unit), text="同意。")
        services.reply_submit(
            assignment=flow.lead_part(many), by=flow.lead_clerk, reply_class="A", text="答复。", document=pdf()
        )
        with django_assert_max_num_queries(few):
            client.get(self.url(many))


class TestTheUnitSeesItsRating:
    def test_each_unit_sees_the_rating_of_its_own_part(self, client, flow, co_clerk):
        suggestion = flow.replied()
        rate(flow, suggestion, lead=(V.SATISFIED, ""), co=(V.BASIC, "协办意见较笼统"))

        client.force_login(co_clerk)
        body = client.get(reverse("unit:suggestion", args=[suggestion.pk])).content.decode()

        assert 'data-part-rating="basic"' in body and "协办意见较笼统" in body
        assert 'data-part-rating="satisfied"' not in body  # the lead unit's part is not the co-unit's to read
