"""The training lists' filters: the same FilterSet serves the page and the figures' drill-downs."""

import django_filters
from django.utils.translation import gettext_lazy as _

from liaison_stations.filters import RegionScopedFilterSet, YearFilter
from representatives.models import Membership

from .models import Attendance, QuizAttempt, TrainingSession


class StrictFilterSet(RegionScopedFilterSet):
    def filter_queryset(self, queryset):
        # A filter that cannot be applied shows nothing rather than everything: a figure must never count more.
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)


class SessionFilter(StrictFilterSet):
    """Sessions held: the figure "培训场次" counts these."""

    region_field = "course__congress__region"
    year = YearFilter(label=_("年度"), field_name="date__year", min_value=2000, max_value=2100)
    induction = django_filters.BooleanFilter(label=_("初任培训"), field_name="course__is_induction")

    class Meta:
        model = TrainingSession
        fields: list[str] = []


class AttendanceFilter(StrictFilterSet):
    """Attendance rows: the figure "参训人次" counts those attended."""

    region_field = "session__course__congress__region"
    year = YearFilter(label=_("年度"), field_name="session__date__year", min_value=2000, max_value=2100)
    attended = django_filters.BooleanFilter(label=_("出席"))

    class Meta:
        model = Attendance
        fields: list[str] = []


class InductionFilter(StrictFilterSet):
    """The current term's seats without induction training (rows of the coverage figure)."""

    region_field = "congress__region"

    class Meta:
        model = Membership
        fields: list[str] = []


class AttemptFilter(StrictFilterSet):
    """Quiz attempts, by the deputy's region: the results' figures count these."""

    region_field = "deputy__region"
    year = YearFilter(label=_("年度"), field_name="started_at__year", min_value=2000, max_value=2100)
    quiz = django_filters.NumberFilter(label=_("测试"), field_name="quiz_id")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=QuizAttempt.Status.choices)
    wrong = django_filters.NumberFilter(label=_("答错的试题"), method="filter_wrong")

    class Meta:
        model = QuizAttempt
        fields: list[str] = []

    def filter_wrong(self, queryset, name, value):
        return queryset.filter(
            status=QuizAttempt.Status.SUBMITTED, answers__question_id=int(value), answers__is_correct=False
        )
