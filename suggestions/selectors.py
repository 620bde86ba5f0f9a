"""Reads for suggestion pages and exports; each list applies its FilterSet inside."""

import datetime

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from representatives.audit import timeline
from representatives.permissions import handling_units_for, is_leader, regions_for

from . import permissions
from .filters import SuggestionFilter
from .models import Assignment, CoSigner, Reply, Suggestion

# The lead unit first, then split units, then co-units: the order offices read a handling record in.
ROLE_ORDER = Case(
    When(role=Assignment.Role.LEAD, then=Value(0)),
    When(role=Assignment.Role.SPLIT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def suggestion_list(*, user, filters=None) -> SuggestionFilter:
    queryset = permissions.suggestions_for(user).select_related("deputy", "congress__region", "region").order_by("-id")
    filterset = SuggestionFilter(
        filters or {},
        queryset=queryset,
        regions=regions_for(user),
        units=handling_units_for(user),
        leader=user if is_leader(user) else None,
    )
    filterset.qs  # noqa: B018
    return filterset


def supervised_by(*, user, limit: int) -> list[Suggestion]:
    """A leader's newest supervised suggestions, for the panel above the list (``limit`` + 1 tells "more").

    A panel rather than sorting them first in the list: "mine first" is an order no index serves, so a
    province-wide list sorted all of its ~100,000 rows on every page (bench/README.md).
    """
    if not is_leader(user):
        return []
    mine = permissions.suggestions_for(user).filter(supervising_leader=user).order_by("-id")
    return list(mine.only("pk", "year", "number", "title", "status")[: limit + 1])


def with_parts(queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Decorate a page of suggestions with their live assignments and units, in one extra query."""
    return queryset.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(status=Assignment.Status.REASSIGNED).select_related("unit"),
            to_attr="live_parts",
        )
    )


def suggestion_detail(*, user, pk) -> Suggestion:
    return get_object_or_404(
        permissions.suggestions_for(user)
        .select_related("deputy", "congress__region", "region", "supervising_leader")
        .prefetch_related(
            Prefetch("cosigners", queryset=CoSigner.objects.select_related("deputy")),
            "attachments",
            "evaluations",
            "supervisions__by",
        ),
        pk=pk,
    )


def parts_for(*, user, suggestion: Suggestion) -> list[Assignment]:
    return list(
        permissions.assignments_visible_to(user, suggestion)
        .select_related("unit")
        .prefetch_related("contacts", Prefetch("replies", queryset=Reply.objects.order_by("replied_at")))
        .annotate(role_order=ROLE_ORDER)
        .order_by("round", "role_order", "id")
    )


def suggestion_timeline(suggestion: Suggestion):
    return timeline(suggestion)


def invitations_for(deputy) -> QuerySet[CoSigner]:
    # Co-signing closes at registration, so later invitations are no longer answerable.
    return CoSigner.objects.filter(
        deputy=deputy, status=CoSigner.Status.INVITED, suggestion__status__in=["draft", "submitted"]
    ).select_related("suggestion__deputy", "suggestion__congress__region")


def unit_assignments(*, user, waiting: bool) -> QuerySet[Assignment]:
    """A unit's parts: what waits for it (by deadline) or what it has done."""
    queryset = Assignment.objects.filter(unit_id=user.unit_id).select_related("suggestion__deputy")
    if waiting:
        return queryset.filter(status__in=[Assignment.Status.ACTIVE, Assignment.Status.REASSIGN_REQUESTED]).order_by(
            "deadline", "id"
        )
    return queryset.filter(status=Assignment.Status.DONE).order_by("-done_at", "-id")


def deadline_watch(*, user, today: datetime.date | None = None, within_days: int = 15, overdue_days: int = 7):
    """What has just become overdue and what is about to, for the office (Alaveteli's users asked for it)."""
    today = today or timezone.localdate()
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("suggestion_id"))
    live = Assignment.objects.filter(Exists(visible), status=Assignment.Status.ACTIVE).select_related(
        "unit", "suggestion__deputy"
    )
    return {
        "just_overdue": live.filter(
            deadline__lt=today, deadline__gte=today - datetime.timedelta(days=overdue_days)
        ).order_by("deadline"),
        "due_soon": live.filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=within_days)
        ).order_by("deadline"),
        "long_overdue": live.filter(deadline__lt=today - datetime.timedelta(days=overdue_days)).order_by("deadline"),
    }


def open_promises(*, user) -> QuerySet[Reply]:
    """B-class promises not yet confirmed as kept."""
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("assignment__suggestion_id"))
    return (
        Reply.objects.filter(Exists(visible), reply_class="B", promise_confirmed_at__isnull=True)
        .select_related("assignment__unit", "assignment__suggestion")
        .order_by("promised_date")
    )
