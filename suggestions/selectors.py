"""Reads for suggestion pages and exports; each list applies its FilterSet inside."""

import datetime
from typing import Any

from django.db.models import Avg, Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.pagination import shown
from core.regions import ancestor_paths
from representatives.audit import timeline
from representatives.models import HandlingUnit, Role, User
from representatives.permissions import congresses_for, handling_units_for, is_leader, regions_for

from . import origins, permissions
from .filters import SuggestionFilter
from .models import Assignment, CoSigner, Reply, ReplyClass, Suggestion

A = Assignment.Status

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
        congresses=congresses_for(user),
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
    return list(shown(mine, SUPERVISED_COLUMNS)[: limit + 1])


# The leader's own supervised suggestions, a panel beside the office list.
SUPERVISED_COLUMNS = ("year", "number", "title", "status")
# The columns each suggestion list shows (core.pagination.shown); the rest of a row, the body and the refusal
# reason above all, stays in the database. The office list's export reads the filter set's own queryset, whose
# columns are exports.EXPORTED_FIELDS.
STAFF_SUGGESTION_COLUMNS = (
    "year",
    "number",
    "title",
    "is_key",
    "supervising_leader",
    "category",
    "status",
    "round",
    "deputy__name",
)
KEY_SUGGESTION_COLUMNS = (
    "year",
    "number",
    "title",
    "status",
    "round",
    "deputy__name",
    "supervising_leader__last_name",
    "supervising_leader__first_name",
    "supervising_leader__username",
)
# A deputy's own list names each suggestion's congress (Congress.__str__: its level, term and region).
DEPUTY_SUGGESTION_COLUMNS = (
    "year",
    "number",
    "title",
    "status",
    "deputy__name",
    "congress__level",
    "congress__term_number",
    "congress__region__name",
)
INVITATION_COLUMNS = (
    "invited_at",
    "suggestion__title",
    "suggestion__status",
    "suggestion__deputy__name",
    "suggestion__congress__level",
    "suggestion__congress__term_number",
    "suggestion__congress__region__name",
)
UNIT_PART_COLUMNS = (
    "role",
    "round",
    "status",
    "deadline",
    "done_at",
    "suggestion__year",
    "suggestion__number",
    "suggestion__title",
    "suggestion__deputy__name",
)
# The deadlines page's parts and B-class promises.
WATCH_COLUMNS = (
    "role",
    "deadline",
    "unit__name",
    "suggestion__number",
    "suggestion__title",
    "suggestion__deputy__name",
)
PROMISE_COLUMNS = (
    "promised_date",
    "promise_done_at",
    "assignment__unit__name",
    "assignment__suggestion__number",
    "assignment__suggestion__title",
)
# What the office and key lists read of a suggestion's parts (``with_parts``): not the reasons and co-opinions.
PART_COLUMNS = ("suggestion", "round", "role", "status", "deadline", "unit__name")


def with_transferred(queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Marks each suggestion ``transferred`` when a part of it was passed on to another unit."""
    transferred = Assignment.objects.filter(suggestion=OuterRef("pk"), status=Assignment.Status.REASSIGNED)
    return queryset.annotate(transferred=Exists(transferred))


def with_parts(queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Decorate a page of suggestions with their live assignments and units, in one extra query."""
    return queryset.prefetch_related(
        Prefetch(
            "assignments",
            queryset=shown(Assignment.objects.exclude(status=Assignment.Status.REASSIGNED), PART_COLUMNS),
            to_attr="live_parts",
        )
    )


def suggestion_detail(*, user, pk) -> Suggestion:
    return get_object_or_404(
        permissions.suggestions_for(user)
        .select_related("deputy", "congress__region", "region", "supervising_leader", *origins.relations)
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
        .select_related("unit", "rating")
        .prefetch_related("contacts", Prefetch("replies", queryset=Reply.objects.order_by("replied_at")))
        .annotate(role_order=ROLE_ORDER)
        .order_by("round", "role_order", "id")
    )


def parts_to_rate(suggestion: Suggestion, parts: list[Assignment] | None = None) -> list[Assignment]:
    """The parts of the round the lead deputy has still to rate (handled, not rated), lead unit first;
    picked from ``parts`` when the page has loaded them all already (``parts_for``, with their ratings)."""
    if parts is not None:
        return [
            part
            for part in parts
            if part.round == suggestion.round and part.status == Assignment.Status.DONE and not part.is_rated
        ]
    return list(
        suggestion.assignments.filter(round=suggestion.round, status=Assignment.Status.DONE, rating__isnull=True)
        .select_related("unit")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "id")
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


def deadline_watch(
    *,
    user,
    today: datetime.date | None = None,
    within_days: int = 15,
    overdue_days: int = 7,
    unit: HandlingUnit | None = None,
    year: int | None = None,
):
    """What has just become overdue and what is about to, for the office (Alaveteli's users asked for it);
    one unit's parts and one year's suggestions when given."""
    today = today or timezone.localdate()
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("suggestion_id"))
    live = Assignment.objects.filter(Exists(visible), status=Assignment.Status.ACTIVE).select_related(
        "unit", "suggestion__deputy"
    )
    if unit is not None:
        live = live.filter(unit=unit)
    if year:
        live = live.filter(suggestion__year=year)
    return {
        "just_overdue": live.filter(
            deadline__lt=today, deadline__gte=today - datetime.timedelta(days=overdue_days)
        ).order_by("deadline"),
        "due_soon": live.filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=within_days)
        ).order_by("deadline"),
        "long_overdue": live.filter(deadline__lt=today - datetime.timedelta(days=overdue_days)).order_by("deadline"),
    }


