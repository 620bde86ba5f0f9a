"""The staff lists' filters: the same FilterSet serves the page, its download and the figures' drill-downs."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from liaison_stations.filters import RegionScopedFilterSet, YearFilter
from representatives.models import Congress

from .models import Ballot, ProgressReport, Project, Voter


class ProjectFilter(RegionScopedFilterSet):
    """The project list, and what the figures "projects proposed / chosen / reporting progress" count."""

    region_field = "congress__region"
    year = YearFilter(label=_("年度"), field_name="year", min_value=2000, max_value=2100)
    congress = django_filters.ModelChoiceFilter(label=_("人民代表大会"), queryset=Congress.objects.none())
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Project.Status.choices)
    stage = django_filters.ChoiceFilter(
        label=_("统计口径"), choices=[("chosen", _("票决通过（含已完成）"))], method="filter_stage"
    )
    reported = django_filters.BooleanFilter(label=_("已报告进展"), method="filter_reported", widget=forms.CheckboxInput)
    q = django_filters.CharFilter(label=_("项目名称"), field_name="title", lookup_expr="contains")

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, *args, congresses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if congresses is not None:
            self.filters["congress"].queryset = congresses

    def filter_queryset(self, queryset):
        # A filter that cannot be applied shows nothing rather than everything: a figure must never count more.
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_stage(self, queryset, name, value):
        return queryset.filter(status__in=(Project.Status.ADOPTED, Project.Status.COMPLETED)) if value else queryset

    def filter_reported(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(ProgressReport.objects.filter(project=OuterRef("pk"))))


class BallotFilter(RegionScopedFilterSet):
    region_field = "congress__region"
    year = YearFilter(label=_("年度"), field_name="year", min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Ballot.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Ballot.Status.choices)

    class Meta:
        model = Ballot
        fields: list[str] = []

    def filter_queryset(self, queryset):
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)


class VoterFilter(RegionScopedFilterSet):
    """Who has voted: the rows behind the turnout figures."""

    region_field = "ballot__congress__region"
    year = YearFilter(label=_("年度"), field_name="ballot__year", min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(label=_("类别"), field_name="ballot__kind", choices=Ballot.Kind.choices)
    ballot = django_filters.ModelChoiceFilter(label=_("投票"), queryset=Ballot.objects.none())

    class Meta:
        model = Voter
        fields: list[str] = []

    def __init__(self, *args, ballots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ballots is not None:
            self.filters["ballot"].queryset = ballots

    def filter_queryset(self, queryset):
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)
