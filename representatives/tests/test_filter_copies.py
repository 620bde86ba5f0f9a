"""Filter sets copy their class's filters shallowly (representatives.filters._FilterCopies): what one instance
changes must stay its own, as django-filter's deep copy kept it."""

import pytest

from representatives.filters import DeputyFilter
from representatives.models import Deputy, Region
from representatives.tests.factories import DeputyFactory, LeaderFactory
from suggestions.filters import SuggestionFilter


@pytest.mark.django_db
class TestFilterCopies:
    def test_a_scoped_queryset_stays_with_its_instance(self, regions):
        county = Region.objects.filter(pk=regions.county_a.pk)
        scoped = DeputyFilter({}, queryset=Deputy.objects.all(), regions=county)
        unscoped = DeputyFilter({}, queryset=Deputy.objects.all())

        assert list(scoped.filters["region"].queryset) == [regions.county_a]
        assert unscoped.filters["region"].queryset.count() > 1
        assert DeputyFilter.base_filters["region"].queryset.count() > 1
        assert list(scoped.form.fields["region"].queryset) == [regions.county_a]

    def test_a_filter_removed_from_one_instance_is_still_on_the_next(self, regions):
        leader_a = LeaderFactory(region=regions.county_a)
        # Only a leader's list has "mine"; the others delete it from their own copies.
        assert "mine" not in SuggestionFilter({}).filters
        assert "mine" in SuggestionFilter({}, leader=leader_a).filters
        assert "mine" in SuggestionFilter.base_filters

    def test_a_method_filter_runs_on_its_own_filter_set(self, regions):
        first, second = DeputyFilter({"q": "甲"}), DeputyFilter({"q": "乙"})

        for filterset in (first, second):
            copy = filterset.filters["q"]
            assert copy is not DeputyFilter.base_filters["q"]
            assert copy.parent is filterset
            assert copy.filter.f is copy  # the bound method proxy looks the method up on this copy's parent
        assert not hasattr(DeputyFilter.base_filters["q"], "parent")

    def test_fields_and_widgets_are_each_instances_own(self, regions):
        first, second = DeputyFilter({}), DeputyFilter({}, search=False)

        assert first.form.fields["region"] is not second.form.fields["region"]
        assert type(first.form.fields["region"].widget) is not type(second.form.fields["region"].widget)
        assert first.form.fields["q"].widget.attrs is not second.form.fields["q"].widget.attrs
        assert first.form is first.form  # styled once, kept

    def test_bound_filters_still_filter(self, regions):
        kept = DeputyFactory(name="张三丰", region=regions.county_a)
        DeputyFactory(name="李四", region=regions.county_a)

        filterset = DeputyFilter({"q": "张三"}, queryset=Deputy.objects.all())

        assert filterset.is_valid()
        assert list(filterset.qs) == [kept]
