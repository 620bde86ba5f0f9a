"""Deadline reminders for opinions assigned to handling units (督办), and for voters' messages left with a deputy.

Steps per assignment: advance notices (settings.OPINION_REMINDER_DAYS_BEFORE days before), due today,
overdue (the day after), then a repeating overdue notice every OPINION_OVERDUE_REPEAT_DAYS days that is
escalated to the office staff of the opinion's region. Keys carry the deadline, so a new deadline earns new
notices, and the ledger in core.notices keeps each one to a single sending.

A message to one deputy (码上找代表, ``Opinion.addressed_to``) still unanswered MESSAGE_REMINDER_WORKING_DAYS
working days after it arrived earns the deputy a reminder; after MESSAGE_ESCALATION_WORKING_DAYS the system
passes it to the deputy's station for 梳理 (``services_messages.message_escalate``, a step by no user in the
timeline) and tells the office staff over that station. Both are events keyed per message in the ledger, so a
second sweep sends nothing again.
"""

import datetime
import time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notices import Notice, notify_event, send_once
from representatives.models import Role, User
from representatives.workdays import add_working_days

from .models import Opinion, Station, StationMember

# The sweep's idea of now: the suite's ``clock`` fixture moves it (congress.testing.clock.CLOCK_READERS).
now = time.time


def today_local() -> datetime.date:
    return datetime.datetime.fromtimestamp(now(), tz=timezone.get_current_timezone()).date()


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


def _message_deadlines(received: list[datetime.date]) -> dict[datetime.date, tuple[datetime.date, datetime.date]]:
    """For each day messages arrived on: the day the deputy is reminded and the day the message is escalated."""
    remind, escalate = settings.MESSAGE_REMINDER_WORKING_DAYS, settings.MESSAGE_ESCALATION_WORKING_DAYS
    return {
        day: (add_working_days(day, remind).date, add_working_days(day, escalate).date) for day in sorted(set(received))
    }


def message_sweep(today: datetime.date) -> int:
    """Remind deputies of messages waiting for them, and pass to a station the ones left too long; returns how
    many people were told (0 when run again the same day or later)."""
    from .services_messages import message_escalate  # services import this module's neighbours, not it

    waiting = list(
        Opinion.objects.filter(
            status=Opinion.Status.WITH_DEPUTY,
            addressed_to__isnull=False,
            received_at__lt=datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_current_timezone()),
        )
        .select_related("addressed_to__region")
        .order_by("received_at", "pk")
    )
    if not waiting:
        return 0
    due = _message_deadlines([timezone.localdate(message.received_at) for message in waiting])
    deputy_ids = {message.addressed_to_id for message in waiting}
    accounts: dict[int | None, list] = {}
    for user in User.objects.filter(deputy_id__in=deputy_ids, role=Role.DEPUTY, is_active=True).select_related(
        "deputy"
    ):
        accounts.setdefault(user.deputy_id, []).append(user)
    # The station the system passes a deputy's message to: the first active one the deputy is assigned to.
    stations: dict[int, Station] = {}
    for member in (
        StationMember.objects.filter(deputy_id__in=deputy_ids, station__is_active=True)
        .select_related("station__region")
        .order_by("station_id")
    ):
        stations.setdefault(member.deputy_id, member.station)
    staff_for = _staff_by_region()

    told = 0
    for message in waiting:
        remind_on, escalate_on = due[timezone.localdate(message.received_at)]
        deputy = message.addressed_to
        if today >= escalate_on:
            station = stations.get(deputy.pk)
            with transaction.atomic():
                passed = message_escalate(opinion=message, station=station)
                place = station.region.path if station is not None else deputy.region.path
                title = _("代表留言逾期未处理，已转联络站梳理") if passed else _("代表留言逾期未处理")
                told += notify_event(
                    staff_for(place),
                    key=f"message:{message.pk}:escalated",
                    title=title,
                    body=_("%(deputy)s代表收到的留言“%(title)s”已 %(n)d 个工作日未处理。")
                    % {"deputy": deputy.name, "title": message.title, "n": settings.MESSAGE_ESCALATION_WORKING_DAYS},
                    url=reverse("staff:opinion", args=[message.pk]),
                )
        elif today >= remind_on:
            told += notify_event(
                accounts.get(deputy.pk, []),
                key=f"message:{message.pk}:remind",
                title=_("有选民留言等待您处理"),
                body=_("“%(title)s”：请在 %(date)s 前答复或转联络站，逾期将自动转联络站梳理。")
                % {"title": message.title, "date": f"{escalate_on:%Y-%m-%d}"},
                url=reverse("me:message", args=[message.pk]),
            )
    return told


def sweep(today: datetime.date | None = None) -> int:
    """Send today's opinion reminders and deal with messages left with deputies; returns how many notices went
    out (0 when run again)."""
    today = today or today_local()
    sent = send_once(build_notices(today), subject=_("选民意见办理提醒"))
    return sent + message_sweep(today)
