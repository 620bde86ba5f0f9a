"""The cached option lists of the filter forms: served from the cache, kept per scope, dropped on change."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from representatives import options_cache
from representatives.models import Deputy, HandlingUnit, Region
from representatives.tests.factories import HandlingUnitFactory
from suggestions.filters import SuggestionFilter
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


def unit_select(units, data=None) -> str:
    form = SuggestionFilter(data or {}, queryset=Suggestion.objects.all(), units=units).form
    return str(form["unit"])


def queries_of(render) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        html = render()
    return html, len(captured)


def test_a_second_render_takes_the_options_from_the_cache(regions):
    HandlingUnitFactory(name="市教育局", region=regions.city)
    units = HandlingUnit.objects.filter(region=regions.city)
    first, first_queries = queries_of(lambda: unit_select(units))
    second, second_queries = queries_of(lambda: unit_select(units))
    assert second == first
    assert "市教育局" in second
    assert (first_queries, second_queries) == (1, 0)


def test_each_scope_gets_its_own_list(regions):
    HandlingUnitFactory(name="蓬江区教育局", region=regions.county_a)
    HandlingUnitFactory(name="台山市教育局", region=regions.county_b)
    county_a = unit_select(HandlingUnit.objects.filter(region=regions.county_a))
    county_b = unit_select(HandlingUnit.objects.filter(region=regions.county_b))
    assert "蓬江区教育局" in county_a and "台山市教育局" not in county_a
    assert "台山市教育局" in county_b and "蓬江区教育局" not in county_b


def test_a_saved_or_deleted_row_shows_at_once(regions):
    unit = HandlingUnitFactory(name="市水务局", region=regions.city)
    units = HandlingUnit.objects.filter(region=regions.city)
    assert "市水务局" in unit_select(units)
    unit.name = "市水利局"
    unit.save()
    assert "市水利局" in unit_select(units) and "市水务局" not in unit_select(units)
    HandlingUnitFactory(name="市交通局", region=regions.city)
    assert "市交通局" in unit_select(units)
    unit.delete()
    assert "市水利局" not in unit_select(units)


def test_a_change_to_a_region_drops_the_lists_that_show_its_name(regions):
    regions_in_scope = Region.objects.filter(path__startswith=regions.city.path)
    form = SuggestionFilter({}, queryset=Suggestion.objects.all(), regions=regions_in_scope).form
    assert "蓬江区" in str(form["region"])
    Region.objects.filter(pk=regions.county_a.pk).update(name="蓬江新区")  # no signal: a bulk write
    options_cache.forget()
    form = SuggestionFilter({}, queryset=Suggestion.objects.all(), regions=regions_in_scope).form
    assert "蓬江新区" in str(form["region"])


def test_the_chosen_value_is_marked_on_a_cached_list(regions):
    chosen = HandlingUnitFactory(name="市卫健委", region=regions.city)
    other = HandlingUnitFactory(name="市民政局", region=regions.city)
    units = HandlingUnit.objects.filter(region=regions.city)
    unit_select(units)
    html = unit_select(units, {"unit": str(chosen.pk)})
    assert f'<option value="{chosen.pk}" selected>市卫健委</option>' in html
    assert f'<option value="{other.pk}">市民政局</option>' in html
    assert html.count(" selected") == 1
    assert '<option value="">' in html  # the empty choice is not selected once a unit is


def test_lists_are_kept_per_language_and_per_field(regions):
    units = HandlingUnit.objects.filter(region=regions.city)
    with translation.override("zh-hans"):
        chinese = options_cache._list_key(forms.ModelChoiceField(queryset=units).choices)
    with translation.override("en"):
        english = options_cache._list_key(forms.ModelChoiceField(queryset=units).choices)
        other_label = options_cache._list_key(forms.ModelChoiceField(queryset=units, empty_label="(全部)").choices)
    assert len({chinese, english, other_label}) == 3


def test_a_model_that_is_not_registered_is_rendered_every_time(regions):
    field = forms.ModelChoiceField(queryset=Deputy.objects.all())
    assert options_cache._list_key(field.choices) is None
