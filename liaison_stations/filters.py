import datetime
from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteSelect
from representatives.filters import StyledFilterSet
from representatives.models import Deputy, HandlingUnit, Membership, Region, User

from .models import DutyDay, DutyShift, Opinion, OpinionCategory, Proposal, Rating, Resolution, Station, StationVisit

# Opinions handled on the spot (当场答复/现场办结): the office's proposal (拟办) was to answer on the spot, and the
# answer was given with it. The staff list's ``handled=on_the_spot`` and the figure (``selectors.
# opinions_handled_on_the_spot``) both filter with this, so the figure is the number of rows the list shows.
HANDLED_ON_THE_SPOT = Q(proposal=Proposal.ON_SPOT)
HANDLED = {"on_the_spot": HANDLED_ON_THE_SPOT}

S = Opinion.Status


@dataclass(frozen=True)
class OpinionFigure:
    """One word for opinions, with one meaning on every page and export (issue 14): ``where`` picks its rows for
    the staff list (``outcome=<name>``) and ``holds`` says the same of one row's fields, for the tallies that
    group opinions by them (``figures.count_opinions``). A figure named after a step counts the opinions that have
    reached that step, whether or not they have gone further; merged duplicates are never counted."""

    label: str
    how: str
    where: Q
    holds: Callable[[str, str, str], bool]  # (status, rating, resolution) -> counted


ANSWERED_STATES = (S.REPLIED, S.FED_BACK, S.CLOSED)
FED_BACK_STATES = (S.FED_BACK, S.CLOSED)
SATISFIED_RATINGS = (Rating.SATISFIED, Rating.BASIC)

OPINION_FIGURES = {
    "counted": OpinionFigure(
        _("收集意见"),
        _("统计期间内接收的选民意见，按接收日期；合并到其他意见的重复意见不计。"),
        ~Q(status=S.MERGED),
        lambda status, rating, resolution: status != S.MERGED,
    ),
    "answered": OpinionFigure(
        _("已答复"),
        _("已作出答复的意见：承办单位已答复或当场答复，含其后已反馈、已办结的。"),
        Q(status__in=ANSWERED_STATES),
        lambda status, rating, resolution: status in ANSWERED_STATES,
    ),
    "fed_back": OpinionFigure(
        _("已反馈"),
        _("已把办理结果告知反映人的意见，含其后已办结的。"),
        Q(status__in=FED_BACK_STATES),
        lambda status, rating, resolution: status in FED_BACK_STATES,
    ),
    "closed": OpinionFigure(
        _("已办结"),
        _("已办结的意见（无论选民是否满意）；转上级人大、转为代表建议的不算办结。"),
        Q(status=S.CLOSED),
        lambda status, rating, resolution: status == S.CLOSED,
    ),
    "solved": OpinionFigure(
        _("已解决"),
        _("问题实际解决的意见：已反馈或已办结，反馈时记录的办理结果为“问题已解决”，且选民没有评为不满意。"),
        Q(status__in=FED_BACK_STATES, resolution=Resolution.SOLVED) & ~Q(rating=Rating.UNSATISFIED),
        lambda status, rating, resolution: (
            status in FED_BACK_STATES and resolution == Resolution.SOLVED and rating != Rating.UNSATISFIED
        ),
    ),
    "satisfied": OpinionFigure(
        _("选民满意"),
        _("选民评为满意或基本满意的意见。"),
        Q(rating__in=SATISFIED_RATINGS) & ~Q(status=S.MERGED),
        lambda status, rating, resolution: rating in SATISFIED_RATINGS and status != S.MERGED,
    ),
    "rated": OpinionFigure(
        _("选民已评价"),
        _("选民已作出评价（满意、基本满意或不满意）的意见。"),
        ~Q(rating="") & ~Q(status=S.MERGED),
        lambda status, rating, resolution: bool(rating) and status != S.MERGED,
    ),
}


# A unit's reply to an opinion is on time when it came on or before the deadline day, local time (the deadline is a
# date: a reply at 23:30 on that day is on time, one at 00:10 the next day is late). The unit assessment's figure
# and the staff list's ``replied_on_time=true`` both filter with this.
OPINION_REPLIED_ON_TIME = Q(status__in=ANSWERED_STATES, replied_at__date__lte=F("deadline"))
OPINION_REPLIED_LATE = Q(status__in=ANSWERED_STATES) & ~Q(replied_at__date__lte=F("deadline"))


