"""Keeping a station's own record: its details, its "七有" checks and who is assigned to it.

These complement ``services`` (the lead's transitions) with the same rules: permission checked here, not in
the view; atomic; every change leaves a step on the station's timeline as well as django-auditlog's history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from representatives.audit import record_transition
from representatives.permissions import is_office_staff, user_covers_region
from representatives.services import TransitionError

from . import permissions
from .models import StandardCheck, StandardItem, Station, StationMember

# What a station form may set; anything else in ``data`` is a programming error, not user input.
STATION_FIELDS = Station.EDITABLE_FIELDS


@transaction.atomic
def station_save(*, station: Station | None = None, data: dict, by) -> Station:
    """Create a station, or change one; the user must cover both the old and the new region."""
    unknown = set(data) - set(STATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown station fields: {sorted(unknown)}")
    if station is None:
        station = Station()
        previous = ""
        stored_stars = None
    else:
        station = Station.objects.select_for_update().select_related("region").get(pk=station.pk)
        if not permissions.can_manage_station(by, station):
            raise TransitionError(_("您无权管理这个联络站。"))
        previous = "updated"
        stored_stars = station.star_rating
    region = data.get("region", station.region if station.region_id else None)
    if not (is_office_staff(by) and user_covers_region(by, region)):
        raise TransitionError(_("只能在本区域及下级区域设立联络站。"))
    for name, value in data.items():
        setattr(station, name, value)
    # Raises ValidationError (the unique name per region among others) for the form to show by field.
    errors = {}
    try:
        station.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    # A rating is checked against the office's star rule when it is set; one given before the rule existed
    # stays until someone changes it, so that editing a station's address does not depend on its checks.
    if station.star_rating != stored_stars and "star_rating" not in errors:
        refusal = station.star_rating_refusal()
        if refusal:
            errors["star_rating"] = [refusal]
    if errors:
        raise ValidationError(errors)
    station.save()
    record_transition(obj=station, from_state=previous, to_state="updated" if previous else "created", by=by)
    return station


@transaction.atomic
def station_record_checks(*, station: Station, checks: dict, by) -> list[StandardCheck]:
    """Save all seven "七有" items at once: ``checks`` maps each item to passed, evidence and checked_on."""
    station = Station.objects.select_for_update().select_related("region").get(pk=station.pk)
    if not permissions.can_manage_station(by, station):
        raise TransitionError(_("您无权管理这个联络站。"))
    missing = set(StandardItem.values) - set(checks)
    if missing or set(checks) - set(StandardItem.values):
        raise TransitionError(_("“七有”检查须对七项逐一填写。"))
    saved = []
    for item in StandardItem.values:
        values = checks[item]
        checked_on = values.get("checked_on") or None
        if checked_on is not None and checked_on > timezone.localdate():
            raise TransitionError(_("检查日期不能晚于今天。"))
        check, _created = StandardCheck.objects.update_or_create(
            station=station,
            item=item,
            defaults={
                "passed": bool(values.get("passed")),
                "evidence": (values.get("evidence") or "").strip(),
                "checked_by": by,
                **({"checked_on": checked_on} if checked_on else {}),
            },
        )
        saved.append(check)
    passed = sum(1 for check in saved if check.passed)
    record_transition(
        obj=station,
        from_state="",
        to_state="checked",
        by=by,
        note=_("“七有”检查：%(passed)d/%(total)d 项达标") % {"passed": passed, "total": len(saved)},
    )
    return saved


@transaction.atomic
def station_remove_deputy(*, station: Station, deputy, by) -> bool:
    """Take a deputy off a station's list; duty days already planned keep their roster."""
    station = Station.objects.select_for_update().select_related("region").get(pk=station.pk)
    if not permissions.can_manage_station(by, station):
        raise TransitionError(_("您无权管理这个联络站。"))
    deleted, _detail = StationMember.objects.filter(station=station, deputy=deputy).delete()
    if not deleted:
        raise TransitionError(_("这名代表没有编入该联络站。"))
    record_transition(
        obj=station,
        from_state="",
        to_state="member_removed",
        by=by,
        note=_("移出代表：%(name)s（%(code)s）") % {"name": deputy.name, "code": deputy.code},
    )
    return True
