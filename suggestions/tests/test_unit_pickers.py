"""The office's assign, split and transfer forms search their units (issue 18): the page renders only the
chosen units whatever a province holds, the search finds what ``handling_units_for`` allows, and a unit the
search would not offer is refused by the form."""

import re
from typing import cast

import pytest
from django.urls import reverse

from representatives.models import HandlingUnit
from representatives.tests.factories import HandlingUnitFactory
from suggestions import services
from suggestions.models import Assignment, Suggestion

MANY = 1_050
MAX_PAGE_BYTES = 30 * 1024


def act(client, suggestion, step, data):
    payload = {f"{step}-{name}": value for name, value in data.items()}
    payload[f"{step}-version"] = suggestion.version
    return client.post(reverse("staff:suggestion_action", args=[suggestion.pk, step]), payload)


def select_named(html: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match is not None, name
    return match.group(1)


@pytest.fixture
def many_units(regions):
    HandlingUnit.objects.bulk_create(HandlingUnit(name=f"测试局{n}", region=regions.county_a) for n in range(MANY))


@pytest.mark.django_db
class TestAssignAndSplit:
    def test_the_registered_suggestions_page_lists_no_unit(self, client, flow, staff_a, many_units):
        suggestion = flow.registered()
        client.force_login(staff_a)
        html = client.get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()
        assert len(html.encode()) < MAX_PAGE_BYTES
        for name in ("assign-lead_unit", "assign-co_units", "split-units"):
            options = select_named(html, name)
            assert options.count("<option") <= 1 and "测试局" not in options
        assert 'data-autocomplete="/staff/autocomplete/units/"' in html

    def test_a_refused_split_shows_the_chosen_units_again_and_no_others(
        self, client, flow, staff_a, lead_unit, many_units
    ):
        suggestion = flow.registered()
        client.force_login(staff_a)
        response = act(client, suggestion, "split", {"units": [lead_unit.pk]})
        assert response.status_code == 200
        options = select_named(response.content.decode(), "split-units")
        assert options.count("<option") == 1
        assert (
            f'<option value="{lead_unit.pk}" selected>{lead_unit.name}（{lead_unit.region.name}）</option>' in options
        )

    def test_a_split_between_two_searched_units(self, client, flow, staff_a, lead_unit, co_unit):
        suggestion = flow.registered()
        client.force_login(staff_a)
        act(client, suggestion, "split", {"units": [lead_unit.pk, co_unit.pk]})
        parts = Assignment.objects.filter(suggestion=suggestion)
        assert {part.unit_id for part in parts} == {lead_unit.pk, co_unit.pk}
        assert {part.role for part in parts} == {"split"}

    def test_a_co_unit_of_another_county_is_refused(self, client, flow, staff_a, lead_unit, regions):
        foreign = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_b, name="台山市财政局"))
        suggestion = flow.registered()
        client.force_login(staff_a)
        response = act(client, suggestion, "assign", {"lead_unit": lead_unit.pk, "co_units": [foreign.pk]})
        assert response.status_code == 200
        assert response.context["forms"]["assign"].errors["co_units"]
        assert "台山市财政局" not in response.content.decode()
        assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.REGISTERED


@pytest.mark.django_db
class TestTransfer:
    def test_the_part_waiting_for_a_transfer_lists_no_unit_and_refuses_its_own(
        self, client, flow, staff_a, lead_clerk, lead_unit, many_units
    ):
        suggestion = flow.assigned()
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=lead_clerk, reason="不属于本单位职责")
        client.force_login(staff_a)
        html = client.get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()
        assert "测试局" not in select_named(html, "reassign_accept-new_unit")
        suggestion.refresh_from_db()
        response = act(client, suggestion, "reassign_accept", {"assignment": part.pk, "new_unit": lead_unit.pk})
        assert response.status_code == 200
        part.refresh_from_db()
        assert part.status == Assignment.Status.REASSIGN_REQUESTED