def opinions_assigned_in_year(year: int) -> Q:
    """Opinions handed to a unit (交办) in ``year``, local time: one assigned on 31 December at 23:30 belongs to
    that year though it is the next one in UTC."""
    from django.utils import timezone

    local = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=local)
    return Q(assigned_at__gte=start, assigned_at__lt=start.replace(year=year + 1))


def seat_serving_on(day) -> Q:
    """A filter on ``Membership``: the seat was held on ``day`` (a date or an expression): its congress's term
    covers the day and the seat had not ended by then (a seat ends on its ``status_date``)."""
    return Q(congress__start_date__lte=day, congress__end_date__gte=day) & (
        Q(status=Membership.Status.SERVING) | Q(status_date__gt=day)
    )


def seat_served_between(date_from, date_to) -> Q:
    """A filter on ``Membership``: the seat was held on some day of the period (either end may be open); with no
    period at all, the seat is held today (``serving``). A figure for a period counts the roster as it stood then."""
    if date_from is None and date_to is None:
        return Q(status=Membership.Status.SERVING)
    served = Q()
    if date_to is not None:
        served &= Q(congress__start_date__lte=date_to)
    if date_from is not None:
        served &= Q(congress__end_date__gte=date_from) & (
            Q(status=Membership.Status.SERVING) | Q(status_date__gte=date_from)
        )
    return served


def _on_duty_serving():
    # A deputy with no seat recorded at all is not known to have left, so their day still counts.
    day = OuterRef(OuterRef("date"))
    seats = Membership.objects.filter(deputy=OuterRef("deputy"))
    return (
        DutyShift.objects.filter(duty_day=OuterRef("pk"))
        .exclude(attended=False)
        .filter(Exists(seats.filter(seat_serving_on(day))) | ~Exists(seats))
    )


# Duty days held (已接待) that count in the stations' figures: every held day, except one on which each deputy on
# duty had already left their seat (an activity dated after a deputy's seat ended is not theirs to count). The
# duty day list's ``counted=on`` and the ``duty_days`` tallies both filter with this.
DUTY_DAY_COUNTED = Q(status=DutyDay.Status.HELD) & (
    ~Exists(DutyShift.objects.filter(duty_day=OuterRef("pk")).exclude(attended=False)) | Exists(_on_duty_serving())
)

# "resolved" was the list's name for fed back or closed before the words were told apart; old links still work.
OUTCOME_ALIASES = {"resolved": "fed_back"}

# The office's quick tabs over the opinion list: "just became overdue" looks back this many days, "due soon"
# ahead this many.
RECENTLY_OVERDUE_DAYS = 7
DUE_SOON_DAYS = 3


def due_within(queryset, due: str):
    """Assigned opinions that became overdue in the last days (``recently_overdue``) or fall due in the next
    ones (``due_soon``); any other value leaves the rows as they are."""
    from django.utils import timezone

    today = timezone.localdate()
    assigned = queryset.filter(status=Opinion.Status.ASSIGNED)
    if due == "recently_overdue":
        return assigned.filter(deadline__lt=today, deadline__gte=today - datetime.timedelta(days=RECENTLY_OVERDUE_DAYS))
    if due == "due_soon":
        return assigned.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    return queryset


class RegionScopedFilterSet(StyledFilterSet):
    searchable = {"region": "regions"}
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")
    own = django_filters.BooleanFilter(
        label=_("仅看本级（不含下级区域）"), method="filter_own", widget=forms.CheckboxInput
    )
    region_field = "region"

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"{self.region_field}__path__startswith": value.path})

    def filter_own(self, queryset, name, value):
        # Rows of the chosen region itself, none of the regions below: a region table's own row.
        region = self.form.cleaned_data.get("region")
        return queryset.filter(**{self.region_field: region}) if value and region is not None else queryset


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


