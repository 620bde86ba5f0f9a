import pytest

from representatives.tests.factories import (
    DeputyFactory,
    DeputyUserFactory,
    RegionFactory,
    StaffFactory,
)

# The Playwright fixtures (one browser for the whole run) are registered once here: importing them into
# several conftest files would start a second session-scoped Playwright in the same thread.
pytest_plugins = ["congress.testing.browser"]


@pytest.fixture
def regions(db):
    """A small tree: a city with two counties, each with a township."""
    province = RegionFactory(code="44", name="广东省", level=1)
    city = RegionFactory.child_of(province, code="4407", name="江门市")
    county_a = RegionFactory.child_of(city, code="440703", name="蓬江区")
    county_b = RegionFactory.child_of(city, code="440781", name="台山市")
    town_a = RegionFactory.child_of(county_a, code="440703001", name="白沙街道")
    town_b = RegionFactory.child_of(county_b, code="440781001", name="台城街道")
    return type(
        "Regions",
        (),
        {
            "province": province,
            "city": city,
            "county_a": county_a,
            "county_b": county_b,
            "town_a": town_a,
            "town_b": town_b,
        },
    )


@pytest.fixture
def staff_a(regions):
    return StaffFactory(region=regions.county_a, username="staff_a")


@pytest.fixture
def staff_b(regions):
    return StaffFactory(region=regions.county_b, username="staff_b")


@pytest.fixture
def city_staff(regions):
    return StaffFactory(region=regions.city, username="staff_city")


@pytest.fixture
def deputy_a(regions):
    return DeputyFactory(region=regions.town_a, name="张三")


@pytest.fixture
def deputy_user_a(deputy_a):
    return DeputyUserFactory(deputy=deputy_a, username="deputy_a")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
