"""Opinions handled on the spot (当场答复/现场办结): the staff list's filter and the figure that counts its rows."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison_stations import selectors, services
from liaison_stations.models import Opinion, OpinionCategory, Proposal
from liaison_stations.tests.factories import OpinionFactory, StationFactory
from representatives.tests.factories import HandlingUnitFactory, LeaderFactory

pytestmark = pytest.mark.django_db

S = Opinion.Status
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
THIS_YEAR = timezone.localdate().year
YEAR = THIS_YEAR - 1


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def on_the_spot(station, received_at, title, status=S.REPLIED):
    return OpinionFactory(
        station=station,
        received_at=received_at,
        title=title,
        status=status,
        proposal=Proposal.ON_SPOT,
        reply="当场答复",
    )


@pytest.fixture
def opinions(regions, staff_a):
    """On-the-spot answers in two counties and three years, among opinions handled otherwise."""
    station_a = StationFactory(region=regions.town_a)
    home_a = StationFactory(region=regions.county_a, kind="home")
    station_b = StationFactory(region=regions.town_b)
    unit = HandlingUnitFactory(region=regions.county_a)
    # Through the service, as staff answer a voter at the station: this year's.
    taken = services.opinion_receive(
        source=Opinion.Source.DUTY_DAY,
        station=station_a,
        voter_name="王五",
        voter_phone="13900001111",
        title="现场一",
        content="路灯不亮",
        by=staff_a,
    )
    services.opinion_sort(opinion=taken, category=OpinionCategory.URBAN, by=staff_a)
    services.opinion_propose(opinion=taken, proposal=Proposal.ON_SPOT, answer="已联系供电所当天修复", by=staff_a)
    on_the_spot(station_a, at(YEAR, 3, 1), "现场二", status=S.CLOSED)
    on_the_spot(station_a, at(YEAR, 12, 31, 23, 30), "现场三 年末夜里", status=S.FED_BACK)
    on_the_spot(home_a, at(YEAR, 6, 1), "现场四 代表之家")
    on_the_spot(station_a, at(YEAR + 1, 1, 1, 0, 10), "现场五 次年")
    on_the_spot(station_a, at(YEAR - 1, 12, 31, 23, 50), "现场六 上年")
    on_the_spot(station_b, at(YEAR, 3, 1), "现场七 台山")
    # Handled otherwise: not counted.
    OpinionFactory(
        station=station_a, received_at=at(YEAR, 3, 2), proposal=Proposal.REFER_UNIT, unit=unit, status=S.PROPOSED
    )
    OpinionFactory(station=station_a, received_at=at(YEAR, 3, 3), proposal=Proposal.TO_HIGHER, status=S.TRANSFERRED)
    OpinionFactory(station=station_a, received_at=at(YEAR, 3, 4), status=S.SORTED)
    return {"taken": taken}


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("staff:opinions"), params)
    assert response.status_code == 200
    return response, sorted(opinion.title for opinion in response.context["page"].object_list)


def test_the_service_path_is_what_the_filter_finds(client, staff_a, opinions):
    taken = opinions["taken"]
    taken.refresh_from_db()
    assert (taken.status, taken.proposal) == (S.REPLIED, Proposal.ON_SPOT)
    _response, titles = listed(client, staff_a, handled="on_the_spot", received_from=f"{THIS_YEAR}-01-01")
    assert titles == ["现场一", "现场五 次年"]


def test_the_list_filters_opinions_handled_on_the_spot(client, staff_a, opinions):
    _response, titles = listed(client, staff_a, handled="on_the_spot")
    assert titles == sorted(["现场一", "现场二", "现场三 年末夜里", "现场四 代表之家", "现场五 次年", "现场六 上年"])
    response, _titles = listed(client, staff_a)
    assert response.context["page"].paginator.count == 9
    assert "当场答复（现场办结）" in response.content.decode()


def test_an_unknown_choice_is_refused_not_ignored_silently(client, staff_a, opinions):
    response, _titles = listed(client, staff_a, handled="anything")
    assert "handled" in response.context["filter"].form.errors


@pytest.mark.parametrize(
    ("who", "region", "expected"),
    [
        ("staff_a", None, ["现场三 年末夜里", "现场二", "现场四 代表之家"]),
        ("staff_a", "county_a", ["现场三 年末夜里", "现场二", "现场四 代表之家"]),
        ("staff_a", "town_a", ["现场三 年末夜里", "现场二"]),
        ("leader_a", "county_a", ["现场三 年末夜里", "现场二", "现场四 代表之家"]),
        ("city_staff", None, ["现场三 年末夜里", "现场七 台山", "现场二", "现场四 代表之家"]),
        ("city_staff", "county_b", ["现场七 台山"]),
        ("staff_b", None, ["现场七 台山"]),
    ],
)
def test_the_figure_counts_the_lists_rows(request, client, regions, opinions, who, region, expected):
    user = LeaderFactory(region=regions.county_a) if who == "leader_a" else request.getfixturevalue(who)
    region = getattr(regions, region) if region else None
    figure = selectors.opinions_handled_on_the_spot(user, YEAR, region)
    query = selectors.opinions_handled_on_the_spot_query(YEAR, region)
    response, titles = listed(client, user, **query)
    assert sorted(opinion.title for opinion in figure) == titles == sorted(expected)
    assert figure.count() == response.context["page"].paginator.count == len(expected)


def test_a_region_outside_ones_own_counts_nothing(staff_b, regions, opinions):
    assert selectors.opinions_handled_on_the_spot(staff_b, YEAR, regions.county_a).count() == 0


def test_the_query_names_the_lists_filters(regions):
    assert selectors.opinions_handled_on_the_spot_query(2025, regions.county_a) == {
        "handled": "on_the_spot",
        "received_from": "2025-01-01",
        "received_to": "2025-12-31",
        "region": str(regions.county_a.pk),
    }


def test_the_figure_takes_a_fixed_number_of_queries(staff_a, regions, opinions, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        selectors.opinions_handled_on_the_spot(staff_a, YEAR, regions.county_a).count()