class StationDeputyFilter(RegionScopedFilterSet):
    """The deputies the statistics' "deputies assigned" counts (``selectors.station_deputies_queryset``): by the
    deputy's own region, assigned to an active station, with a seat held on some day of the period."""

    q = django_filters.CharFilter(label=_("姓名或编号"), method="filter_q")
    date_from = django_filters.DateFilter(
        label=_("起始日期"), method="filter_period", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), method="filter_period", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Deputy
        fields = []

    def __init__(self, *args, deputies: Callable, **kwargs):
        # ``deputies(date_from, date_to)``: the selector's rows for the period, which the other filters narrow.
        self.deputies = deputies
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset):
        # A filter that cannot be applied lists nothing: the list is what a figure counts, and never more.
        if self.form.errors:
            return queryset.none()
        data = self.form.cleaned_data
        return super().filter_queryset(self.deputies(data.get("date_from"), data.get("date_to")))

    def filter_period(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(code=value)) if value else queryset


class DutyDayFilter(RegionScopedFilterSet):
    region_field = "station__region"
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DutyDay.Status.choices)
    counted = django_filters.BooleanFilter(
        label=_("仅看计入统计的接待日"), method="filter_counted", widget=forms.CheckboxInput
    )
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = DutyDay
        fields = []

    def filter_counted(self, queryset, name, value):
        return queryset.filter(DUTY_DAY_COUNTED) if value else queryset


class YearFilter(django_filters.NumberFilter):
    # A whole year a date can have: "2025.5" or 99999 is not one, and the lookup would fail on it.
    field_class = forms.IntegerField


class OpinionFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(label=_("标题或查询码"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Opinion.Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=OpinionCategory.choices)
    unit = django_filters.ModelChoiceFilter(
        label=_("承办单位"), queryset=HandlingUnit.objects.all(), widget=AutocompleteSelect("units")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("统计口径"),
        choices=[(name, figure.label) for name, figure in OPINION_FIGURES.items()] + [("open", _("办理中"))],
        method="filter_outcome",
    )
    resolution = django_filters.ChoiceFilter(label=_("办理结果"), choices=Resolution.choices)
    handled = django_filters.ChoiceFilter(
        label=_("办理方式"), choices=[("on_the_spot", _("当场答复（现场办结）"))], method="filter_handled"
    )
    rating = django_filters.ChoiceFilter(label=_("选民评价"), choices=Rating.choices)
    overdue = django_filters.BooleanFilter(label=_("仅看逾期"), method="filter_overdue", widget=forms.CheckboxInput)
    assigned_year = YearFilter(label=_("交办年度"), method="filter_assigned_year", min_value=2000, max_value=9999)
    replied_on_time = django_filters.BooleanFilter(label=_("按期答复"), method="filter_replied_on_time")
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

    DUE_TABS = ("recently_overdue", "due_soon")

    def __init__(self, data=None, *args, units=None, **kwargs):
        if data is not None and data.get("outcome") in OUTCOME_ALIASES:
            data = data.copy()
            data["outcome"] = OUTCOME_ALIASES[data["outcome"]]
        super().__init__(data, *args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units

    @property
    def due(self) -> str:
        """The quick tab chosen (``?due=``): links above the list rather than a field of its form."""
        value = self.data.get("due", "")
        return value if value in self.DUE_TABS else ""

    def filter_queryset(self, queryset):
        # What the form's filters leave, before the tab narrows it: the tabs' counts are taken on these rows.
        self.untabbed_qs = super().filter_queryset(queryset)
        return due_within(self.untabbed_qs, self.due)

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
        # Each value lists exactly the rows of the figure of that name (OPINION_FIGURES).
        if value == "open":
            return queryset.filter(status__in=Opinion.OPEN_STATES)
        return queryset.filter(OPINION_FIGURES[value].where)

    def filter_handled(self, queryset, name, value):
        return queryset.filter(HANDLED[value]) if value in HANDLED else queryset

    def filter_assigned_year(self, queryset, name, value):
        return queryset if value is None else queryset.filter(opinions_assigned_in_year(int(value)))

    def filter_replied_on_time(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(OPINION_REPLIED_ON_TIME if value else OPINION_REPLIED_LATE)

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


class StationVisitFilter(RegionScopedFilterSet):
    """The list of leaders' visits, and what the figure "leaders' station visits in year Y" counts
    (``selectors.leader_visits``): visits dated in the year at stations in the region."""

    region_field = "station__region"
    searchable = {"region": "regions", "leader": "leaders"}
    year = YearFilter(label=_("年度"), field_name="date", lookup_expr="year", min_value=1, max_value=9999)
    station = django_filters.ModelChoiceFilter(
        label=_("联络站"), queryset=Station.objects.all(), widget=AutocompleteSelect("stations")
    )
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

    searchable = {"region": "regions"}

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
