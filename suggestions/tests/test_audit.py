"""Suggestions and everything done with them leave field-level history with the actor and the region."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from representatives.audit import REGION_KEY
from representatives.tests.factories import CongressFactory, DeputyFactory, MembershipFactory
from suggestions import services
from suggestions.models import CoSigner
from suggestions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(regions, deputy_a):
    congress = CongressFactory(region=regions.county_a)
    MembershipFactory(deputy=deputy_a, congress=congress)
    return SuggestionFactory(deputy=deputy_a, congress=congress, title="旧标题")


def test_editing_a_draft_records_before_and_after_without_the_lock_counter(draft, deputy_user_a, regions):
    with set_actor(deputy_user_a):
        services.suggestion_update(suggestion=draft, by=deputy_user_a, title="新标题")

    entry = LogEntry.objects.get_for_object(draft).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == deputy_user_a
    assert entry.changes_dict == {"title": ["旧标题", "新标题"]}
    assert entry.additional_data == {REGION_KEY: regions.county_a.path}


def test_inviting_and_answering_a_co_signer_is_recorded(draft, deputy_user_a, regions):
    other = DeputyFactory(region=regions.town_a)
    MembershipFactory(deputy=other, congress=draft.congress)

    with set_actor(deputy_user_a):
        services.cosigners_invite(suggestion=draft, deputies=[other], by=deputy_user_a)

    cosigner = CoSigner.objects.get()
    created = LogEntry.objects.get_for_object(cosigner).get()
    assert created.action == LogEntry.Action.CREATE
    assert created.actor == deputy_user_a
    assert created.additional_data == {REGION_KEY: regions.county_a.path}
