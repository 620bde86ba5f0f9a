import pytest

from liaison_stations.tests.factories import StationFactory
from representatives.tests.factories import HandlingUnitFactory

from .factories import make_client


@pytest.fixture
def station_a(regions):
    return StationFactory(region=regions.town_a, name="白沙联络站", latitude=22.60, longitude=113.08)


@pytest.fixture
def station_a2(regions):
    return StationFactory(region=regions.county_a, name="蓬江区联络站", latitude=22.70, longitude=113.20)


@pytest.fixture
def station_b(regions):
    return StationFactory(region=regions.town_b, name="台城联络站", latitude=22.25, longitude=112.78)


@pytest.fixture
def unit_a(regions):
    return HandlingUnitFactory(region=regions.county_a, name="蓬江区交通运输局")


@pytest.fixture
def hotline(regions):
    """The 12345 hotline's client for county A: Open311 and the JSON intake."""
    return make_client(region=regions.county_a, scopes=["open311", "write_opinions"], name="12345热线")


@pytest.fixture
def unit_system(regions, unit_a):
    return make_client(region=regions.county_a, unit=unit_a, scopes=["read_unit", "reply"], name="交通局系统")
