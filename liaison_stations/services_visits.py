"""Leaders' visits to stations (常委会组成人员/领导到联络站活动): recording, correcting and removing them.

As in ``services``: the permission is checked here, not in the view; each function is atomic and leaves a step
on the visit's timeline (``StateLog``) as well as django-auditlog's history; a refused change raises
``TransitionError`` with the reason and writes nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import bracketed
from representatives.audit import record_transition
from representatives.permissions import is_leader, user_covers_region
from representatives.services import TransitionError

from . import permissions
from .models import Station, StationVisit

__all__ = ["TransitionError", "station_visit_delete", "station_visit_record", "station_visit_update"]

RECORDED, UPDATED, DELETED = StationVisit.Step.RECORDED, StationVisit.Step.UPDATED, StationVisit.Step.DELETED


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _checked(
    visit: StationVisit,
    *,
    station: Station,
    date: datetime.date | None,
    leader,
    visitor_name: str,
    visitor_post: str,
    purpose: str,
    findings: str,
    follow_up: str,
) -> StationVisit:
    """Fill ``visit`` with the given values once each rule holds; the caller has checked who may write it."""
    visitor_name, visitor_post = visitor_name.strip(), visitor_post.strip()
    _require(leader is None or not visitor_name, _("请选择领导账号或填写来访人姓名，二者只填其一。"))
    _require(leader is not None or bool(visitor_name), _("请选择到站的领导，或填写没有账号的来访人姓名和职务。"))
    if leader is not None:
        _require(is_leader(leader), _("所选账号不是在用的常委会领导账号。"))
        _require(user_covers_region(leader, station.region), _("所选领导不是该联络站所在区域或其上级的常委会领导。"))
    else:
        _require(bool(visitor_post), _("没有账号的来访人须填写职务。"))
    _require(date is not None, _("请填写活动日期。"))
    _require(date <= timezone.localdate(), _("活动日期不能晚于今天。"))
    _require(bool(purpose.strip()), _("请填写活动内容。"))
    _require(bool(findings.strip()), _("请填写发现的问题和意见；没有发现问题的，请写明“无”。"))

    same = StationVisit.objects.filter(station=station, date=date)
    same = same.filter(leader=leader) if leader is not None else same.filter(leader=None, visitor_name=visitor_name)
    if visit.pk is not None:
        same = same.exclude(pk=visit.pk)
    _require(
        not same.exists(),
        _("%(visitor)s %(date)s 到%(station)s的活动已经登记过。")
        % {
            "visitor": (leader.get_full_name() or leader.username) if leader is not None else visitor_name,
            "date": date.isoformat(),
            "station": station.name,
        },
    )

    visit.station = station
    visit.date = date
    visit.leader = leader
    visit.visitor_name = "" if leader is not None else visitor_name
    visit.visitor_post = visitor_post
    visit.purpose = purpose.strip()
    visit.findings = findings.strip()
    visit.follow_up = follow_up.strip()
    try:
        visit.full_clean()
    except ValidationError as exc:
        raise TransitionError("；".join(exc.messages)) from exc
    return visit


def _save(visit: StationVisit) -> None:
    # Two people recording the same visit at the same moment both pass the check above; the database's unique
    # constraint then refuses the second.
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError as exc:
        raise TransitionError(_("这次活动刚刚已由他人登记。")) from exc


def _station(station: Station) -> Station:
    return Station.objects.select_related("region").get(pk=station.pk)


@transaction.atomic
def station_visit_record(
    *,
    station: Station,
    date: datetime.date | None,
    by,
    leader=None,
    visitor_name: str = "",
    visitor_post: str = "",
    purpose: str = "",
    findings: str = "",
    follow_up: str = "",
) -> StationVisit:
    """Record a visit: by office staff of the station's region (anyone's), or by a leader (their own)."""
    station = _station(station)
    if not permissions.can_record_visit(by, station, leader):
        _require(not is_leader(by), _("领导只能登记本人到本区域联络站的活动。"))
        raise TransitionError(_("您无权登记这个联络站的活动。"))
    visit = _checked(
        StationVisit(recorded_by=by),
        station=station,
        date=date,
        leader=leader,
        visitor_name=visitor_name,
        visitor_post=visitor_post,
        purpose=purpose,
        findings=findings,
        follow_up=follow_up,
    )
    _save(visit)
    record_transition(obj=visit, from_state="", to_state=RECORDED, by=by)
    return visit


@transaction.atomic
def station_visit_update(
    *,
    visit: StationVisit,
    by,
    station: Station,
    date: datetime.date | None,
    leader=None,
    visitor_name: str = "",
    visitor_post: str = "",
    purpose: str = "",
    findings: str = "",
    follow_up: str = "",
) -> StationVisit:
    """Correct a visit: office staff who cover both the station it was at and the one it is moved to."""
    visit = StationVisit.objects.select_for_update(of=("self",)).select_related("station__region").get(pk=visit.pk)
    station = _station(station)
    _require(
        permissions.can_change_visit(by, visit) and permissions.can_manage_station(by, station),
        _("只有该联络站所在区域的工作人员可以修改这条记录。"),
    )
    visit = _checked(
        visit,
        station=station,
        date=date,
        leader=leader,
        visitor_name=visitor_name,
        visitor_post=visitor_post,
        purpose=purpose,
        findings=findings,
        follow_up=follow_up,
    )
    _save(visit)
    record_transition(obj=visit, from_state="", to_state=UPDATED, by=by)
    return visit


@transaction.atomic
def station_visit_delete(*, visit: StationVisit, by, reason: str = "") -> None:
    """Remove a visit recorded by mistake: office staff of the station's region. The timeline keeps the step
    and django-auditlog the removed values."""
    visit = (
        StationVisit.objects.select_for_update(of=("self",))
        .select_related("station__region", "leader")
        .get(pk=visit.pk)
    )
    _require(permissions.can_change_visit(by, visit), _("只有该联络站所在区域的工作人员可以删除这条记录。"))
    note = _("删除：%(visitor)s %(date)s 到%(station)s") % {
        "visitor": visit.visitor,
        "date": visit.date.isoformat(),
        "station": visit.station.name,
    }
    if reason.strip():
        note = note + bracketed(reason.strip())
    record_transition(obj=visit, from_state="", to_state=DELETED, by=by, note=note)
    visit.delete()
