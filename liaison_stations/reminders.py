"""Deadline reminders for opinions assigned to handling units (督办).

Steps per assignment: advance notices (settings.OPINION_REMINDER_DAYS_BEFORE days before), due today,
overdue (the day after), then a repeating overdue notice every OPINION_OVERDUE_REPEAT_DAYS days that is
escalated to the office staff of the opinion's region. Keys carry the deadline, so a new deadline earns new
notices, and the ledger in representatives.notices keeps each one to a single sending.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from representatives.models import Role, User
from representatives.notices import Notice, send_once

from .models import Opinion


def _days_before() -> list[int]:
    return sorted(getattr(settings, "OPINION_REMINDER_DAYS_BEFORE", [3]), reverse=True)


def _repeat_every() -> int:
    return max(1, getattr(settings, "OPINION_OVERDUE_REPEAT_DAYS", 7))


def _step(deadline: datetime.date, today: datetime.date) -> tuple[str, bool] | None:
    """The step due today for this deadline, and whether it escalates; None when nothing is due."""
    days_left = (deadline - today).days
    if days_left in _days_before():
        return f"before-{days_left}", False
    if days_left == 0:
        return "due", False
    if days_left == -1:
        return "overdue", False
    if days_left < -1 and (-days_left - 1) % _repeat_every() == 0:
        return f"overdue-{(-days_left - 1) // _repeat_every()}", True
    return None


def short_title(title: str, length: int = 12) -> str:
    return title if len(title) <= length else f"{title[:length]}…"


def _staff_by_region():
    staff = list(User.objects.filter(role=Role.STAFF, is_active=True).select_related("region"))
    return lambda region_path: [u for u in staff if u.region and region_path.startswith(u.region.path)]


def build_notices(today: datetime.date) -> list[Notice]:
    horizon = today + datetime.timedelta(days=max(_days_before(), default=0))
    opinions = list(
        Opinion.objects.filter(status=Opinion.Status.ASSIGNED, deadline__lte=horizon)
        .select_related("unit", "region")
        .only(
            "id",
            "title",
            "deadline",
            "tracking_code",
            "unit__name",
            "unit__email",
            "unit__contact_phone",
            "region__path",
        )
    )
    unit_ids = {opinion.unit_id for opinion in opinions}
    clerks: dict[int, list] = {}
    for clerk in User.objects.filter(role=Role.UNIT_CLERK, unit_id__in=unit_ids, is_active=True):
        clerks.setdefault(clerk.unit_id, []).append(clerk)
    staff_for = _staff_by_region()

    notices = []
    for opinion in opinions:
        step = _step(opinion.deadline, today)
        if step is None:
            continue
        name, escalate = step
        days_left = (opinion.deadline - today).days
        if days_left > 0:
            line = _("“%(title)s”将于 %(date)s 到期（还有 %(n)d 天）") % {
                "title": opinion.title,
                "date": opinion.deadline,
                "n": days_left,
            }
        elif days_left == 0:
            line = _("“%(title)s”今天到期") % {"title": opinion.title}
        else:
            line = _("“%(title)s”已逾期 %(n)d 天（期限 %(date)s）") % {
                "title": opinion.title,
                "n": -days_left,
                "date": opinion.deadline,
            }
        unit_clerks = clerks.get(opinion.unit_id, [])
        notices.append(
            Notice(
                key=f"opinion:{opinion.pk}:{name}:{opinion.deadline:%Y%m%d}",
                digest=f"unit:{opinion.unit_id}",
                line=line,
                users=unit_clerks,
                emails=[opinion.unit.email] + [c.email for c in unit_clerks],
                phones=[opinion.unit.contact_phone],
                url=reverse("unit:opinion", args=[opinion.pk]),
                sms=_("%(code)s“%(title)s”期限%(date)s")
                % {
                    "code": opinion.tracking_code,
                    "title": short_title(opinion.title),
                    "date": f"{opinion.deadline:%Y-%m-%d}",
                },
                digest_url=reverse("unit:opinions"),
            )
        )
        if escalate:
            supervisors = staff_for(opinion.region.path)
            notices.append(
                Notice(
                    key=f"opinion:{opinion.pk}:{name}:{opinion.deadline:%Y%m%d}:escalated",
                    digest="office:" + ",".join(str(u.pk) for u in supervisors),
                    line=_("%(unit)s：%(line)s") % {"unit": opinion.unit.name, "line": line},
                    users=supervisors,
                    emails=[u.email for u in supervisors],
                    url=reverse("staff:opinion", args=[opinion.pk]),
                )
            )
    return notices


def sweep(today: datetime.date | None = None) -> int:
    """Send today's opinion reminders; returns how many notices went out (0 when run again)."""
    today = today or timezone.localdate()
    return send_once(build_notices(today), subject=_("选民意见办理提醒"))
