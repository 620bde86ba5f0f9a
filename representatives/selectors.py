"""Reads for the deputy pages. Each list selector applies its FilterSet, so pages, exports and tests agree."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core.pagination import shown

from . import permissions, tallies
from .filters import ActivityFilter, DeputyFilter
from .models import ActivityAttachment, ActivityRecord, Deputy, Group, Membership, Region


def _with_memberships(queryset: QuerySet[Deputy]) -> QuerySet[Deputy]:
    return queryset.select_related("region").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related(
                "congress__region", "representative_group", "professional_group"
            ).order_by("congress__level"),
        )
    )


def public_deputies() -> QuerySet[Deputy]:
    """Deputies the public may look up: those holding at least one serving seat."""
    return Deputy.objects.filter(
        Exists(Membership.objects.filter(deputy=OuterRef("pk"), status=Membership.Status.SERVING))
    )


def deputy_directory(*, user=None, filters=None, public: bool = False) -> DeputyFilter:
    """The filtered directory: the public one lists serving deputies, the staff one their region's."""
    base = public_deputies() if public else permissions.deputies_for(user)
    regions = Region.objects.all() if public else permissions.regions_for(user)
    groups = Group.objects.select_related("region") if public else permissions.groups_for(user)
    # Staff search regions, congresses and groups (core/autocomplete.py) among the same rows as these.
    filterset = DeputyFilter(
        filters or {},
        queryset=base.order_by("name", "id"),
        regions=regions,
        groups=groups,
        congresses=None if public else permissions.congresses_for(user),
        search=not public,
    )
    filterset.qs  # noqa: B018  validate now so callers can read filterset.form.errors
    return filterset


def roster_seats(deputies: QuerySet[Deputy]) -> QuerySet[Membership]:
    """The seats of ``deputies``, as the roster lists them: by deputy, then by level."""
    return Membership.objects.filter(deputy__in=deputies.values("pk")).order_by(
        "deputy__name", "deputy_id", "congress__level", "congress__code"
    )


# The columns each list shows (core.pagination.shown); the rest of a row (a deputy's ID number, address and
# contact, an activity's texts) stays in the database.
STAFF_DIRECTORY_COLUMNS = ("code", "name", "gender", "work_unit", "post", "region__name")
PUBLIC_DIRECTORY_COLUMNS = ("public_id", "name", "work_unit", "post", "region__name")
# A directory row's seats: the congress's level and the seat's status (``deputy`` is what the prefetch files
# each seat under).
DIRECTORY_SEAT_COLUMNS = ("deputy", "status", "congress__level")
STAFF_ACTIVITY_COLUMNS = ("date", "kind", "place", "status", "deputy__name", "deputy__region__name")
# A deputy's page lists the recent records of the deputy it is about, so no deputy columns.
DEPUTY_ACTIVITY_COLUMNS = ("date", "kind", "place", "status")
MY_ACTIVITY_COLUMNS = ("date", "kind", "place", "status", "description", "return_reason")


def deputy_page(queryset: QuerySet[Deputy]) -> QuerySet[Deputy]:
    """Decorate one page of directory rows (``shown`` with a ``*_DIRECTORY_COLUMNS``) with their seats, in one
    query: each seat's status and its congress's level, not its groups and the congress's region, which only a
    deputy's own page shows (three model instances less per seat, a tenth of the directory's row time)."""
    seats = shown(Membership.objects.order_by("congress__level"), DIRECTORY_SEAT_COLUMNS)
    return queryset.prefetch_related(Prefetch("memberships", queryset=seats))


def public_deputy(public_id) -> Deputy:
    return get_object_or_404(_with_memberships(public_deputies()), public_id=public_id)


def deputy_for_user(*, user, pk) -> Deputy:
    return get_object_or_404(_with_memberships(permissions.deputies_for(user)), pk=pk)


def activity_list(*, user, filters=None, deputy=None) -> ActivityFilter:
    base = permissions.activities_for(user)
    if deputy is not None:
        base = base.filter(deputy=deputy)
    base = base.select_related("deputy__region", "reviewed_by").order_by("-date", "-id")
    filterset = ActivityFilter(filters or {}, queryset=base, regions=permissions.regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def with_attachment_counts(queryset: QuerySet[ActivityRecord]) -> QuerySet[ActivityRecord]:
    """Each record with ``attachment_count``, in the rows' own query (a list shows how many, not which files)."""
    counted = (
        ActivityAttachment.objects.filter(record=OuterRef("pk"))
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(attachment_count=Coalesce(Subquery(counted), 0))


def activity_for_user(*, user, pk) -> ActivityRecord:
    return get_object_or_404(
        permissions.activities_for(user)
        .select_related("deputy__region", "reviewed_by")
        .prefetch_related("attachments"),
        pk=pk,
    )


def activity_timeline(record: ActivityRecord):
    from .audit import timeline

    return timeline(record)


def staff_summary(*, user) -> dict:
    """The few counts on the staff start page: sums of the tallies of the user's region (tallies.py), kept in
    the cache until the data changes."""
    return tallies.cached(f"staff_summary:{permissions.scope_key(user)}", lambda: _staff_summary(user))


def _staff_summary(user) -> dict:
    found = tallies.sums({"deputies": Q(), "activities": Q()}, where=permissions.region_scope_q(user))

    def records(status: str) -> int:
        return sum(found.total("activities", key) for key in found.keys("activities", f"{status}|"))

    return {
        "deputies": found.total("deputies", "all"),
        "pending_activities": records(ActivityRecord.Status.PENDING),
        "confirmed_activities": records(ActivityRecord.Status.CONFIRMED),
    }


def inbox_for(user):
    from core.models import Notification

    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
