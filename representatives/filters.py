"""Filters shared by the directory pages, the exports and the tests (applied inside the selectors)."""

import copy

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteSelect, attrs_html, options_html, select_html

from . import options_cache
from .figures import seat_served_in
from .forms import style_fields
from .models import (
    ActivityKind,
    ActivityRecord,
    Congress,
    Deputy,
    Group,
    Level,
    Membership,
    Region,
)
from .names import name_contains


class FastOptionsMixin:
    """For a select widget: writes the options in Python instead of one template render per option.

    A filter's region, unit or station list has hundreds of options in a city and thousands in a province;
    rendering them through ``select_option.html`` was half of a list page's time (bench/README.md). The HTML
    is the same as Django's template produces. The options are written without a selection, so that a model's
    list can be kept in the cache (``options_cache``), and the chosen values are marked afterwards.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Widget.get_context, not ChoiceWidget's: that one would build every option's dict first.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        options = options_cache.cached_options(self.choices, lambda: options_html(self.optgroups(name, [], attrs)))
        # A single select marks only its first value, as Django's does; option values are unique.
        chosen = widget["value"] if self.allow_multiple_selected else widget["value"][:1]
        for value in chosen:
            marker = format_html('<option value="{}">', value)
            options = options.replace(marker, f"{marker[:-1]} selected>", 1)
        return select_html(widget, options)


class FastSelect(FastOptionsMixin, forms.Select):
    pass


class FastSelectMultiple(FastOptionsMixin, forms.SelectMultiple):
    pass


# Django's templates for these write nothing but ``input.html`` (type, name, value, attributes).
_PLAIN_INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "search", "number", "date", "datetime", "time", "email", "url", "checkbox")
}


class FastInputMixin(forms.Widget):
    """For a plain ``<input>``: the same HTML as Django's ``input.html``, written in Python.

    A list page's filter form has up to a dozen inputs; each rendered through the form renderer's templates
    (a context, the widget template and its ``attrs.html`` include) was a fifth of the page's template time
    (profiled, bench/README.md "Issue 18"). Attributes keep their order; ``True`` writes the bare name and
    ``False`` leaves it out, as ``attrs.html`` does.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = format_html(' value="{}"', widget["value"]) if widget["value"] is not None else ""
        opening = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
        # Every part came from format_html, which escapes what it inserts.
        return mark_safe(f"{opening}{value_html}{attrs_html(widget['attrs'])}>")  # escaped parts only  # nosec B308, B703


_fast_input_classes: dict[type, type] = {}


def fast_input(widget):
    """``widget`` rendered by ``FastInputMixin`` when Django would render it with the plain input template."""
    if getattr(widget, "template_name", None) not in _PLAIN_INPUT_TEMPLATES or isinstance(widget, FastInputMixin):
        return widget
    cls = type(widget)
    if cls not in _fast_input_classes:
        _fast_input_classes[cls] = type(f"Fast{cls.__name__}", (FastInputMixin, cls), {})
    # The form's own deep copy of the widget: changing its class touches no other form.
    widget.__class__ = _fast_input_classes[cls]
    return widget


class _FilterCopies(dict):
    """A filter set's class filters, copied for each instance without ``copy.deepcopy``.

    django-filter deep-copies every filter per instance: its choices, lazy labels, querysets and widgets, 800
    objects on the opinion list, half of building its filter set (profiled, bench/README.md). What an instance
    changes is its own: attributes set on the filter (``model``, ``parent``, ``queryset``, the built ``field``)
    and keys of ``extra``. A shallow copy with its own ``extra`` keeps those apart; the form field is built from
    it afresh, and Django's fields copy the widget and choices they are given.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, original in self.items():
            filter_ = copy.copy(original)
            filter_.extra = original.extra.copy()
            filter_.__dict__.pop("_field", None)
            if original.method is not None:
                # Re-bound so that the method is looked up on this copy's parent, not the class's filter.
                filter_.method = original.method
            copies[name] = filter_
        return copies


class _StyledFilterSetMetaclass(django_filters.filterset.FilterSetMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_filters = _FilterCopies(new_class.base_filters)
        return new_class


class StyledFilterSet(django_filters.FilterSet, metaclass=_StyledFilterSetMetaclass):
    """Gives every filter widget its Bootstrap class, so templates render fields as they are.

    ``searchable`` names the filters whose choices grow with the data (regions, congresses, groups, ...) and the
    ``core.autocomplete`` source that finds them: on staff pages (``search=True``, the default) they are searched,
    rendering only the chosen row; the public pages, with no account to ask the endpoint, keep the listed
    (cached) options. Each source's rows are the same permission-scoped rows the selector gives the filter.
    """

    searchable: dict[str, str] = {}

    def __init__(self, *args, search: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.search = search

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # The fields are this instance's own (built from its filter copies), so they are handed to the form
            # as they are: a form class declaring them would deep-copy them all once more.
            form_class = _form_classes.get(self._meta.form)
            if form_class is None:
                form_class = _form_classes[self._meta.form] = type("FilterForm", (self._meta.form,), {})
            data = (self.data,) if self.is_bound else ()
            form = form_class(*data, prefix=self.form_prefix)
            form.fields = {name: filter_.field for name, filter_ in self.filters.items()}
            self._style(form.fields)
            self._form = form
        return self._form

    def _style(self, fields) -> None:
        for name, field in fields.items():
            source = self.searchable.get(name) if self.search else None
            if source is not None and type(field.widget) is forms.Select:
                searched = AutocompleteSelect(source, attrs=field.widget.attrs, choices=field.widget.choices)
                searched.is_required = field.widget.is_required
                field.widget = searched
            elif type(field.widget) is forms.Select:
                fast = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
                fast.is_required = field.widget.is_required
                field.widget = fast
            else:
                fast_input(field.widget)
        style_fields(fields)


_form_classes: dict[type, type] = {}


def _reports(year: int):
    """A deputy's confirmed reports to voters (述职) dated in ``year``."""
    return ActivityRecord.objects.filter(
        deputy=OuterRef("pk"),
        kind=ActivityKind.REPORT_TO_VOTERS,
        status=ActivityRecord.Status.CONFIRMED,
        date__year=year,
    )


