"""The office's motion list filters; the dashboard's motion figures (motions/figures.py) link here with them."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from representatives.filters import StyledFilterSet
from representatives.models import Region

from .models import Motion

M = Motion.Status
# Submitted: every motion handed in, whatever the presidium decided since (drafts are never counted).
SUBMITTED_STATES = (M.SUBMITTED, M.REGISTERED, M.LISTED, M.NOT_LISTED, M.CONVERTED)


class MotionFilter(StyledFilterSet):
    searchable = {"region": "regions"}

    q = django_filters.CharFilter(label=_("案由、编号或代表"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Motion.Status.choices)
    year = django_filters.NumberFilter(label=_("年度"))
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")
    own = django_filters.BooleanFilter(
        label=_("仅看本级（不含下级区域）"), method="filter_own", widget=forms.CheckboxInput
    )

    class Meta:
        model = Motion
        fields: list[str] = []

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__contains=value) | Q(deputy__name=value)
        if value.isdigit():
            condition |= Q(number=int(value))
        return queryset.filter(condition)

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_own(self, queryset, name, value):
        region = self.form.cleaned_data.get("region")
        return queryset.filter(region=region) if value and region is not None else queryset
