"""Searchable pick lists (issue 18): list pages render only the chosen unit, the endpoint finds only what the
user may choose, and a chosen id outside that is refused."""

import re
from typing import cast

import pytest
from django.urls import reverse

from liaison_stations.models import Station
from liaison_stations.tests.factories import StationFactory
from representatives.models import HandlingUnit
from representatives.tests.factories import DeputyUserFactory, HandlingUnitFactory
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

MAX_PAGE_BYTES = 30 * 1024
LIST_PAGES = ["staff:suggestions", "staff:suggestions_overdue", "staff:opinions"]


def _match(pattern: str, html: str, flags: int) -> str:
    found = re.search(pattern, html, flags)
    assert found is not None, pattern
    return found.group(1)


def search(client, term="", page=None):
    params = {"q": term} | ({"page": page} if page is not None else {})
    return client.get(reverse("staff:autocomplete", args=["units"]), params)


@pytest.fixture
def many_units(regions):
    """300 units in county A, as a province's office would pick from (the demo has 1,000)."""
    return cast(list[HandlingUnit], HandlingUnitFactory.create_batch(300, region=regions.county_a))


@pytest.mark.django_db
class TestListPagesStayLight:
    @pytest.mark.parametrize("name", LIST_PAGES)
    def test_list_pages_with_300_units_stay_under_30_kb(self, client, staff_a, many_units, name):
        client.force_login(staff_a)
        html = client.get(reverse(name)).content.decode()
        assert len(html.encode()) < MAX_PAGE_BYTES
        # The unit selects hold their empty choice only: the units are searched for, not listed.
        for select in re.findall(r'<select[^>]*data-autocomplete="[^"]+"[^>]*>(.*?)</select>', html, re.S):
            assert select.count("<option") == 1
        assert html.count("<option") < 100

    def test_the_chosen_unit_alone_is_rendered_selected_and_filters(self, client, staff_a, many_units, regions):
        unit, other = many_units[7], many_units[8]
        mine = AssignmentFactory(suggestion__congress__region=regions.county_a, unit=unit).suggestion
        theirs = AssignmentFactory(suggestion__congress__region=regions.county_a, unit=other).suggestion
        client.force_login(staff_a)
        response = client.get(reverse("staff:suggestions"), {"unit": unit.pk})
        html = response.content.decode()
        select = _match(r'<select name="unit"[^>]*>(.*?)</select>', html, re.S)
        assert select.count("<option") == 2
        assert f'<option value="{unit.pk}" selected>{unit.name}（{unit.region.name}）</option>' in select
        listed = list(response.context["page"].object_list)
        assert mine in listed and theirs not in listed


@pytest.mark.django_db
class TestBadIds:
    @pytest.mark.parametrize("value", ["abc", "999999", "1.5", "99999999999999999999999"])
    def test_a_bad_id_is_reported_and_filters_nothing(self, client, staff_a, regions, value):
        suggestion = SuggestionFactory(congress__region=regions.county_a, status="submitted")
        client.force_login(staff_a)
        response = client.get(reverse("staff:suggestions"), {"unit": value})
        assert response.status_code == 200
        assert response.context["filter"].form.errors["unit"]
        assert 'id="id_unit_error"' in response.content.decode()
        assert suggestion in list(response.context["page"].object_list)

    def test_another_countys_unit_is_refused_and_not_rendered(self, client, staff_a, regions):
        foreign = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_b, name="乙县外单位"))
        client.force_login(staff_a)
        response = client.get(reverse("staff:suggestions"), {"unit": foreign.pk})
        assert response.context["filter"].form.errors["unit"]
        assert "乙县外单位" not in response.content.decode()


