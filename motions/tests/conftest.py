import pytest

from representatives.models import Level
from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    LeaderFactory,
    MembershipFactory,
)

from .factories import MotionWorld


@pytest.fixture
def congress(regions):
    """County A's congress; its deputies live in county A's township."""
    return CongressFactory(region=regions.county_a, level=Level.COUNTY, code="440703-4-17", term_number=17)


@pytest.fixture
def author(congress, regions):
    deputy = DeputyFactory(region=regions.town_a, name="领衔代表")
    MembershipFactory(deputy=deputy, congress=congress)
    return DeputyUserFactory(deputy=deputy, username="author")


@pytest.fixture
def seconders(congress, regions):
    """Three serving deputies of the congress who can sign in."""
    users = []
    for n in range(3):
        deputy = DeputyFactory(region=regions.town_a, name=f"附议代表{n}")
        MembershipFactory(deputy=deputy, congress=congress)
        users.append(DeputyUserFactory(deputy=deputy, username=f"seconder{n}"))
    return users


@pytest.fixture
def leader_a(regions):
    return LeaderFactory(region=regions.county_a, username="leader_a")


@pytest.fixture
def world(congress, author, seconders, staff_a):
    return MotionWorld(congress=congress, author=author, seconders=seconders, staff=staff_a)
