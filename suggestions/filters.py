import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from representatives.filters import StyledFilterSet
from representatives.models import Congress, HandlingUnit, Region

from .models import Assignment, Category, Evaluation, Suggestion


class SuggestionFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("标题、编号或代表"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Suggestion.Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    year = django_filters.NumberFilter(label=_("年度"))
    congress = django_filters.ModelChoiceFilter(
        label=_("人民代表大会"), queryset=Congress.objects.select_related("region")
    )
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")
    unit = django_filters.ModelChoiceFilter(
        label=_("承办单位"), queryset=HandlingUnit.objects.all(), method="filter_unit"
    )
    is_key = django_filters.BooleanFilter(label=_("仅看重点督办"), method="filter_key", widget=forms.CheckboxInput)
    mine = django_filters.BooleanFilter(label=_("仅看我领衔督办的"), method="filter_mine", widget=forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(label=_("仅看逾期"), method="filter_overdue", widget=forms.CheckboxInput)
    rating = django_filters.ChoiceFilter(label=_("代表评价"), choices=Evaluation.Value.choices, method="filter_rating")

    class Meta:
        model = Suggestion
        fields = []

    def __init__(self, *args, regions=None, units=None, leader=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a leader supervises suggestions; nobody else has a "mine" to filter by.
        self.leader = leader
        if leader is None:
            del self.filters["mine"]
        if regions is not None:
            self.filters["region"].queryset = regions
        if units is not None:
            self.filters["unit"].queryset = units

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

    def filter_unit(self, queryset, name, value):
        return queryset.filter(Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit=value)))

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(supervising_leader=self.leader) if value else queryset

    def filter_rating(self, queryset, name, value):
        # The rating of the suggestion's current round: an earlier "unsatisfied" that was re-handled is not final.
        latest = Evaluation.objects.filter(suggestion=OuterRef("pk"), round=OuterRef("round"), value=value)
        return queryset.filter(Exists(latest))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        late = Assignment.objects.filter(
            suggestion=OuterRef("pk"), status=Assignment.Status.ACTIVE, deadline__lt=timezone.localdate()
        )
        return queryset.filter(Exists(late))
