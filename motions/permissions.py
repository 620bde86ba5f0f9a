"""Who sees and does what with motions.

Deputies: their own and those they were invited to second (until they decline). Staff: their region, drafts
excepted (a draft is the deputy's own business until submitted); they register motions, record decisions and
set the number of co-signers. Leaders: read their region. The public: decided motions only (what the
presidium decided is published), never drafts or motions still waiting. Handling units have no part in motions.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from representatives.models import Congress
from representatives.permissions import (
    is_deputy,
    is_office_staff,
    region_scope_q,
    sees_region_data,
    user_covers_region,
)

from .models import Motion, MotionCoSigner


def motions_for(user) -> QuerySet[Motion]:
    if sees_region_data(user):
        return Motion.objects.filter(region_scope_q(user)).exclude(status=Motion.Status.DRAFT)
    if is_deputy(user):
        invited = MotionCoSigner.objects.filter(motion=OuterRef("pk"), deputy_id=user.deputy_id).exclude(
            status=MotionCoSigner.Status.DECLINED
        )
        return Motion.objects.filter(Q(deputy_id=user.deputy_id) | Exists(invited))
    return Motion.objects.none()


def published_motions() -> QuerySet[Motion]:
    """What the public sees: motions the presidium (or its committee) has decided."""
    return Motion.objects.filter(status__in=Motion.DECIDED_STATES)


def is_author(user, motion: Motion) -> bool:
    return is_deputy(user) and motion.deputy_id == user.deputy_id


def can_manage(user, motion: Motion) -> bool:
    """Registering and recording the decision: office staff of the motion's region."""
    return is_office_staff(user) and user_covers_region(user, motion.region)


def can_set_rule(user, congress: Congress) -> bool:
    """The number of co-signers of a congress: office staff of its region."""
    return is_office_staff(user) and user_covers_region(user, congress.region)


def congresses_for(user) -> QuerySet[Congress]:
    """The congresses whose rule a member of staff may set (their region and below)."""
    if not is_office_staff(user):
        return Congress.objects.none()
    return Congress.objects.filter(region_scope_q(user)).select_related("region")
