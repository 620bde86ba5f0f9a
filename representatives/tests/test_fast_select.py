import re

from django import forms

from representatives.filters import DeputyFilter, FastSelect, FastSelectMultiple
from representatives.models import Deputy, Region

CHOICES = [("", "---"), ("1", "<b>广东省</b>"), ("县", [("2", "蓬江区"), ("3", "台山市")])]


def without_layout(html: str) -> str:
    return re.sub(r"\s*\n\s*", "", html)


def test_the_fast_select_writes_what_djangos_template_writes():
    attrs = {"class": "form-select", "id": "id_region", "required": True, "disabled": False}
    expected = forms.Select(attrs=attrs, choices=CHOICES).render("region", "3")
    html = FastSelect(attrs=attrs, choices=CHOICES).render("region", "3")
    assert html == without_layout(expected)
    assert '<option value="3" selected>台山市</option>' in html
    assert "&lt;b&gt;广东省&lt;/b&gt;" in html


def test_filter_forms_use_it_for_their_single_choice_lists(regions):
    data = {"region": regions.county_a.pk}
    # The public directory's lists (staff pages search theirs: core/tests/test_autocomplete.py).
    form = DeputyFilter(data, queryset=Deputy.objects.all(), regions=Region.objects.all(), search=False).form
    widget = form.fields["region"].widget
    assert type(widget) is FastSelect
    assert widget.attrs["class"] == "form-select"
    assert f'<option value="{regions.county_a.pk}" selected>蓬江区</option>' in str(form["region"])


def test_the_multiple_choice_variant_marks_every_chosen_option():
    choices = [("1", "甲"), ("2", "乙"), ("3", "丙")]
    expected = forms.SelectMultiple(attrs={"size": 8}, choices=choices).render("deputies", ["1", "3"])
    html = FastSelectMultiple(attrs={"size": 8}, choices=choices).render("deputies", ["1", "3"])
    assert html == without_layout(expected)
    assert " multiple" in html
    assert html.count(" selected") == 2


def test_plain_inputs_are_written_as_djangos_template_writes_them():
    import datetime

    from representatives.filters import fast_input

    cases = [
        (forms.TextInput(attrs={"class": "form-control", "placeholder": '"<标题>"', "required": True}), "a&b"),
        (forms.TextInput(attrs={"class": "form-control", "disabled": False}), None),
        (forms.NumberInput(attrs={"min": 2000, "max": 9999}), 2026),
        (forms.DateInput(attrs={"type": "date", "class": "form-control"}), datetime.date(2026, 12, 6)),
        (forms.CheckboxInput(attrs={"class": "form-check-input"}), True),
        (forms.CheckboxInput(attrs={"class": "form-check-input"}), False),
    ]
    for widget, value in cases:
        expected = widget.render("field", value, attrs={"id": "id_field"})
        fast = fast_input(widget)
        assert type(fast).__name__.startswith("Fast")
        assert fast.render("field", value, attrs={"id": "id_field"}) == expected


def test_filter_forms_write_their_inputs_in_python(regions):
    from representatives.filters import FastInputMixin

    form = DeputyFilter({"q": "<张>"}, queryset=Deputy.objects.all(), regions=Region.objects.all()).form
    widget = form.fields["q"].widget
    assert isinstance(widget, FastInputMixin)
    assert 'value="&lt;张&gt;"' in str(form["q"])
    # The filter's own widget, shared by every form of the class, is left as it was.
    assert not isinstance(DeputyFilter.base_filters["q"].field.widget, FastInputMixin)


def test_the_searched_select_writes_what_djangos_template_writes(regions):
    from django.forms.renderers import get_default_renderer

    from core.widgets import AutocompleteSelect

    field = forms.ModelChoiceField(queryset=Region.objects.all())
    widget = AutocompleteSelect("regions", attrs={"class": "form-select", "id": "id_region"}, choices=field.choices)
    field.widget = widget
    context = widget.get_context("region", regions.county_a.pk, None)
    expected = get_default_renderer().render(widget.template_name, context)
    html = widget.render("region", regions.county_a.pk)
    assert html == without_layout(expected)
    assert f'<option value="{regions.county_a.pk}" selected>' in html
    assert "data-autocomplete=" in html


def test_fixed_choice_lists_are_written_once_per_language():
    from django.utils import translation

    from representatives import options_cache
    from representatives.models import Membership

    widget = FastSelect(choices=[("", "---"), *Membership.Status.choices])
    with translation.override("zh-hans"):
        chinese = widget.render("status", Membership.Status.SERVING)
    with translation.override("en"):
        english = widget.render("status", Membership.Status.SERVING)
        assert f">{Membership.Status.SERVING.label}</option>" in english
        assert ("en", tuple((value, str(label)) for value, label in widget.choices)) in options_cache._fixed
    assert chinese != english
    # The kept list carries no selection: another chosen value is marked on the same kept options.
    with translation.override("en"):
        other = widget.render("status", "")
    assert other.count(" selected") == 1 and '<option value="" selected>' in other
