"""Searchable pick lists for every choice that grows with the data (issue 18, part 3): regions, congresses,
groups, leaders, stations and units are searched through ``core/autocomplete.py``, each source finding exactly
the rows the page's field accepts, and the staff pages render only the chosen option(s).

The weight test fills a county with 1,000+ townships, units, groups, congresses, stations and leaders (bulk
inserts: factories would take minutes) and opens every staff list page: each stays under 30 KB of HTML."""

import re
from typing import Any, cast

import pytest
from django.urls import reverse

from liaison_stations.models import Station
from liaison_stations.tests.factories import StationFactory
from representatives.models import Congress, Group, HandlingUnit, Region, Role, User
from representatives.tests.factories import (
    CongressFactory,
    DeputyUserFactory,
    GroupFactory,
    LeaderFactory,
)

MAX_PAGE_BYTES = 30 * 1024
MANY = 1_050
SEARCHED = re.compile(r'<select[^>]*data-autocomplete="[^"]+"[^>]*>(.*?)</select>', re.S)

# Every staff list page with a filter form, and the two staff forms whose pick lists are searched.
STAFF_PAGES = [
    "staff:directory",
    "staff:activities",
    "staff:stations",
    "staff:station_deputies",
    "staff:station_visits",
    "staff:duty_days",
    "staff:opinions",
    "staff:suggestions",
    "staff:suggestions_overdue",
    "staff:station_new",
    "staff:station_visit_new",
]
# Summary pages: one table row per sub-region is their content (1,050 townships under one county is this test's
# extreme, not a real county), so only their pick lists are checked.
SUMMARY_PAGES = ["staff:station_statistics", "staff:dashboard"]


def search(client, source: str, term: str = "") -> list[dict[str, str]]:
    response = client.get(reverse("staff:autocomplete", args=[source]), {"q": term})
    assert response.status_code == 200
    rows: list[dict[str, str]] = response.json()["results"]
    return rows


def found(client, source: str, term: str = "") -> set[str]:
    return {row["value"] for row in search(client, source, term)}


