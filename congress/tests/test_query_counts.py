"""Every main page runs a number of queries that does not grow with the data.

Each page is loaded once with a few rows of everything in the user's scope, then again after more rows were
added (more deputies, records, opinions, suggestions, units' work): if a template or view reads something per
row, the second load needs more queries and the test names the page.
"""

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison_stations.models import Opinion
from liaison_stations.tests.factories import OpinionFactory, StationFactory, StationMemberFactory
from representatives import tallies
from representatives.models import ActivityRecord
from representatives.tests.factories import (
    ActivityRecordFactory,
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
)
from suggestions.models import Assignment, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

STATUSES = itertools.cycle(
    [ActivityRecord.Status.PENDING, ActivityRecord.Status.CONFIRMED, ActivityRecord.Status.RETURNED]
)


class World:
    def __init__(self, regions, deputy_user):
        self.regions = regions
        self.deputy = deputy_user.deputy
        self.congress = CongressFactory(region=regions.county_a)
        MembershipFactory(deputy=self.deputy, congress=self.congress)
        self.station = StationFactory(region=regions.town_a)
        StationMemberFactory(station=self.station, deputy=self.deputy)
        self.unit = HandlingUnitFactory(region=regions.county_a)
        self.year = timezone.localdate().year

    def grow(self, n: int) -> None:
        """``n`` more of each thing every role's pages list, all inside the users' scopes."""
        today = timezone.localdate()
        for i in range(n):
            region = self.regions.town_a if i % 2 else self.regions.town_b
            deputy = DeputyFactory(region=region)
            MembershipFactory(deputy=deputy, congress=self.congress)
            StationMemberFactory(station=self.station, deputy=deputy)
            for who in (deputy, self.deputy):
                status = next(STATUSES)
                ActivityRecordFactory(
                    deputy=who,
                    status=status,
                    return_reason="请补充照片" if status == ActivityRecord.Status.RETURNED else "",
                    date=today - datetime.timedelta(days=i),
                )
            OpinionFactory(station=self.station, deputy=self.deputy)
            OpinionFactory(
                station=self.station,
                deputy=deputy,
                unit=self.unit,
                status=Opinion.Status.ASSIGNED,
                deadline=today + datetime.timedelta(days=i),
            )
            suggestion = SuggestionFactory(
                congress=self.congress,
                region=self.regions.county_a,
                deputy=self.deputy if i % 2 else deputy,
                year=self.year,
                number=Suggestion.objects.count() + 1,
                status=Suggestion.Status.ASSIGNED,
                assigned_at=timezone.now(),
            )
            AssignmentFactory(suggestion=suggestion, unit=self.unit, role=Assignment.Role.LEAD)
            AssignmentFactory(suggestion=suggestion, unit=HandlingUnitFactory(region=region), role=Assignment.Role.CO)
        # The region figures' summary rows are counted again after each change's commit (by a task, or in the
        # writer's request), never by a page: counted here as those commits would.
        tallies.flush()


@pytest.fixture
def world(regions, deputy_user_a):
    return World(regions, deputy_user_a)


@pytest.fixture
def users(regions, world, staff_a, city_staff, deputy_user_a):
    return {
        "city_staff": city_staff,
        "county_staff": staff_a,
        "leader": LeaderFactory(region=regions.city),
        "deputy": deputy_user_a,
        "clerk": ClerkFactory(unit=world.unit),
        "anonymous": None,
    }


def main_pages(world) -> list[tuple[str, str]]:
    staff_pages = [
        reverse("staff:home"),
        reverse("staff:directory"),
        reverse("staff:directory") + "?page=2",
        reverse("staff:activities"),
        reverse("staff:opinions"),
        reverse("staff:suggestions"),
        reverse("staff:stations"),
        reverse("staff:station", args=[world.station.pk]),
        reverse("staff:deputy", args=[world.deputy.pk]),
        reverse("staff:deputy_file", args=[world.deputy.pk, world.year]),
        reverse("staff:dashboard"),
    ]
    return [
        *[("city_staff", url) for url in staff_pages],
        *[("county_staff", url) for url in staff_pages],
        *[("leader", url) for url in staff_pages],
        ("deputy", reverse("me:home")),
        ("deputy", reverse("me:file")),
        ("deputy", reverse("me:suggestions")),
        ("deputy", reverse("me:opinions")),
        ("clerk", reverse("unit:home")),
        ("clerk", reverse("unit:suggestions")),
        ("clerk", reverse("unit:opinions")),
        ("anonymous", reverse("public:directory")),
        ("anonymous", reverse("public:stations")),
        ("anonymous", reverse("public:station", args=[world.station.public_id])),
        ("anonymous", reverse("public:outcomes")),
    ]


def load(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    # Cold caches both times, so cached figures (the dashboard's) are counted as computed.
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def test_no_main_page_runs_more_queries_when_the_data_grows(client, world, users, django_assert_max_num_queries):
    world.grow(3)
    pages = main_pages(world)
    small = {(role, url): load(client, users[role], url) for role, url in pages}

    # Past one page of 25 rows, so every list shows a full page and a page 2 exists.
    world.grow(30)
    grown = {(role, url): load(client, users[role], url) for role, url in pages}
    growing = {page: (small[page], grown[page]) for page in pages if grown[page] > small[page]}
    assert not growing, f"query count grows with the data (before, after): {growing}"

    # The same bound, stated the suite's usual way, on the busiest list of each role.
    for role, url in pages:
        if url.endswith(("/deputies/", "/suggestions/", "/opinions/")):
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            with django_assert_max_num_queries(small[(role, url)]):
                client.get(url)


def test_the_last_page_of_a_list_runs_as_many_queries_as_the_first(client, world, users):
    world.grow(60)
    for role, url in [
        ("city_staff", reverse("staff:directory")),
        ("city_staff", reverse("staff:activities")),
        ("city_staff", reverse("staff:opinions")),
        ("city_staff", reverse("staff:suggestions")),
        ("clerk", reverse("unit:suggestions")),
        ("anonymous", reverse("public:directory")),
    ]:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.get(url)
        paginator = response.context["page"].paginator
        assert paginator.num_pages >= 2, url
        first = load(client, users[role], url)
        last_url = f"{url}?page={paginator.num_pages}"
        last = load(client, users[role], last_url)
        assert last == first, (url, first, last)
        response = client.get(last_url)
        shown = len(response.context["page"].object_list)
        assert shown == paginator.count - (paginator.num_pages - 1) * paginator.per_page, url


def test_cached_dashboard_figures_stay_within_each_users_scope(client, world, staff_a, staff_b):
    world.grow(2)  # one deputy more in each county; deputy_a was already in county A
    client.force_login(staff_a)
    mine = client.get(reverse("staff:dashboard")).context["figures"]
    client.force_login(staff_b)
    theirs = client.get(reverse("staff:dashboard")).context["figures"]
    assert (mine.region, mine.deputies.serving) == (world.regions.county_a, 2)
    assert (theirs.region, theirs.deputies.serving) == (world.regions.county_b, 1)

    # Kept figures last only until the data changes: the next visit shows the new ones.
    world.grow(2)
    client.force_login(staff_a)
    assert client.get(reverse("staff:dashboard")).context["figures"].deputies.serving == 3
