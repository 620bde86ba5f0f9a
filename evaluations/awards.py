"""The year's awards (三优三先): outstanding deputies, suggestions and handling units nominated by an office from
the records, decided with reasons and, once awarded, published on the public site.

Who may do what, the state table, the services and the reads live together here, as small as they are; the
pages are in ``views_awards.py``.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Step, TransitionError, Workflow, in_states
from representatives.audit import record_transition
from representatives.models import Deputy, HandlingUnit
from representatives.permissions import (
    deputies_for,
    handling_units_for,
    is_office_staff,
    region_scope_q,
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
