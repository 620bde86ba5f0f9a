"""A phone the deputy chose to publish looks the same to every role; an unpublished one stays masked."""

import pytest
from django.urls import reverse

from representatives.tests.factories import DeputyFactory, LeaderFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputies(regions):
    published = DeputyFactory(region=regions.town_a, phone="13912345678", phone_public=True)
    private = DeputyFactory(region=regions.town_a, phone="13987654321", phone_public=False)
    for deputy in (published, private):
        MembershipFactory(deputy=deputy)
    return published, private


def test_every_role_sees_a_published_phone_in_full_and_only_the_office_an_unpublished_one(client, regions, deputies):
    published, private = deputies
    public_page = client.get(reverse("public:deputy", args=[published.public_id])).content.decode()
    assert "13912345678" in public_page

    for reader, sees_private in (
        (LeaderFactory(region=regions.city), False),
        (StaffFactory(region=regions.county_a), True),
    ):
        client.force_login(reader)
        assert "13912345678" in client.get(reverse("staff:deputy", args=[published.pk])).content.decode()
        body = client.get(reverse("staff:deputy", args=[private.pk])).content.decode()
        assert ("13987654321" in body) is sees_private
        assert ("139****4321" in body) is not sees_private
