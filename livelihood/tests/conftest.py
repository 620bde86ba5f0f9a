from types import SimpleNamespace

import pytest

from representatives.models import Level, Membership
from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
)

from .. import services
from ..models import Ballot
from .factories import ProjectFactory


@pytest.fixture
def county(regions, staff_a):
    """County A's congress with five serving deputies (three with accounts), one who resigned, a unit and
    three candidate projects."""
    congress = CongressFactory(region=regions.county_a, level=Level.COUNTY, term_number=17, code="440703-17")
    deputies = [DeputyFactory(region=regions.town_a, name=f"代表{i}") for i in range(5)]
    for deputy in deputies:
        MembershipFactory(deputy=deputy, congress=congress)
    resigned = DeputyFactory(region=regions.town_a, name="已辞职代表")
    MembershipFactory(deputy=resigned, congress=congress, status=Membership.Status.RESIGNED, status_date="2025-01-01")
    users = [DeputyUserFactory(deputy=deputy, username=f"lh_deputy{i}") for i, deputy in enumerate(deputies[:3])]
    unit = HandlingUnitFactory(region=regions.county_a, name="区民政局")
    projects = [ProjectFactory(congress=congress, unit=unit, title=f"项目{i}") for i in range(3)]
    return SimpleNamespace(
        congress=congress,
        deputies=deputies,
        users=users,
        resigned_user=DeputyUserFactory(deputy=resigned, username="lh_resigned"),
        unit=unit,
        clerk=ClerkFactory(unit=unit, username="lh_clerk"),
        leader=LeaderFactory(region=regions.county_a, username="lh_leader"),
        projects=projects,
        staff=staff_a,
    )


def open_ballot(county, *, secret=True, kind=Ballot.Kind.SELECTION, **rule) -> Ballot:
    ballot = services.ballot_create(
        congress=county.congress, year=2025, kind=kind, title="票决", by=county.staff, secret=secret, **rule
    )
    return services.ballot_open(ballot=ballot, by=county.staff)
