"""The cached option lists of the filter forms: served from the cache, kept per scope, dropped on change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from representatives import options_cache
from representatives.models import Region
from representatives.tests.factories import RegionFactory
from suggestions.filters import SuggestionFilter
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


# Staff pages search units, regions and congresses (core.widgets.AutocompleteSelect); the lists that stay listed,
# and cached, are those of the public pages (``search=False``), which these tests exercise on the region list.
def region_select(regions_in_scope, data=None) -> str:
    form = SuggestionFilter(data or {}, queryset=Suggestion.objects.all(), regions=regions_in_scope, search=False).form
    return str(form["region"])


def queries_of(render) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        html = render()
    return html, len(captured)


def test_a_second_render_takes_the_options_from_the_cache(regions):
    RegionFactory(code="440703199", name="棠下镇", level=4, parent=regions.county_a)
    in_scope = Region.objects.filter(path__startswith=regions.city.path)
    first, first_queries = queries_of(lambda: region_select(in_scope))
    second, second_queries = queries_of(lambda: region_select(in_scope))
    assert second == first
    assert "棠下镇" in second
    assert (first_queries, second_queries) == (1, 0)


def test_each_scope_gets_its_own_list(regions):
    county_a = region_select(Region.objects.filter(path__startswith=regions.county_a.path))
    county_b = region_select(Region.objects.filter(path__startswith=regions.county_b.path))
    assert regions.county_a.name in county_a and regions.county_b.name not in county_a
    assert regions.county_b.name in county_b and regions.county_a.name not in county_b


def test_a_saved_or_deleted_row_shows_at_once(regions):
    town: Region = RegionFactory(code="440703198", name="荷塘镇", level=4, parent=regions.county_a)  # type: ignore[assignment]
    in_scope = Region.objects.filter(path__startswith=regions.city.path)
    assert "荷塘镇" in region_select(in_scope)
    town.name = "荷塘新镇"
    town.save()
    assert "荷塘新镇" in region_select(in_scope) and "荷塘镇<" not in region_select(in_scope)
    RegionFactory(code="440703197", name="杜阮镇", level=4, parent=regions.county_a)
    assert "杜阮镇" in region_select(in_scope)
    town.delete()
    assert "荷塘新镇" not in region_select(in_scope)


def test_a_change_to_a_region_drops_the_lists_that_show_its_name(regions):
    regions_in_scope = Region.objects.filter(path__startswith=regions.city.path)
    form = SuggestionFilter({}, queryset=Suggestion.objects.all(), regions=regions_in_scope, search=False).form
    assert "蓬江区" in str(form["region"])
    Region.objects.filter(pk=regions.county_a.pk).update(name="蓬江新区")  # no signal: a bulk write
    options_cache.forget()
    form = SuggestionFilter({}, queryset=Suggestion.objects.all(), regions=regions_in_scope, search=False).form
    assert "蓬江新区" in str(form["region"])


def test_the_chosen_value_is_marked_on_a_cached_list(regions):
    in_scope = Region.objects.filter(path__startswith=regions.city.path)
    region_select(in_scope)
    chosen, other = regions.county_a, regions.county_b
    html = region_select(in_scope, {"region": str(chosen.pk)})
    assert f'<option value="{chosen.pk}" selected>' in html
    assert f'<option value="{other.pk}">' in html
    assert html.count(" selected") == 1
    assert '<option value="">' in html  # the empty choice is not selected once a region is
