"""Each list answers in a constant number of queries, however many rows its page holds (measured: 3 to 5 —
the token, the page count, the rows, a prefetch, the call log)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, OpinionFactory
from representatives.tests.factories import DeputyFactory, MembershipFactory

from .factories import auth, make_client

pytestmark = pytest.mark.django_db


def _fill(regions, station, hotline_client, count: int, offset: int) -> None:
    for n in range(count):
        deputy = DeputyFactory(region=regions.town_a)
        MembershipFactory(deputy=deputy)
        DutyShiftFactory(duty_day=DutyDayFactory(station=station), deputy=deputy)
        OpinionFactory(station=station, status="closed", published_at=timezone.now(), public_summary="已办")
        services.opinion_intake(
            client=hotline_client,
            external_id=f"q{offset + n}",
            source=Opinion.Source.HOTLINE,
            station=station,
            voter_name="",
            voter_phone="",
            title="t",
            content="c",
        )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("api:deputies", None),
        ("api:stations", None),
        ("api:duty_days", None),
        ("api:outcomes", None),
        ("open311:requests", {"fmt": "json"}),
    ],
)
def test_lists_run_a_constant_number_of_queries(
    client, regions, station_a, name, kwargs, django_assert_max_num_queries
):
    api_client, token = make_client(region=regions.county_a)
    url = reverse(name, kwargs=kwargs)
    _fill(regions, station_a, api_client, 2, 0)
    with django_assert_max_num_queries(6):
        assert client.get(url, **auth(token)).status_code == 200
    _fill(regions, station_a, api_client, 10, 2)
    with django_assert_max_num_queries(6):
        response = client.get(url, **auth(token))
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) >= (1 if name == "api:stations" else 12)
