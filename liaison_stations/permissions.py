"""Who may see and do what with stations, duty days and voter opinions."""

from django.db.models import Q, QuerySet

from core.regions import ancestor_paths
from representatives.models import Role, User
from representatives.permissions import (
    is_deputy,
    is_leader,
    is_office_staff,
    is_unit_clerk,
    region_scope_q,
    sees_region_data,
    user_covers_region,
)

from .models import DutyDay, Opinion, Station, StationVisit

# A unit sees an opinion from the moment it is assigned to it; before that it is the office's business.
UNIT_VISIBLE_STATES = ("assigned", "replied", "fed_back", "closed")


def stations_for(user) -> QuerySet[Station]:
    """Stations the user manages (staff) or reads (leaders)."""
    if sees_region_data(user):
        return Station.objects.filter(region_scope_q(user))
    return Station.objects.none()


def public_stations() -> QuerySet[Station]:
    return Station.objects.filter(is_active=True)


def can_manage_station(user, station: Station) -> bool:
    return is_office_staff(user) and user_covers_region(user, station.region)


def duty_days_for(user) -> QuerySet[DutyDay]:
    if sees_region_data(user):
        return DutyDay.objects.filter(region_scope_q(user, "station__region"))
    if is_deputy(user):
        return DutyDay.objects.filter(shifts__deputy_id=user.deputy_id)
    return DutyDay.objects.none()


def can_record_duty_day(user, duty_day: DutyDay) -> bool:
    """Staff of the station's region, or a deputy on that day's roster, record what happened."""
    if can_manage_station(user, duty_day.station):
        return True
    # Read through ``shifts.all()`` so the pages, which prefetch the roster, ask no query of their own.
    return is_deputy(user) and any(shift.deputy_id == user.deputy_id for shift in duty_day.shifts.all())


def opinions_for(user) -> QuerySet[Opinion]:
    if sees_region_data(user):
        return Opinion.objects.filter(region_scope_q(user))
    if is_unit_clerk(user):
        return Opinion.objects.filter(unit_id=user.unit_id, status__in=UNIT_VISIBLE_STATES)
    if is_deputy(user):
        return Opinion.objects.filter(deputy_id=user.deputy_id)
    return Opinion.objects.none()


def can_handle_opinion(user, opinion: Opinion) -> bool:
    """Sorting, proposing, assigning, supervising, feeding back and publishing: the office's steps."""
    return is_office_staff(user) and user_covers_region(user, opinion.region)


def can_reply_opinion(user, opinion: Opinion) -> bool:
    return is_unit_clerk(user) and opinion.unit_id == user.unit_id


def sees_voter_phone(user, opinion: Opinion) -> bool:
    """The voter's phone number is shown in full to office staff only; everyone else sees it masked."""
    return can_handle_opinion(user, opinion)


def station_visits_for(user) -> QuerySet[StationVisit]:
    """Leaders' visits to stations: read by staff and leaders, at the stations of their region and below."""
    if sees_region_data(user):
        return StationVisit.objects.filter(region_scope_q(user, "station__region"))
    return StationVisit.objects.none()


def can_record_visit(user, station: Station, leader=None) -> bool:
    """Staff of the station's region record anyone's visit; a leader records their own, within their region."""
    if can_manage_station(user, station):
        return True
    return is_leader(user) and leader is not None and leader.pk == user.pk and user_covers_region(user, station.region)


def can_change_visit(user, visit: StationVisit) -> bool:
    """Corrections and removals are the office's: staff of the station's region."""
    return can_manage_station(user, visit.station)


def visiting_leaders_for(user) -> QuerySet[User]:
    """Leader accounts a user may name as a station's visitor or filter the visits by: those of the user's
    region, of the regions above it (a city's leaders visit a county's stations) and of the regions below."""
    leaders = User.objects.filter(role=Role.LEADER)
    if user.is_authenticated and user.is_superuser:
        return leaders
    if not sees_region_data(user) or not user.region_id:
        return leaders.none()
    path = user.region.path
    ancestors = ancestor_paths(path, include_self=False)
    return leaders.filter(Q(region__path__startswith=path) | Q(region__path__in=ancestors))


# Voters' messages to one deputy (码上找代表) ----------------------------------------------------------------------


def messages_for(user) -> QuerySet[Opinion]:
    """The messages voters addressed to the signed-in deputy, whatever became of them; nobody else's."""
    if is_deputy(user):
        return Opinion.objects.filter(addressed_to_id=user.deputy_id)
    return Opinion.objects.none()


def is_addressee(user, opinion: Opinion) -> bool:
    """The deputy a voter's message was written to: the only one who answers it or passes it to a station
    (the steps ``answer_message`` and ``pass_message`` in ``services.OPINION_STEPS``)."""
    return is_deputy(user) and opinion.addressed_to_id is not None and opinion.addressed_to_id == user.deputy_id


def message_stations(user) -> QuerySet[Station]:
    """The stations a deputy may pass a message to: the active ones they are assigned to."""
    if is_deputy(user):
        return Station.objects.filter(members__deputy_id=user.deputy_id, is_active=True)
    return Station.objects.none()