def select_named(html: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match is not None, name
    return match.group(1)


@pytest.fixture
def big_county(regions) -> dict[str, Any]:
    """County A with 1,050 townships, and as many units, groups, congresses, stations and leader accounts."""
    county = regions.county_a
    towns = Region.objects.bulk_create(
        Region(
            code=f"440703{n:04d}",
            name=f"测试镇{n}",
            level=Region.Level.TOWNSHIP,
            parent=county,
            path=f"{county.path}440703{n:04d}/",
        )
        for n in range(MANY)
    )
    HandlingUnit.objects.bulk_create(HandlingUnit(name=f"测试局{n}", region=town) for n, town in enumerate(towns))
    Group.objects.bulk_create(
        Group(kind=Group.Kind.REPRESENTATIVE, name=f"第{n}代表小组", region=town) for n, town in enumerate(towns)
    )
    Congress.objects.bulk_create(
        Congress(
            level=4,
            region=town,
            term_number=7,
            start_date="2022-01-01",
            end_date="2026-12-31",
            code=f"440703{n:04d}-7",
        )
        for n, town in enumerate(towns)
    )
    Station.objects.bulk_create(
        Station(name=f"第{n}代表联络站", region=town, address="某街道某号") for n, town in enumerate(towns)
    )
    User.objects.bulk_create(
        User(username=f"leader{n}", role=Role.LEADER, region=town, last_name=f"领导{n}") for n, town in enumerate(towns)
    )
    return {"towns": towns}


@pytest.mark.django_db
class TestStaffPagesStayLight:
    @pytest.mark.parametrize("name", STAFF_PAGES)
    def test_every_staff_list_page_stays_under_30_kb_with_1000_of_each(self, client, staff_a, big_county, name):
        client.force_login(staff_a)
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert len(html.encode()) < MAX_PAGE_BYTES, f"{name}: {len(html.encode())} bytes"
        # Nothing of the 1,050 rows of any kind is listed: the searched selects hold their empty choice at most.
        for options in SEARCHED.findall(html):
            assert options.count("<option") <= 1
        assert html.count("<option") < 150

    @pytest.mark.parametrize("name", SUMMARY_PAGES)
    def test_the_summary_pages_search_their_regions(self, client, staff_a, big_county, name):
        client.force_login(staff_a)
        html = client.get(reverse(name)).content.decode()
        region = select_named(html, "region")
        assert region.count("<option") <= 2 and "测试镇" not in region
        assert html.count("<option") < 150

    def test_the_directory_renders_only_the_chosen_region_congress_and_group(self, client, staff_a, big_county):
        town = big_county["towns"][500]
        congress = Congress.objects.get(region=town)
        group = Group.objects.get(region=town)
        client.force_login(staff_a)
        params = {"region": town.pk, "congress": congress.pk, "group": group.pk}
        html = client.get(reverse("staff:directory"), params).content.decode()
        region = select_named(html, "region")
        assert region.count("<option") == 2
        assert f'<option value="{town.pk}" selected>测试镇500（蓬江区）</option>' in region
        assert select_named(html, "congress").count("<option") == 2
        assert f'<option value="{group.pk}" selected>第500代表小组（测试镇500）</option>' in select_named(html, "group")


@pytest.mark.django_db
class TestSourcesFindWhatTheFieldAccepts:
    """Each source is scoped by the rule of the field it fills: county staff never find the other county's rows."""

    def test_regions(self, client, staff_a, regions):
        client.force_login(staff_a)
        assert found(client, "regions") == {str(regions.county_a.pk), str(regions.town_a.pk)}
        assert found(client, "regions", "台") == set()
        assert {"value": str(regions.town_a.pk), "text": "白沙街道（蓬江区）"} in search(client, "regions", "白沙")

    def test_congresses_of_the_county_and_above(self, client, staff_a, regions):
        own = cast(Congress, CongressFactory(region=regions.county_a, code="440703-17"))
        above = cast(Congress, CongressFactory(region=regions.city, level=2, code="4407-16"))
        CongressFactory(region=regions.county_b, code="440781-17")
        client.force_login(staff_a)
        assert found(client, "congresses") == {str(own.pk), str(above.pk)}

    def test_groups(self, client, staff_a, regions):
        own = cast(Group, GroupFactory(region=regions.town_a, name="白沙代表小组"))
        GroupFactory(region=regions.county_b, name="台山代表小组")
        GroupFactory(region=regions.city, name="市代表小组")
        client.force_login(staff_a)
        assert found(client, "groups", "代表小组") == {str(own.pk)}

    def test_leaders_and_the_visit_forms_active_leaders(self, client, staff_a, regions):
        own = cast(User, LeaderFactory(region=regions.county_a, last_name="甲领导"))
        above = cast(User, LeaderFactory(region=regions.city, last_name="市领导"))
        retired = cast(User, LeaderFactory(region=regions.county_a, last_name="退休领导", is_active=False))
        LeaderFactory(region=regions.county_b, last_name="乙领导")
        client.force_login(staff_a)
        assert found(client, "leaders") == {str(own.pk), str(above.pk), str(retired.pk)}
        assert found(client, "visit_leaders") == {str(own.pk), str(above.pk)}

    def test_the_visit_forms_active_stations(self, client, staff_a, regions):
        active = cast(Station, StationFactory(region=regions.town_a))
        StationFactory(region=regions.town_a, is_active=False)
        StationFactory(region=regions.town_b)
        client.force_login(staff_a)
        assert found(client, "visit_stations") == {str(active.pk)}

    def test_station_regions_are_counties_and_townships(self, client, city_staff, regions):
        client.force_login(city_staff)
        expected = {regions.county_a.pk, regions.county_b.pk, regions.town_a.pk, regions.town_b.pk}
        assert found(client, "station_regions") == {str(pk) for pk in expected}

    @pytest.mark.parametrize(
        "source", ["regions", "congresses", "groups", "leaders", "visit_leaders", "visit_stations", "station_regions"]
    )
    def test_a_deputy_finds_nothing(self, client, regions, source):
        CongressFactory(region=regions.county_a, code="440703-17")
        GroupFactory(region=regions.town_a)
        LeaderFactory(region=regions.county_a)
        StationFactory(region=regions.town_a)
        client.force_login(DeputyUserFactory(deputy__region=regions.town_a))
        assert search(client, source) == []

    def test_a_superuser_finds_every_region(self, client, regions):
        admin = User.objects.create_superuser("root", password="pass-word-123")
        client.force_login(admin)
        assert len(found(client, "regions")) == Region.objects.count()


@pytest.mark.django_db
class TestForeignChoicesRefused:
    def test_another_countys_region_is_refused_and_not_rendered(self, client, staff_a, regions):
        client.force_login(staff_a)
        response = client.get(reverse("staff:directory"), {"region": regions.town_b.pk})
        assert response.context["filter"].form.errors["region"]
        assert select_named(response.content.decode(), "region").count("<option") == 1

    def test_another_countys_group_is_refused(self, client, staff_a, regions):
        foreign = cast(Group, GroupFactory(region=regions.county_b, name="台山代表小组"))
        client.force_login(staff_a)
        response = client.get(reverse("staff:directory"), {"group": foreign.pk})
        assert response.context["filter"].form.errors["group"]
        assert "台山代表小组" not in response.content.decode()

    def test_another_countys_leader_is_refused_on_the_visit_list(self, client, staff_a, regions):
        foreign = cast(User, LeaderFactory(region=regions.county_b, last_name="乙领导"))
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_visits"), {"leader": foreign.pk})
        assert response.context["filter"].form.errors["leader"]
        assert "乙领导" not in response.content.decode()

    def test_a_station_may_not_be_set_up_in_another_county(self, client, staff_a, regions):
        client.force_login(staff_a)
        response = client.post(reverse("staff:station_new"), {"region": regions.town_b.pk, "name": "越界联络站"})
        assert response.status_code == 200 and response.context["form"].errors["region"]
        assert not Station.objects.filter(name="越界联络站").exists()


@pytest.mark.django_db
class TestPublicListsStayListed:
    def test_the_public_station_list_keeps_its_region_options(self, client, regions):
        # No account, no search endpoint: the public filters list their (county and township) regions.
        html = client.get(reverse("public:stations")).content.decode()
        assert "data-autocomplete" not in html
        assert regions.town_a.name in select_named(html, "region")
