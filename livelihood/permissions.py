"""Who may see and do what with livelihood projects and their votes.

Staff and leaders read the projects and ballots of the congresses in their region and below; office staff of
that region manage them. A handling unit's clerks see their unit's chosen projects only and report on them.
A deputy sees the ballots and projects of the congresses they sit in, and votes only while seated. The public
sees closed votes' results and chosen projects.
"""

from django.db.models import Q, QuerySet

from representatives.models import Membership
from representatives.permissions import (
    is_deputy,
    is_office_staff,
    is_unit_clerk,
    region_scope_q,
    sees_region_data,
    user_covers_region,
)

from .models import Ballot, Inspection, ProgressReport, Project, Voter

CHOSEN = (Project.Status.ADOPTED, Project.Status.COMPLETED)


def _deputy_congresses_q(user, field: str = "congress") -> Q:
    """The congresses the deputy holds a seat in, serving or not (a deputy who resigned still reads what was
    decided while seated)."""
    return Q(**{f"{field}__memberships__deputy_id": user.deputy_id})


def projects_for(user) -> QuerySet[Project]:
    if sees_region_data(user):
        return Project.objects.filter(region_scope_q(user, "congress__region"))
    if is_unit_clerk(user):
        return Project.objects.filter(unit_id=user.unit_id, status__in=CHOSEN)
    if is_deputy(user):
        # A candidate is the deputies' to read once proposed; withdrawn ones are the office's business.
        return Project.objects.filter(_deputy_congresses_q(user)).exclude(status=Project.Status.WITHDRAWN).distinct()
    return Project.objects.none()


def ballots_for(user) -> QuerySet[Ballot]:
    if sees_region_data(user):
        return Ballot.objects.filter(region_scope_q(user, "congress__region"))
    if is_deputy(user):
        return Ballot.objects.filter(_deputy_congresses_q(user)).exclude(status=Ballot.Status.DRAFT).distinct()
    return Ballot.objects.none()


def voters_for(user) -> QuerySet[Voter]:
    """Who has voted (the roll call, never the choices): the region's staff and leaders."""
    if sees_region_data(user):
        return Voter.objects.filter(region_scope_q(user, "ballot__congress__region"))
    return Voter.objects.none()


def public_ballots() -> QuerySet[Ballot]:
    return Ballot.objects.filter(status=Ballot.Status.CLOSED)


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(status__in=CHOSEN)


def can_manage(user, obj: Project | Ballot) -> bool:
    """Office staff of the congress's region: propose and edit projects, set up, open and close votes."""
    return is_office_staff(user) and user_covers_region(user, obj.congress.region)


def can_read(user, obj: Project | Ballot) -> bool:
    return sees_region_data(user) and user_covers_region(user, obj.congress.region)


def is_unit_of(user, project: Project) -> bool:
    return is_unit_clerk(user) and project.unit_id == user.unit_id


def holds_seat(user, congress_id: int) -> bool:
    """The deputy serves in the congress now: only they may vote in its ballots."""
    return (
        is_deputy(user)
        and Membership.objects.filter(
            deputy_id=user.deputy_id, congress_id=congress_id, status=Membership.Status.SERVING
        ).exists()
    )


def may_vote(user, ballot: Ballot) -> bool:
    return holds_seat(user, ballot.congress_id)


def may_inspect(user, project: Project) -> bool:
    """Office staff of the region record any inspection; a serving deputy of the congress records one they
    took part in."""
    return can_manage(user, project) or holds_seat(user, project.congress_id)


def reports_for(user) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(project__in=projects_for(user))


def inspections_for(user) -> QuerySet[Inspection]:
    return Inspection.objects.filter(project__in=projects_for(user))
