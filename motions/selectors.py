"""Reads for motion pages, figures and exports; the staff list applies its FilterSet inside."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from representatives.audit import timeline
from representatives.models import Congress, Deputy, Membership
from representatives.panels import count_together
from representatives.permissions import regions_for

from . import permissions
from .filters import MotionFilter
from .models import Motion, MotionCoSigner, MotionRule, legal_cosigners

ACCEPTED = MotionCoSigner.Status.ACCEPTED


def serving_congresses(deputy: Deputy) -> QuerySet[Congress]:
    return Congress.objects.filter(
        memberships__deputy=deputy, memberships__status=Membership.Status.SERVING
    ).select_related("region")


def required_cosigners(congress: Congress) -> int:
    """The office's rule for this congress, or the number the law sets where it has none."""
    rule = MotionRule.objects.filter(congress=congress).values_list("min_cosigners", flat=True).first()
    return rule if rule is not None else legal_cosigners(congress)


def with_seconds(queryset: QuerySet[Motion]) -> QuerySet[Motion]:
    """Each motion with ``seconds``: how many deputies have agreed to second it."""
    return queryset.annotate(seconds=Count("cosigners", filter=Q(cosigners__status=ACCEPTED), distinct=True))


def motion_list(*, user, filters=None) -> MotionFilter:
    queryset = permissions.motions_for(user).select_related("deputy", "congress__region", "suggestion")
    filterset = MotionFilter(filters or {}, queryset=with_seconds(queryset).order_by("-id"), regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def motion_detail(*, user, pk) -> Motion:
    """One motion the user may see; anyone else's is missing (404), not forbidden."""
    queryset = permissions.motions_for(user).select_related("deputy", "congress__region", "region", "suggestion")
    return get_object_or_404(queryset, pk=pk)


def cosigners_of(motion: Motion) -> list[MotionCoSigner]:
    return list(motion.cosigners.select_related("deputy").order_by("invited_at", "id"))


def motion_timeline(motion: Motion):
    return timeline(motion)


def own_motions(deputy_id: int) -> QuerySet[Motion]:
    return with_seconds(Motion.objects.filter(deputy_id=deputy_id)).select_related("congress__region").order_by("-id")


def seconded_motions(deputy_id: int) -> QuerySet[Motion]:
    """Motions the deputy agreed to second."""
    return (
        with_seconds(Motion.objects.filter(cosigners__deputy_id=deputy_id, cosigners__status=ACCEPTED))
        .select_related("deputy", "congress__region")
        .order_by("-id")
    )


def invitations_for(deputy_id: int) -> QuerySet[MotionCoSigner]:
    """Invitations still open: seconding closes when the motion is submitted."""
    return (
        MotionCoSigner.objects.filter(
            deputy_id=deputy_id, status=MotionCoSigner.Status.INVITED, motion__status=Motion.Status.DRAFT
        )
        .select_related("motion__deputy", "motion__congress__region")
        .order_by("-invited_at", "-id")
    )


def home_figures(deputy_id: int) -> dict[str, QuerySet[Any]]:
    """The start page's two figures: open invitations (the invited tab's rows) and own drafts.

    The page counts them with its other panels' in one query (representatives.panels.count_together)."""
    return {
        "invitations": invitations_for(deputy_id),
        "drafts": Motion.objects.filter(deputy_id=deputy_id, status=Motion.Status.DRAFT),
    }


def home_counts(deputy_id: int) -> dict[str, int]:
    return count_together(home_figures(deputy_id))


def invitable_deputies(motion: Motion) -> QuerySet[Deputy]:
    """Serving deputies of the motion's congress who are neither the author nor already invited."""
    return (
        Deputy.objects.filter(
            memberships__congress_id=motion.congress_id, memberships__status=Membership.Status.SERVING
        )
        .exclude(pk=motion.deputy_id)
        .exclude(motion_cosignatures__motion=motion)
        .select_related("region")
        .distinct()
        .order_by("name", "code")
    )


def published(filters=None) -> QuerySet[Motion]:
    """The public list: decided motions, newest decision first."""
    queryset = permissions.published_motions().select_related("deputy", "congress__region")
    year = (filters or {}).get("year", "")
    if str(year).isdigit():
        queryset = queryset.filter(year=int(year))
    return queryset.order_by("-decided_at", "-id")


def public_detail(pk) -> Motion:
    return get_object_or_404(
        permissions.published_motions().select_related("deputy", "congress__region", "suggestion"), pk=pk
    )


def congresses_with_rules(user) -> QuerySet[Congress]:
    """The congresses whose rule the member of staff keeps, paged by the view (a province has hundreds)."""
    return permissions.congresses_for(user).order_by("level", "region__path", "-term_number")


def rules_of(congresses) -> list[tuple[Congress, int, bool]]:
    """For each congress: the number of co-signers and whether the office has set it (else the law's)."""
    congresses = list(congresses)
    rules = dict(MotionRule.objects.filter(congress__in=congresses).values_list("congress_id", "min_cosigners"))
    return [
        (congress, rules.get(congress.pk, legal_cosigners(congress)), congress.pk in rules) for congress in congresses
    ]


def file_motions(deputy_id: int, year: int) -> list[Motion]:
    """The deputy's file (一人一档): motions of the year they led or seconded, drafts left out; one query.

    Each carries ``led``: whether the deputy is its lead author (else they seconded it)."""
    seconded = Q(cosigners__deputy_id=deputy_id, cosigners__status=ACCEPTED)
    motions = list(
        Motion.objects.filter(Q(deputy_id=deputy_id) | seconded, year=year)
        .exclude(status=Motion.Status.DRAFT)
        .select_related("deputy")
        .distinct()
        .order_by("number", "id")
    )
    for motion in motions:
        setattr(motion, "led", motion.deputy_id == deputy_id)  # noqa: B010 - a mark for the template
    return motions