class DeputyFilter(StyledFilterSet):
    searchable = {"region": "regions", "congress": "congresses", "group": "groups"}
    q = django_filters.CharFilter(label=_("姓名或编号"), method="filter_q")
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices, method="filter_seat")
    region = django_filters.ModelChoiceFilter(
        label=_("区域"),
        queryset=Region.objects.filter(level__lte=Region.Level.TOWNSHIP),
        method="filter_region",
    )
    congress = django_filters.ModelChoiceFilter(
        label=_("人民代表大会"),
        queryset=Congress.objects.select_related("region"),
        method="filter_seat",
    )
    group = django_filters.ModelChoiceFilter(label=_("代表小组"), queryset=Group.objects.all(), method="filter_group")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Membership.Status.choices, method="filter_seat")
    election = django_filters.ChoiceFilter(
        label=_("选举方式"), choices=Membership.Election.choices, method="filter_seat"
    )
    # The roster as it stood in a year (representatives.figures.seat_served_in): what the year's figures count.
    served_in = django_filters.NumberFilter(label=_("年内在任（年度）"), method="filter_seat", min_value=1900)
    reported_in = django_filters.NumberFilter(label=_("已向选民述职（年度）"), method="filter_reported")
    not_reported_in = django_filters.NumberFilter(label=_("未向选民述职（年度）"), method="filter_not_reported")
    own = django_filters.BooleanFilter(
        label=_("仅看本级（不含下级区域）"), method="filter_own", widget=forms.CheckboxInput
    )

    class Meta:
        model = Deputy
        fields = []

    # The seat filters (level, congress, status, election, served_in) must hold for the same seat: "a serving,
    # directly elected county deputy" is one membership, not a serving seat somewhere and a direct one elsewhere.
    SEAT_FILTERS = {"level": "congress__level", "congress": "congress", "status": "status", "election": "election"}

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        seat = Q(
            **{lookup: data[name] for name, lookup in self.SEAT_FILTERS.items() if data.get(name) not in (None, "")}
        )
        if data.get("served_in") is not None:
            seat &= seat_served_in(int(data["served_in"]))
        if not seat:
            return queryset
        return queryset.filter(Exists(Membership.objects.filter(seat, deputy=OuterRef("pk"))))

    def filter_seat(self, queryset, name, value):
        return queryset

    def __init__(self, *args, regions=None, groups=None, congresses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions
        if groups is not None:
            self.filters["group"].queryset = groups
        if congresses is not None:
            self.filters["congress"].queryset = congresses

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name_contains("name", value) | Q(code=value)) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_own(self, queryset, name, value):
        # The region's own deputies, those whose region is the chosen one itself: a region table's own row.
        region = self.form.cleaned_data.get("region")
        return queryset.filter(region=region) if value and region is not None else queryset

    def filter_reported(self, queryset, name, value):
        return queryset.filter(Exists(_reports(int(value))))

    def filter_not_reported(self, queryset, name, value):
        return queryset.exclude(Exists(_reports(int(value))))

    def filter_group(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Membership.objects.filter(deputy=OuterRef("pk")).filter(
                    Q(representative_group=value) | Q(professional_group=value)
                )
            )
        )


class ActivityFilter(StyledFilterSet):
    searchable = {"region": "regions"}
    q = django_filters.CharFilter(label=_("代表姓名"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ActivityKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ActivityRecord.Status.choices)
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")
    date_from = django_filters.DateFilter(
        label=_("起始日期"),
        field_name="date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"),
        field_name="date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    own = django_filters.BooleanFilter(
        label=_("仅看本级（不含下级区域）"), method="filter_own", widget=forms.CheckboxInput
    )

    class Meta:
        model = ActivityRecord
        fields = []

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name_contains("deputy__name", value)) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(deputy__region__path__startswith=value.path)

    def filter_own(self, queryset, name, value):
        # Records of the chosen region's own deputies, none of the regions below: a region table's own row.
        region = self.form.cleaned_data.get("region")
        return queryset.filter(deputy__region=region) if value and region is not None else queryset