def open_promises(*, user, unit: HandlingUnit | None = None, year: int | None = None) -> QuerySet[Reply]:
    """B-class promises not yet confirmed as kept; one unit's and one year's when given."""
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("assignment__suggestion_id"))
    promises = Reply.objects.filter(Exists(visible), reply_class="B", promise_confirmed_at__isnull=True)
    if unit is not None:
        promises = promises.filter(assignment__unit=unit)
    if year:
        promises = promises.filter(assignment__suggestion__year=year)
    return promises.select_related("assignment__unit", "assignment__suggestion").order_by("promised_date")


def leaders_covering(region) -> list[User]:
    """Active standing-committee leaders whose region is this one or above it: who may lead its supervision."""
    return list(
        User.objects.filter(role=Role.LEADER, is_active=True, region__path__in=ancestor_paths(region.path)).order_by(
            "last_name", "first_name", "username"
        )
    )


def unit_figures(*, user, today: datetime.date, year: int | None = None, unit: HandlingUnit | None = None):
    """Per unit: parts assigned, replied, replied on time, overdue now and average days to reply — one query.

    A part passed on to another unit at the unit's own request counts for neither unit's record; a co-unit's
    opinion to the lead unit is its reply.
    """
    visible = permissions.suggestions_for(user).filter(pk=OuterRef("suggestion_id"))
    parts = Assignment.objects.filter(Exists(visible)).exclude(status=A.REASSIGNED)
    if year:
        parts = parts.filter(suggestion__year=year)
    if unit is not None:
        parts = parts.filter(unit=unit)
    done = Q(status=A.DONE)
    rows = list(
        parts.values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(done_at__date__lte=F("deadline"))),
            overdue=Count("pk", filter=Q(status=A.ACTIVE, deadline__lt=today)),
            average=Avg(F("done_at") - F("assigned_at"), filter=done),
        )
        .order_by("-overdue", "unit__name")
    )
    for row in rows:
        row["on_time_rate"] = round(100 * row["on_time"] / row["done"], 1) if row["done"] else None
        average = row["average"]
        row["average_days"] = round(average.total_seconds() / 86400, 1) if average is not None else None
    return rows


# The handling unit's side -------------------------------------------------------------------------------------

# "Due soon" on the unit's pages looks ahead this many days.
UNIT_DUE_SOON_DAYS = 15


def unreported_promises() -> QuerySet[Reply]:
    """B-class replies whose promise the unit has not yet reported as kept."""
    return Reply.objects.filter(reply_class=ReplyClass.B, promise_done_at__isnull=True)


def unit_waiting(*, user, today: datetime.date) -> dict[str, QuerySet[Any]]:
    """What the unit's start page counts: parts waiting, overdue, due soon, asked to be passed on, and promises
    not yet reported (counted with the page's other panels, representatives.panels.count_together)."""
    waiting = unit_assignments(user=user, waiting=True)
    return {
        "waiting": waiting,
        "overdue": waiting.filter(deadline__lt=today),
        "due_soon": waiting.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(UNIT_DUE_SOON_DAYS)),
        "reassign": waiting.filter(status=A.REASSIGN_REQUESTED),
        "promises": unreported_promises().filter(assignment__unit_id=user.unit_id),
    }


# Narrowings of the unit's list the start page links to (``show``); each belongs to one tab.
UNIT_LIST_SHOW = {
    "waiting": {
        "overdue": lambda qs, today: qs.filter(deadline__lt=today),
        "soon": lambda qs, today: qs.filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(UNIT_DUE_SOON_DAYS)
        ),
        "reassign": lambda qs, today: qs.filter(status=A.REASSIGN_REQUESTED),
    },
    "done": {
        "promises": lambda qs, today: qs.filter(Exists(unreported_promises().filter(assignment=OuterRef("pk")))),
    },
}


def unit_list(*, user, tab: str, show: str, today: datetime.date) -> tuple[QuerySet[Assignment], str]:
    """The unit's parts on one tab (``waiting`` or ``done``), narrowed by ``show`` when that tab has it; returns
    the rows and the narrowing applied ("" for none)."""
    queryset = unit_assignments(user=user, waiting=tab == "waiting")
    narrow = UNIT_LIST_SHOW[tab].get(show)
    if narrow is None:
        return queryset, ""
    return narrow(queryset, today), show
