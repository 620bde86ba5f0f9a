"""The year's awards (三优三先): outstanding deputies, suggestions and handling units nominated by an office from
the records, decided with reasons and, once awarded, published on the public site.

Who may do what, the state table, the services and the reads live together here, as small as they are; the
pages are in ``views_awards.py``.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Step, TransitionError, Workflow, in_states
from representatives.audit import record_transition
from representatives.filters import StyledFilterSet
from representatives.models import Deputy, HandlingUnit, Region
from representatives.permissions import (
    deputies_for,
    handling_units_for,
    is_office_staff,
    region_scope_q,
    regions_for,
    sees_region_data,
    user_covers_region,
)
from suggestions.models import Evaluation, Suggestion
from suggestions.permissions import suggestions_for

from . import deputy_file, unit_assessment
from .models import Nomination, Score

CANDIDATES_SHOWN = 10

# Permissions -----------------------------------------------------------------------------------------------------


def nominations_for(user) -> QuerySet[Nomination]:
    """Nominations of the user's region and below: staff and leaders read them; office staff decide them."""
    if not sees_region_data(user):
        return Nomination.objects.none()
    return Nomination.objects.filter(region_scope_q(user))


def can_decide(user, nomination: Nomination) -> bool:
    return is_office_staff(user) and user_covers_region(user, nomination.region)


def published() -> QuerySet[Nomination]:
    return Nomination.objects.filter(status=Nomination.Status.PUBLISHED)


# The state table -------------------------------------------------------------------------------------------------

NOT_YOURS = gettext_lazy("只有本级人大常委会工作人员可以评选本级的提名。")
NOMINATION_STEPS = Workflow(
    Nomination,
    Step(
        "award",
        can_decide,
        NOT_YOURS,
        ((in_states(Nomination.Status.NOMINATED), gettext_lazy("这项提名已经评定。")),),
    ),
    Step(
        "decline",
        can_decide,
        NOT_YOURS,
        ((in_states(Nomination.Status.NOMINATED), gettext_lazy("这项提名已经评定。")),),
    ),
    Step(
        "publish",
        can_decide,
        NOT_YOURS,
        ((in_states(Nomination.Status.AWARDED), gettext_lazy("只有评为优秀的才能公布。")),),
    ),
)


def available_steps(user, nomination: Nomination) -> list[str]:
    return NOMINATION_STEPS.available(user, nomination)


# Services --------------------------------------------------------------------------------------------------------


def nominees_for(user, category: str) -> QuerySet:
    """Who or what the user may nominate in ``category``: the deputies, submitted suggestions or units of their
    scope."""
    if category == Nomination.Category.DEPUTY:
        return deputies_for(user)
    if category == Nomination.Category.SUGGESTION:
        return suggestions_for(user).exclude(status=Suggestion.Status.DRAFT)
    return handling_units_for(user)


def _nominee_in_scope(user, category: str, nominee) -> bool:
    return nominees_for(user, category).filter(pk=nominee.pk).exists()


@transaction.atomic
def nominate(*, by, year: int, category: str, nominee: Deputy | Suggestion | HandlingUnit, reason: str) -> Nomination:
    """Office staff nominate a deputy, a suggestion or a unit of their scope for ``year``'s awards."""
    if not is_office_staff(by) or by.region_id is None:
        raise TransitionError(_("只有人大常委会工作人员可以提名。"))
    if category not in Nomination.Category.values:
        raise TransitionError(_("没有这个评选类别。"))
    if not _nominee_in_scope(by, category, nominee):
        raise TransitionError(_("只能提名本辖区的代表、建议或承办单位。"))
    if not reason.strip():
        raise TransitionError(_("请填写提名理由。"))
    nomination = Nomination(
        region_id=by.region_id, year=year, category=category, reason=reason.strip(), nominated_by=by
    )
    setattr(nomination, category, nominee)
    if Nomination.objects.filter(region_id=by.region_id, year=year, **{category: nominee}).exists():
        raise TransitionError(_("已经提名过了。"))
    nomination.save()
    record_transition(obj=nomination, from_state="", to_state=nomination.status, by=by)
    return nomination


def _decide(step: str, to_state: str, *, nomination: Nomination, by, reason: str) -> Nomination:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    NOMINATION_STEPS.require(step, by, nomination)
    if not reason.strip():
        raise TransitionError(_("请填写评选意见。"))
    previous = nomination.status
    nomination.status, nomination.decision_reason = to_state, reason.strip()
    nomination.decided_by, nomination.decided_at = by, timezone.now()
    nomination.save()
    record_transition(obj=nomination, from_state=previous, to_state=to_state, by=by, note=nomination.decision_reason)
    return nomination


