"""Forms for the annual file and the score pages: the score list's filters and the adjustment form."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from representatives.filters import StyledFilterSet
from representatives.models import Region
from representatives.names import name_contains

from .models import Grade, Score, Warning

ANY_WARNING = "any"
WARNING_CHOICES = [(ANY_WARNING, _("任一预警"))] + [(w.value, w.label) for w in Warning if w.value]
# Far beyond any rule set's total: a typo of an extra digit is refused instead of sinking a deputy.
MAX_ADJUSTMENT = Decimal("100")


class ScoreFilter(StyledFilterSet):
    searchable = {"region": "regions"}
    q = django_filters.CharFilter(label=_("姓名或编号"), method="filter_q")
    grade = django_filters.ChoiceFilter(label=_("等次"), choices=Grade.choices)
    warning = django_filters.ChoiceFilter(label=_("预警"), choices=WARNING_CHOICES, method="filter_warning")
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")

    class Meta:
        model = Score
        fields = []

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name_contains("deputy__name", value) | Q(deputy__code=value)) if value else queryset

    def filter_warning(self, queryset, name, value):
        if value == ANY_WARNING:
            return queryset.exclude(warning="")
        return queryset.filter(warning=value)

    def filter_region(self, queryset, name, value):
        return queryset.filter(deputy__region__path__startswith=value.path)


class ScoreAdjustForm(forms.Form):
    points = forms.DecimalField(
        label=_("调整分"),
        max_digits=6,
        decimal_places=1,
        min_value=-MAX_ADJUSTMENT,
        max_value=MAX_ADJUSTMENT,
        help_text=_("加分填正数，减分填负数。"),
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        help_text=_("说明依据，例如补录的活动或更正的记录；调整记录会保留，重新计算后仍然有效。"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("调整得分必须说明理由。"))
        return reason

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("调整分不能为零。"))
        return points
