import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from representatives.filters import StyledFilterSet
from representatives.models import HandlingUnit, Region

from .models import DutyDay, Opinion, OpinionCategory, Rating, Station


class RegionScopedFilterSet(StyledFilterSet):
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")
    region_field = "region"

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"{self.region_field}__path__startswith": value.path})


class StationFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(label=_("名称或地址"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Station.Kind.choices)
    star_rating = django_filters.NumberFilter(label=_("星级"))
    is_active = django_filters.BooleanFilter(label=_("在用"))

    class Meta:
        model = Station
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(address__contains=value)) if value.strip() else queryset


class DutyDayFilter(RegionScopedFilterSet):
    region_field = "station__region"
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DutyDay.Status.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = DutyDay
        fields = []


class OpinionFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(label=_("标题或查询码"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Opinion.Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=OpinionCategory.choices)
    unit = django_filters.ModelChoiceFilter(label=_("承办单位"), queryset=HandlingUnit.objects.all())
    outcome = django_filters.ChoiceFilter(
        label=_("办理结果"),
        choices=[("counted", _("全部（不含合并）")), ("resolved", _("已解决")), ("open", _("办理中"))],
        method="filter_outcome",
    )
    rating = django_filters.ChoiceFilter(label=_("选民评价"), choices=Rating.choices)
    overdue = django_filters.BooleanFilter(label=_("仅看逾期"), method="filter_overdue", widget=forms.CheckboxInput)
    received_from = django_filters.DateFilter(
        label=_("接收起始"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("接收截止"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Opinion
        fields = []

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__contains=value) | Q(tracking_code=value.upper())) if value else queryset

    def filter_outcome(self, queryset, name, value):
        # The figures offices report leave merged duplicates out; "resolved" means fed back or closed.
        if value == "resolved":
            return queryset.filter(status__in=Opinion.RESOLVED_STATES)
        if value == "open":
            return queryset.filter(status__in=Opinion.OPEN_STATES)
        return queryset.exclude(status=Opinion.Status.MERGED)

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if not value:
            return queryset
        return queryset.filter(status=Opinion.Status.ASSIGNED, deadline__lt=timezone.localdate())


class StatisticsFilter(StyledFilterSet):
    """Only a form: the statistics selector reads region and period from it."""

    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="noop")
    date_from = django_filters.DateFilter(
        label=_("起始日期"), method="noop", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), method="noop", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Region
        fields = []

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def noop(self, queryset, name, value):
        return queryset