@transaction.atomic
def nomination_award(*, nomination: Nomination, by, reason: str) -> Nomination:
    return _decide("award", Nomination.Status.AWARDED, nomination=nomination, by=by, reason=reason)


@transaction.atomic
def nomination_decline(*, nomination: Nomination, by, reason: str) -> Nomination:
    return _decide("decline", Nomination.Status.DECLINED, nomination=nomination, by=by, reason=reason)


@transaction.atomic
def nomination_publish(*, nomination: Nomination, by) -> Nomination:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    NOMINATION_STEPS.require("publish", by, nomination)
    nomination.status, nomination.published_at = Nomination.Status.PUBLISHED, timezone.now()
    nomination.save()
    record_transition(
        obj=nomination, from_state=Nomination.Status.AWARDED, to_state=nomination.status, by=by, public=False
    )
    return nomination


# Reads: the candidates beside their supporting figures -------------------------------------------------------------


@dataclass
class Candidates:
    deputies: list[Score]
    suggestions: list[Suggestion]
    units: list[unit_assessment.UnitRow]


def candidates(user, year: int) -> Candidates:
    """The year's strongest records in the user's scope: the highest scores of the office's rule set, the
    suggestions their deputies rated 满意, the units ranked first in the assessment; each with its figures."""
    rule_set = deputy_file.rule_set_for(user, year)
    scores = (
        list(
            deputy_file.scores_in(user, rule_set)
            .select_related("deputy__region")
            .order_by("-total", "deputy_id")[:CANDIDATES_SHOWN]
        )
        if rule_set
        else []
    )
    last_rating = Subquery(Evaluation.objects.filter(suggestion=OuterRef("pk")).order_by("-round").values("value")[:1])
    suggestions: list[Suggestion] = list(
        suggestions_for(user)
        .filter(year=year)
        .exclude(status=Suggestion.Status.DRAFT)
        .annotate(final_rating=last_rating)
        .filter(final_rating=Evaluation.Value.SATISFIED)
        .select_related("deputy")
        .order_by("number", "pk")[:CANDIDATES_SHOWN]
    )
    ranked = [row for row in unit_assessment.assess(user=user, year=year).rows if row.rank is not None]
    return Candidates(deputies=scores, suggestions=suggestions, units=ranked[:CANDIDATES_SHOWN])


# The list and the figures ----------------------------------------------------------------------------------------

# Awarded: decided 评为优秀, published or not yet.
AWARDED = (Nomination.Status.AWARDED, Nomination.Status.PUBLISHED)


class NominationFilter(StyledFilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))
    category = django_filters.ChoiceFilter(label=gettext_lazy("类别"), choices=Nomination.Category.choices)
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("结果"), choices=[("awarded", gettext_lazy("评为优秀"))], method="filter_outcome"
    )
    region = django_filters.ModelChoiceFilter(
        label=gettext_lazy("区域"), queryset=Region.objects.all(), method="filter_region"
    )

    class Meta:
        model = Nomination
        fields: list[str] = []

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(status__in=AWARDED) if value == "awarded" else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


def nomination_list(*, user, filters=None) -> NominationFilter:
    """The nominations the user may read, with the awards page's filters applied."""
    queryset = (
        nominations_for(user)
        .select_related("deputy", "suggestion__deputy", "unit", "region")
        .order_by("category", "status", "pk")
    )
    filterset = NominationFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


@dataclass(frozen=True)
class AwardFigure:
    label: str
    value: int
    url: str
    how: str = ""


def year_figures(*, user, region: Region | None, year: int) -> list[AwardFigure]:
    """Nominees awarded in ``year`` by category, one query; each links to the awards page listing exactly them."""
    nominations = nominations_for(user).filter(year=year, status__in=AWARDED)
    if region is not None:
        nominations = nominations.filter(region__path__startswith=region.path)
    counted = nominations.aggregate(
        **{category: Count("pk", filter=Q(category=category)) for category in Nomination.Category.values}
    )
    figures = []
    for category, label in Nomination.Category.choices:
        query = {"year": year, "category": category, "outcome": "awarded"}
        if region is not None:
            query["region"] = region.pk
        figures.append(
            AwardFigure(
                str(label),
                counted[category] or 0,
                f"{reverse('staff:awards')}?{urlencode(query)}",
                how=_("本年度评为优秀的（含已公布的）。"),
            )
        )
    return figures
