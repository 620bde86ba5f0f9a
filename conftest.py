import importlib

import pytest

from congress.testing.clock import CLOCK_READERS, Clock
from congress.testing.deferred import make_deferred_reads_loud
from congress.testing.matrix import build_regions
from representatives.tests.factories import (
    DeputyFactory,
    DeputyUserFactory,
    StaffFactory,
)

# The Playwright fixtures (one browser for the whole run) are registered once here: importing them into
# several conftest files would start a second session-scoped Playwright in the same thread.
pytest_plugins = ["congress.testing.browser"]

make_deferred_reads_loud()


@pytest.fixture
def regions(db):
    """A small tree: a city with two counties, each with a township."""
    return build_regions()


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
def _office_language():
    """Each test starts in the office's language. A request leaves the language it negotiated active in the
    thread (LocaleMiddleware activates, nothing deactivates), so an English request made one test's services
    write English for the next test in the same process."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """Time that stands still until the test moves it (``clock.advance(seconds)``), for every module that reads
    the time through ``congress.testing.clock.CLOCK_READERS``: no test waits on the real clock."""
    fake = Clock()
    for module, name in CLOCK_READERS:
        monkeypatch.setattr(importlib.import_module(module), name, fake)
    return fake
