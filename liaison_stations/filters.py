import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from representatives.filters import StyledFilterSet
from representatives.models import HandlingUnit, Region, User

from .models import DutyDay, Opinion, OpinionCategory, Proposal, Rating, Station, StationVisit

# Opinions handled on the spot (当场答复/现场办结): the office's proposal (拟办) was to answer on the spot, and the
# answer was given with it. The staff list's ``handled=on_the_spot`` and the figure (``selectors.
# opinions_handled_on_the_spot``) both filter with this, so the figure is the number of rows the list shows.
HANDLED_ON_THE_SPOT = Q(proposal=Proposal.ON_SPOT)
HANDLED = {"on_the_spot": HANDLED_ON_THE_SPOT}


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
    handled = django_filters.ChoiceFilter(
        label=_("办理方式"), choices=[("on_the_spot", _("当场答复（现场办结）"))], method="filter_handled"
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
        if not value:
            return queryset
        # A voter who phones in quotes their tracking code; staff quote the reference number.
        match = Q(title__contains=value) | Q(tracking_code=value.upper())
        pk = Opinion.pk_from_reference(value)
        if pk is not None:
            match |= Q(pk=pk)
        return queryset.filter(match)

    def filter_outcome(self, queryset, name, value):
        # The figures offices report leave merged duplicates out; "resolved" means fed back or closed.
        if value == "resolved":
            return queryset.filter(status__in=Opinion.RESOLVED_STATES)
        if value == "open":
            return queryset.filter(status__in=Opinion.OPEN_STATES)
        return queryset.exclude(status=Opinion.Status.MERGED)

    def filter_handled(self, queryset, name, value):
        return queryset.filter(HANDLED[value]) if value in HANDLED else queryset

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if not value:
            return queryset
        return queryset.filter(status=Opinion.Status.ASSIGNED, deadline__lt=timezone.localdate())


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class LeaderFilter(django_filters.ModelChoiceFilter):
    field_class = LeaderChoiceField


class YearFilter(django_filters.NumberFilter):
    # A whole year a date can have: "2025.5" or 99999 is not one, and the lookup would fail on it.
    field_class = forms.IntegerField


class StationVisitFilter(RegionScopedFilterSet):
    """The list of leaders' visits, and what the figure "leaders' station visits in year Y" counts
    (``selectors.leader_visits``): visits dated in the year at stations in the region."""

    region_field = "station__region"
    year = YearFilter(label=_("年度"), field_name="date", lookup_expr="year", min_value=1, max_value=9999)
    station = django_filters.ModelChoiceFilter(label=_("联络站"), queryset=Station.objects.all())
    leader = LeaderFilter(label=_("领导"), queryset=User.objects.none())
    visitor = django_filters.CharFilter(label=_("来访人姓名"), method="filter_visitor")

    class Meta:
        model = StationVisit
        fields = []

    def __init__(self, *args, stations=None, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.filters["station"].queryset = stations
        if leaders is not None:
            self.filters["leader"].queryset = leaders

    def filter_queryset(self, queryset):
        # A filter that cannot be applied (a region outside the user's, a year that is not a number) shows
        # nothing rather than everything: the list is what a figure counts, and must never count more.
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_visitor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(visitor_name__contains=value)
            | Q(leader__first_name__contains=value)
            | Q(leader__last_name__contains=value)
        )


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
