"""Who sees and does what with suggestions.

Deputies: their own and those they co-sign. Unit clerks: suggestions with a live part assigned to their
unit (a co-unit sees the suggestion and its own part). Staff: their region. Leaders: their region, their
supervised items first. Attachments and reply documents follow the suggestion.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from representatives.permissions import (
    is_deputy,
    is_leader,
    is_office_staff,
    is_unit_clerk,
    region_scope_q,
    sees_region_data,
    user_covers_region,
)

from .models import Assignment, CoSigner, Suggestion

UNIT_VISIBLE_ASSIGNMENT_STATES = (
    Assignment.Status.ACTIVE,
    Assignment.Status.REASSIGN_REQUESTED,
    Assignment.Status.DONE,
)


def _unit_parts(user):
    return Assignment.objects.filter(
        suggestion=OuterRef("pk"), unit_id=user.unit_id, status__in=UNIT_VISIBLE_ASSIGNMENT_STATES
    )


def suggestions_for(user) -> QuerySet[Suggestion]:
    if sees_region_data(user):
        # Drafts are the deputy's own business until submitted.
        return Suggestion.objects.filter(region_scope_q(user)).exclude(status=Suggestion.Status.DRAFT)
    if is_unit_clerk(user):
        return Suggestion.objects.filter(Exists(_unit_parts(user)))
    if is_deputy(user):
        cosigned = CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy_id=user.deputy_id).exclude(
            status=CoSigner.Status.DECLINED
        )
        return Suggestion.objects.filter(Q(deputy_id=user.deputy_id) | Exists(cosigned))
    return Suggestion.objects.none()


def is_author(user, suggestion: Suggestion) -> bool:
    return is_deputy(user) and suggestion.deputy_id == user.deputy_id


def can_manage(user, suggestion: Suggestion) -> bool:
    """Registering, assigning, reassigning, confirming promises: office staff of the region."""
    return is_office_staff(user) and user_covers_region(user, suggestion.region)


def can_supervise(user, suggestion: Suggestion) -> bool:
    if can_manage(user, suggestion):
        return True
    return is_leader(user) and (
        suggestion.supervising_leader_id == user.pk or user_covers_region(user, suggestion.region)
    )


def can_act_for_assignment(user, assignment: Assignment) -> bool:
    return is_unit_clerk(user) and assignment.unit_id == user.unit_id


def assignments_visible_to(user, suggestion: Suggestion) -> QuerySet[Assignment]:
    """A co-unit sees only its own part; everyone else allowed to see the suggestion sees all parts."""
    parts = suggestion.assignments.all()
    if is_unit_clerk(user):
        own = parts.filter(unit_id=user.unit_id)
        if not own.filter(role=Assignment.Role.LEAD).exists():
            return own
    return parts
