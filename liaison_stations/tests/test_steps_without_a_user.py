"""Steps nobody signed in took (a voter's form and rating, the system) show on every page that lists them,
and the voter's tracking code stays the voter's: staff, deputies and units see the opinion's number."""

import pytest
from django.urls import reverse
from django.utils import translation

from liaison_stations import services
from liaison_stations.models import Opinion, Proposal
from liaison_stations.tests.factories import StationFactory
from representatives.audit import record_transition, timeline
from representatives.models import StateLog
from representatives.tests.factories import ClerkFactory, DeputyUserFactory, HandlingUnitFactory, StaffFactory

pytestmark = pytest.mark.django_db
S = Opinion.Status


@pytest.fixture
def flow(regions, deputy_a):
    """A voter's online opinion taken to feedback and rated by the voter on the tracking page."""
    station = StationFactory(region=regions.town_a)
    staff = StaffFactory(region=regions.county_a)
    unit = HandlingUnitFactory(region=regions.county_a)
    clerk = ClerkFactory(unit=unit)
    opinion = services.opinion_receive(
        source=Opinion.Source.ONLINE,
        station=station,
        deputy=deputy_a,
        voter_name="王五",
        voter_phone="13900001111",
        title="路灯不亮",
        content="小区门口路灯坏了。",
        by=None,
    )
    services.opinion_sort(opinion=opinion, category="urban", by=staff)
    services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff)
    services.opinion_assign(opinion=opinion, by=staff)
    services.opinion_reply(opinion=opinion, by=clerk, text="已更换路灯。")
    services.opinion_feed_back(opinion=opinion, by=staff, feedback="已电话告知", rating="")
    services.opinion_rate_by_voter(tracking_code=opinion.tracking_code, rating="satisfied")
    opinion.refresh_from_db()
    return opinion, staff, clerk


def test_the_voters_steps_are_the_publics_and_the_others_name_their_user(flow):
    opinion, staff, clerk = flow
    steps = timeline(opinion)
    assert (steps[0].origin, steps[0].actor) == (StateLog.Origin.PUBLIC, None)
    assert (steps[-1].origin, steps[-1].note) == (StateLog.Origin.PUBLIC, "选民评价")
    assert {step.origin for step in steps[1:-1]} == {StateLog.Origin.USER}
    with translation.override("zh-hans"):
        assert steps[0].actor_label == "群众"
    with translation.override("en"):
        assert steps[0].actor_label == "Member of the public"


def test_a_step_with_no_user_and_no_voter_is_the_systems(regions):
    station = StationFactory(region=regions.town_a)
    step = record_transition(obj=station, from_state="", to_state="created", by=None)
    assert step.origin == StateLog.Origin.SYSTEM
    with translation.override("zh-hans"):
        assert step.actor_label == "系统"


def test_a_step_whose_user_was_deleted_says_so(flow):
    opinion, staff, _clerk = flow
    staff.delete()
    sorted_step = next(step for step in timeline(opinion) if step.to_state == S.SORTED)
    with translation.override("zh-hans"):
        assert sorted_step.actor_label == "已删除的账号"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_role_opens_the_opinion_with_the_publics_steps(client, flow, deputy_a, language):
    opinion, staff, clerk = flow
    deputy_user = DeputyUserFactory(deputy=deputy_a)
    public_label = "群众" if language == "zh-hans" else "Member of the public"
    for user, url in (
        (staff, reverse("staff:opinion", args=[opinion.pk])),
        (clerk, reverse("unit:opinion", args=[opinion.pk])),
        (deputy_user, reverse("me:opinion", args=[opinion.pk])),
    ):
        client.force_login(user)
        client.cookies["django_language"] = language
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        body = response.content.decode()
        assert response.status_code == 200, (user, url)
        assert opinion.reference in body
        assert opinion.tracking_code not in body, f"{user} sees the voter's tracking code"
        if url.startswith("/staff/"):
            assert public_label in body


def test_staff_find_an_opinion_by_its_number_or_by_the_code_a_voter_quotes(client, flow):
    opinion, staff, _clerk = flow
    client.force_login(staff)
    for typed in (opinion.reference, opinion.reference.lower(), str(opinion.pk), opinion.tracking_code.lower()):
        response = client.get(reverse("staff:opinions"), {"q": typed})
        assert list(response.context["page"].object_list) == [opinion], typed


def test_a_reference_names_its_opinion_and_nonsense_names_none():
    assert Opinion.pk_from_reference(" yj0000042 ") == 42
    assert Opinion.pk_from_reference("42") == 42
    for nonsense in ("", "YJ", "路灯", "YJ12a", "9" * 20):
        assert Opinion.pk_from_reference(nonsense) is None
