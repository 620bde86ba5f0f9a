import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteSelect
from representatives.filters import StyledFilterSet
from representatives.models import Congress, HandlingUnit, Region

from .models import Assignment, Category, Evaluation, Reply, ReplyClass, Suggestion

S = Suggestion.Status
# Registered: taken on by the office, whatever happened next.
REGISTERED_STATES = (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED)
STAGES = [
    ("registered", _("已立案")),
    ("replied", _("已答复（至少一次）")),
    ("rehandled", _("不满意后重新办理")),
]
STAGE_FILTERS = {
    "registered": Q(status__in=REGISTERED_STATES),
    "replied": Q(replied_at__isnull=False),
    "rehandled": Q(round__gt=1),
}
PROMISES = [("made", _("有B类答复（承诺事项）")), ("kept", _("B类承诺已兑现"))]


def promise_replies(**conditions):
    """B-class replies of the suggestion's current round (an earlier round's promise was superseded)."""
    return Reply.objects.filter(
        assignment__suggestion=OuterRef("pk"),
        assignment__round=OuterRef("round"),
        reply_class=ReplyClass.B,
        **conditions,
    )


class SuggestionFilter(StyledFilterSet):
    searchable = {"region": "regions", "congress": "congresses"}
    q = django_filters.CharFilter(label=_("标题、编号或代表"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Suggestion.Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    year = django_filters.NumberFilter(label=_("年度"))
    congress = django_filters.ModelChoiceFilter(
        label=_("人民代表大会"), queryset=Congress.objects.select_related("region")
    )
    region = django_filters.ModelChoiceFilter(label=_("区域"), queryset=Region.objects.all(), method="filter_region")
    unit = django_filters.ModelChoiceFilter(
        label=_("承办单位"),
        queryset=HandlingUnit.objects.all(),
        method="filter_unit",
        widget=AutocompleteSelect("units"),
    )
    is_key = django_filters.BooleanFilter(label=_("仅看重点督办"), method="filter_key", widget=forms.CheckboxInput)
    mine = django_filters.BooleanFilter(label=_("仅看我领衔督办的"), method="filter_mine", widget=forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(label=_("仅看逾期"), method="filter_overdue", widget=forms.CheckboxInput)
    rating = django_filters.ChoiceFilter(label=_("代表评价"), choices=Evaluation.Value.choices, method="filter_rating")
    # What the dashboard's and year report's figures count (suggestions/figures.py), so each lists its rows.
    stage = django_filters.ChoiceFilter(label=_("办理进度"), choices=STAGES, method="filter_stage")
    promise = django_filters.ChoiceFilter(label=_("B类承诺"), choices=PROMISES, method="filter_promise")
    own = django_filters.BooleanFilter(
        label=_("仅看本级（不含下级区域）"), method="filter_own", widget=forms.CheckboxInput
    )
    # What waits for the office (the staff start page's work queue links here with these).
    waiting = django_filters.ChoiceFilter(
        label=_("待办"),
        choices=[
            ("reassign", _("单位申请调整")),
            ("promise_due", _("B类承诺到期未确认")),
            ("promise_done", _("B类承诺待确认完成")),
            ("cosign", _("联名邀请未答复")),
            ("open", _("未办结")),
        ],
        method="filter_waiting",
    )
    overdue_unit = django_filters.ModelChoiceFilter(
        label=_("逾期承办单位"),
        queryset=HandlingUnit.objects.all(),
        method="filter_overdue_unit",
        widget=AutocompleteSelect("units"),
    )

    class Meta:
        model = Suggestion
        fields = []

    def __init__(self, *args, regions=None, units=None, leader=None, congresses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if congresses is not None:
            self.filters["congress"].queryset = congresses
        # Only a leader supervises suggestions; nobody else has a "mine" to filter by.
        self.leader = leader
        if leader is None:
            del self.filters["mine"]
        if regions is not None:
            self.filters["region"].queryset = regions
        if units is not None:
            self.filters["unit"].queryset = units
            self.filters["overdue_unit"].queryset = units

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

    def filter_waiting(self, queryset, name, value):
        return queryset.filter(waiting_condition(value)) if value else queryset

    def filter_overdue_unit(self, queryset, name, value):
        # The unit's own part is late, not merely some part of a suggestion the unit also handles.
        late = Assignment.objects.filter(
            suggestion=OuterRef("pk"), unit=value, status=Assignment.Status.ACTIVE, deadline__lt=timezone.localdate()
        )
        return queryset.filter(Exists(late))

    def filter_stage(self, queryset, name, value):
        return queryset.filter(STAGE_FILTERS[value])

    def filter_promise(self, queryset, name, value):
        # Kept: every promise of the current round confirmed kept by the office, so a suggestion with two
        # promises of which one is still open is "made", not "kept".
        made = queryset.filter(Exists(promise_replies()))
        if value == "kept":
            return made.exclude(Exists(promise_replies(promise_confirmed_at__isnull=True)))
        return made

    def filter_own(self, queryset, name, value):
        # The chosen region's own suggestions (its congress's), none of the regions below: a region table's own row.
        region = self.form.cleaned_data.get("region")
        return queryset.filter(region=region) if value and region is not None else queryset


def waiting_condition(value: str) -> Q:
    """The condition behind each choice of the "waiting" filter: what is waiting for the office."""
    from .models import CoSigner, Reply

    if value == "reassign":
        return Q(
            Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), status=Assignment.Status.REASSIGN_REQUESTED))
        )
    if value in ("promise_due", "promise_done"):
        open_promise = Reply.objects.filter(
            assignment__suggestion=OuterRef("pk"), reply_class="B", promise_confirmed_at__isnull=True
        )
        if value == "promise_due":
            open_promise = open_promise.filter(promised_date__lte=timezone.localdate())
        else:
            open_promise = open_promise.filter(promise_done_at__isnull=False)
        return Q(Exists(open_promise))
    if value == "cosign":
        return Q(
            Exists(CoSigner.objects.filter(suggestion=OuterRef("pk"), status=CoSigner.Status.INVITED)),
            status__in=[Suggestion.Status.DRAFT, Suggestion.Status.SUBMITTED],
        )
    if value == "open":
        return ~Q(status__in=[Suggestion.Status.CLOSED, Suggestion.Status.NOT_REGISTERED])
    return Q()