@pytest.mark.django_db
class TestEndpoint:
    def test_anonymous_is_sent_to_login(self, client):
        response = search(client, "局")
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_unknown_source_is_not_found(self, client, staff_a):
        client.force_login(staff_a)
        assert client.get(reverse("staff:autocomplete", args=["nothing"])).status_code == 404

    def test_county_staff_find_their_county_and_above_never_another_county(self, client, staff_a, regions):
        own = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_a, name="甲县教育局"))
        above = cast(HandlingUnit, HandlingUnitFactory(region=regions.city, name="市教育局"))
        foreign = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_b, name="乙县教育局"))
        HandlingUnitFactory(region=regions.county_a, name="甲县停用教育局", is_active=False)
        client.force_login(staff_a)
        found = {row["value"] for row in search(client, "教育").json()["results"]}
        assert found == {str(own.pk), str(above.pk)}
        assert str(foreign.pk) not in {row["value"] for row in search(client, "乙县").json()["results"]}

    def test_a_deputy_finds_nothing(self, client, regions):
        HandlingUnitFactory(region=regions.county_a, name="甲县教育局")
        client.force_login(DeputyUserFactory(region=regions.county_a))
        assert search(client, "").json() == {"results": [], "more": False}

    def test_pages_of_twenty_in_one_query(self, client, staff_a, many_units, django_assert_max_num_queries):
        client.force_login(staff_a)
        search(client, "测试")  # the session and user are read once more on the first request
        # Session and user, then one query for the page whatever its size.
        with django_assert_max_num_queries(3):
            first = search(client, "测试").json()
        assert len(first["results"]) == 20 and first["more"] is True
        last = search(client, "测试", page=15).json()
        assert len(last["results"]) == 20 and last["more"] is False
        assert search(client, "测试", page="x").json() == first

    def test_matches_the_units_region_name(self, client, staff_a, regions):
        unit = cast(HandlingUnit, HandlingUnitFactory(region=regions.town_a, name="综合办"))
        client.force_login(staff_a)
        rows = search(client, regions.town_a.name).json()["results"]
        assert {"value": str(unit.pk), "text": f"综合办（{regions.town_a.name}）"} in rows


@pytest.mark.django_db
class TestDeadlinesPageUnit:
    def test_the_chosen_unit_alone_is_rendered(self, client, staff_a, many_units):
        unit = many_units[3]
        client.force_login(staff_a)
        html = client.get(reverse("staff:suggestions_overdue"), {"unit": unit.pk}).content.decode()
        select = _match(r'<select[^>]*name="unit"[^>]*>(.*?)</select>', html, re.S)
        assert select.count("<option") == 2 and f'<option value="{unit.pk}" selected>' in select

    @pytest.mark.parametrize("value", ["abc", "999999", "99999999999999999999999"])
    def test_a_bad_or_foreign_unit_is_reported(self, client, staff_a, regions, value):
        client.force_login(staff_a)
        response = client.get(reverse("staff:suggestions_overdue"), {"unit": value})
        assert response.status_code == 200 and response.context["unit"] is None
        assert 'id="id_unit_error"' in response.content.decode()

    def test_another_countys_unit_is_refused(self, client, staff_a, regions):
        foreign = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_b, name="乙县外单位"))
        client.force_login(staff_a)
        response = client.get(reverse("staff:suggestions_overdue"), {"unit": foreign.pk})
        assert response.context["unit"] is None and "乙县外单位" not in response.content.decode()


@pytest.mark.django_db
class TestStations:
    def test_the_visit_list_with_300_stations_stays_light(self, client, staff_a, regions):
        StationFactory.create_batch(300, region=regions.county_a)
        client.force_login(staff_a)
        html = client.get(reverse("staff:station_visits")).content.decode()
        assert len(html.encode()) < MAX_PAGE_BYTES
        select = _match(r'<select name="station"[^>]*>(.*?)</select>', html, re.S)
        assert select.count("<option") == 1

    def test_county_staff_find_only_their_stations(self, client, staff_a, regions):
        own = cast(Station, StationFactory(region=regions.county_a, name="白沙联络站"))
        StationFactory(region=regions.county_b, name="乙县白沙联络站")
        client.force_login(staff_a)
        rows = client.get(reverse("staff:autocomplete", args=["stations"]), {"q": "白沙"}).json()["results"]
        assert [row["value"] for row in rows] == [str(own.pk)]

    def test_another_countys_station_is_refused(self, client, staff_a, regions):
        foreign = cast(Station, StationFactory(region=regions.county_b, name="乙县联络站"))
        client.force_login(staff_a)
        response = client.get(reverse("staff:station_visits"), {"station": foreign.pk})
        assert response.context["filter"].form.errors["station"]
        assert "乙县联络站" not in response.content.decode()
