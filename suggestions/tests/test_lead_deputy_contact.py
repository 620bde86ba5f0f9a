"""办前沟通: the clerks of a unit handling a suggestion see its lead deputy's contact while their part is open, and
each showing is logged; every other role sees what it saw before."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from representatives.tests.factories import (
    ClerkFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    LeaderFactory,
)
from suggestions.deputy_contact import lead_deputy_contact
from suggestions.models import Assignment
from suggestions.tests.factories import AssignmentFactory

PHONE = "13812345678"
A = Assignment.Status


@pytest.fixture
def deputy(regions):
    return DeputyFactory(region=regions.town_a, phone=PHONE, phone_public=False, email="li@example.cn")


@pytest.fixture
def part(deputy, regions):
    return AssignmentFactory(suggestion__deputy=deputy, unit=HandlingUnitFactory(region=regions.county_a))


def shown(deputy):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(deputy.pk))


def unit_page(client, user, part):
    client.force_login(user)
    return client.get(reverse("unit:suggestion", args=[part.suggestion.pk]))


class TestClerkOfTheHandlingUnit:
    @pytest.mark.parametrize("status", [A.ACTIVE, A.REASSIGN_REQUESTED])
    def test_sees_the_phone_while_the_part_is_open_and_each_showing_is_logged(self, client, part, deputy, status):
        Assignment.objects.filter(pk=part.pk).update(status=status)
        clerk = ClerkFactory(unit=part.unit)
        body = unit_page(client, clerk, part).content.decode()
        assert PHONE in body and "li@example.cn" in body and "未公开" not in body
        unit_page(client, clerk, part)
        entries = list(shown(deputy))
        assert len(entries) == 2
        entry = entries[0]
        assert entry.actor == clerk
        assert entry.additional_data["region_path"] == deputy.region.path
        assert entry.additional_data["about"] == f"suggestion:{part.suggestion.pk} unit:{part.unit.pk}"

    def test_a_co_unit_with_an_open_part_sees_it_too(self, client, part, deputy, regions):
        co = AssignmentFactory(
            suggestion=part.suggestion, unit=HandlingUnitFactory(region=regions.county_a), role=Assignment.Role.CO
        )
        assert PHONE in unit_page(client, ClerkFactory(unit=co.unit), co).content.decode()

    def test_once_the_part_is_done_the_phone_is_hidden_again_and_nothing_logged(self, client, part, deputy):
        Assignment.objects.filter(pk=part.pk).update(status=A.DONE)
        body = unit_page(client, ClerkFactory(unit=part.unit), part).content.decode()
        assert PHONE not in body and "未公开" in body
        assert not shown(deputy).exists()

    def test_a_published_phone_is_shown_as_before_once_the_part_is_done(self, client, part, deputy):
        deputy.phone_public = True
        deputy.save()
        Assignment.objects.filter(pk=part.pk).update(status=A.DONE)
        assert PHONE in unit_page(client, ClerkFactory(unit=part.unit), part).content.decode()
        assert not shown(deputy).exists()


class TestEveryoneElse:
    def test_a_unit_passed_on_no_longer_sees_it(self, part, deputy):
        Assignment.objects.filter(pk=part.pk).update(status=A.REASSIGNED)
        part.refresh_from_db()
        clerk = ClerkFactory(unit=part.unit)
        assert lead_deputy_contact(user=clerk, suggestion=part.suggestion, parts=[part]) is None
        assert not shown(deputy).exists()

    def test_another_units_clerk_gets_nothing(self, part, deputy, regions):
        other = ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a))
        assert lead_deputy_contact(user=other, suggestion=part.suggestion, parts=[part]) is None
        assert not shown(deputy).exists()

    @pytest.mark.parametrize("role", ["staff", "leader", "deputy"])
    def test_other_roles_go_through_their_own_rules_and_nothing_is_logged(self, part, deputy, role, regions, staff_a):
        user = {
            "staff": staff_a,
            "leader": LeaderFactory(region=regions.county_a),
            "deputy": DeputyUserFactory(deputy=deputy),
        }[role]
        assert lead_deputy_contact(user=user, suggestion=part.suggestion, parts=[part]) is None
        assert not shown(deputy).exists()

    def test_the_leader_still_sees_the_phone_masked_on_the_staff_page(self, client, part, deputy, regions):
        client.force_login(LeaderFactory(region=regions.county_a))
        body = client.get(reverse("staff:deputy", args=[deputy.pk])).content.decode()
        assert PHONE not in body
        assert not shown(deputy).exists()

    def test_the_public_profile_still_hides_it(self, client, part, deputy):
        from representatives.tests.factories import MembershipFactory

        MembershipFactory(deputy=deputy)
        body = client.get(reverse("public:deputy", args=[deputy.public_id])).content.decode()
        assert PHONE not in body
