"""Who may see and do what with regions, deputies and activity records.

Every view, admin class, export and attachment download in this app asks this module; later apps build
their own ``permissions.py`` on the role and region helpers here.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from core.regions import ancestor_paths

from .models import ActivityRecord, Deputy, Region, Role


def is_office_staff(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.STAFF)


def is_leader(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.LEADER


def is_deputy(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.DEPUTY and user.deputy_id is not None


def is_unit_clerk(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.UNIT_CLERK and user.unit_id is not None


def sees_region_data(user) -> bool:
    """Staff and leaders read everything in their region and below."""
    return is_office_staff(user) or is_leader(user)


def region_scope_q(user, field: str = "region") -> Q:
    """A filter on ``field`` (a Region relation) limiting rows to the user's region and below.

    Superusers see every region; anyone without a scoped role matches nothing.
    """
    if user.is_authenticated and user.is_superuser:
        return Q()
    if sees_region_data(user) and user.region_id:
        return Q(**{f"{field}__path__startswith": user.region.path})
    return Q(pk__in=[])


def user_covers_region(user, region: Region | None) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return sees_region_data(user) and user.region is not None and user.region.contains(region)


def regions_for(user) -> QuerySet[Region]:
    if user.is_authenticated and user.is_superuser:
        return Region.objects.all()
    if sees_region_data(user) and user.region_id:
        return Region.objects.filter(path__startswith=user.region.path)
    return Region.objects.none()


def congresses_for(user) -> QuerySet:
    """Congresses a user filters by: those of their region, below it and above it (a county's deputies sit in the
    city's congress too); like ``handling_units_for``, the rule of the pick list and of its search."""
    from .models import Congress

    congresses = Congress.objects.select_related("region")
    if user.is_authenticated and user.is_superuser:
        return congresses
    scope = _unit_scope(user)
    if scope is None:
        return congresses.none()
    path, ancestors = scope
    return congresses.filter(Q(region__path__startswith=path) | Q(region__path__in=ancestors))


def groups_for(user) -> QuerySet:
    """Deputy groups a user filters by: those of their region and below."""
    from .models import Group

    return Group.objects.filter(region_scope_q(user)).select_related("region")


def scope_key(user) -> str:
    """The part of a cache key shared by every user who sees the same records: role and region."""
    if user.is_superuser:
        return "all"
    return f"{user.role}:{user.region.path if user.region_id else '-'}"


def _unit_scope(user) -> tuple[str, list[str]] | None:
    """The region path whose tree a user hands work to, and the paths of the regions above it; None if no scope."""
    if not sees_region_data(user) or not user.region_id:
        return None
    path = user.region.path
    return path, ancestor_paths(path, include_self=False)


def handling_units_for(user) -> QuerySet:
    """Active units a user may hand work to (assign, transfer): those in their region, below it, or above it.

    The pick lists of every form and the check in every service that assigns or transfers use this rule, the
    services through ``may_hand_work_to`` on the units the form has already loaded.
    """
    from .models import HandlingUnit

    units = HandlingUnit.objects.filter(is_active=True).select_related("region")
    if user.is_authenticated and user.is_superuser:
        return units
    scope = _unit_scope(user)
    if scope is None:
        return units.none()
    path, ancestors = scope
    return units.filter(Q(region__path__startswith=path) | Q(region__path__in=ancestors))


def may_hand_work_to(user, unit) -> bool:
    """``unit`` is in ``handling_units_for(user)``, decided on the loaded row without another query."""
    if not unit.is_active:
        return False
    if user.is_authenticated and user.is_superuser:
        return True
    scope = _unit_scope(user)
    if scope is None:
        return False
    path, ancestors = scope
    return unit.region.path.startswith(path) or unit.region.path in ancestors


def deputies_for(user) -> QuerySet[Deputy]:
    """Deputies whose full record (private fields included) the user may read."""
    if sees_region_data(user):
        return Deputy.objects.filter(region_scope_q(user))
    if is_deputy(user):
        return Deputy.objects.filter(pk=user.deputy_id)
    return Deputy.objects.none()


def can_see_private_fields(user, deputy: Deputy) -> bool:
    """ID number, home address and an unpublished phone: office staff of the deputy's region, and the deputy."""
    if is_office_staff(user) and user_covers_region(user, deputy.region):
        return True
    return is_deputy(user) and user.deputy_id == deputy.pk


def can_export_roster(user) -> bool:
    """The roster export is the file the office imports back: office staff, who import, take it out."""
    return is_office_staff(user)


def can_edit_deputy(user, deputy: Deputy) -> bool:
    return is_office_staff(user) and user_covers_region(user, deputy.region)


def activities_for(user) -> QuerySet[ActivityRecord]:
    if sees_region_data(user):
        return ActivityRecord.objects.filter(region_scope_q(user, "deputy__region"))
    if is_deputy(user):
        return ActivityRecord.objects.filter(deputy_id=user.deputy_id)
    return ActivityRecord.objects.none()


def can_view_activity(user, record: ActivityRecord) -> bool:
    if is_deputy(user) and record.deputy_id == user.deputy_id:
        return True
    return sees_region_data(user) and user_covers_region(user, record.deputy.region)


def can_edit_activity(user, record: ActivityRecord) -> bool:
    return is_deputy(user) and record.deputy_id == user.deputy_id and record.is_editable_by_deputy


def can_review_activity(user, record: ActivityRecord) -> bool:
    return is_office_staff(user) and user_covers_region(user, record.deputy.region)


def can_open_report_rating(user, record: ActivityRecord) -> bool:
    """Opening voters' rating of a report to voters (述职评议): the deputy who reported, or the region's office."""
    if is_deputy(user) and record.deputy_id == user.deputy_id:
        return True
    return can_review_activity(user, record)


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _role_required(is_office_staff)
region_reader_required = _role_required(sees_region_data)
deputy_required = _role_required(is_deputy)
unit_clerk_required = _role_required(is_unit_clerk)
login_required = _role_required(lambda user: True)
