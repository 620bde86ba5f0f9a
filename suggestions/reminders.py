"""Deadline reminders for suggestions assigned to handling units (督办), built on core.notices.

Each live part is chased against its own deadline (``Assignment.deadline``): the reply deadline for a lead or
split part, the co-opinion deadline for a co part. Steps: advance notices (SUGGESTION_REMINDER_DAYS_BEFORE
days before), due today, overdue (the day after), then a repeating overdue notice every
SUGGESTION_OVERDUE_REPEAT_DAYS days that is escalated to the office staff covering the suggestion's region
and to its supervising leader. Keys carry the part and its deadline, so a new deadline (a re-handling round,
a reassignment) earns new notices, and the ledger keeps each one to a single sending.

Each escalation goes to one person (its key names them), so that everyone receives one digest per sweep
however many regions and key suggestions their list mixes.
"""

import datetime

from django.conf import settings
from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notices import Notice, send_once
from representatives.models import Role, User

from .models import Assignment, Suggestion


def _days_before() -> list[int]:
    return sorted({days for days in settings.SUGGESTION_REMINDER_DAYS_BEFORE if days > 0}, reverse=True)


def _repeat_every() -> int:
    return max(1, settings.SUGGESTION_OVERDUE_REPEAT_DAYS)


def step(deadline: datetime.date, today: datetime.date) -> tuple[str, bool] | None:
    """The step due today for this deadline, and whether it escalates; None when nothing is due."""
    days_left = (deadline - today).days
    if days_left in _days_before():
        return f"before-{days_left}", False
    if days_left == 0:
        return "due", False
    if days_left == -1:
        return "overdue", False
    late = -days_left - 1
    if late > 0 and late % _repeat_every() == 0:
        return f"overdue-{late // _repeat_every()}", True
    return None


def _deadlines_due(today: datetime.date) -> list[datetime.date]:
    """Every deadline for which ``step`` has something to send today.

    Most live parts are between two steps on any given day; asking the database for only these deadlines (an
    indexed IN list) keeps a province's sweep from loading 100,000 parts to send notices for a fifth of them.
    """
    earliest = Assignment.objects.filter(status=Assignment.Status.ACTIVE).aggregate(Min("deadline"))["deadline__min"]
    if earliest is None:
        return []
    days = {-days for days in _days_before()} | {0, 1}
    late = _repeat_every()
    while today - datetime.timedelta(days=1 + late) >= earliest:
        days.add(1 + late)
        late += _repeat_every()
    return sorted(today - datetime.timedelta(days=offset) for offset in days)


def _live_parts(today: datetime.date):
    # Only the current round's parts of a suggestion still being handled: a part from a round before
    # re-handling has nothing left to chase. A co part left open when the lead unit replied without waiting is
    # chased still: the suggestion cannot close until it is done (services.SUGGESTION_STEPS "rate").
    return (
        Assignment.objects.filter(
            status=Assignment.Status.ACTIVE,
            deadline__in=_deadlines_due(today),
            suggestion__status__in=[Suggestion.Status.ASSIGNED, Suggestion.Status.REPLIED],
            round=F("suggestion__round"),
        )
        .select_related("unit", "suggestion__region", "suggestion__supervising_leader")
        .only(
            "id",
            "role",
            "deadline",
            "unit__name",
            "unit__email",
            "unit__contact_phone",
            "suggestion__id",
            "suggestion__number",
            "suggestion__title",
            "suggestion__region__path",
            "suggestion__supervising_leader__id",
            "suggestion__supervising_leader__email",
            "suggestion__supervising_leader__is_active",
        )
        .order_by("deadline", "id")
    )


class _StaffLookup:
    """Active office staff by the region path they cover; one query per sweep, memoised per region."""

    def __init__(self):
        self.staff = list(
            User.objects.filter(role=Role.STAFF, is_active=True, region__isnull=False)
            .select_related("region")
            .only("id", "email", "region__path")
        )
        self.by_path: dict[str, list[User]] = {}

    def covering(self, region_path: str) -> list[User]:
        if region_path not in self.by_path:
            self.by_path[region_path] = [user for user in self.staff if region_path.startswith(user.region.path)]
        return self.by_path[region_path]


def _texts() -> dict[str, str]:
    # Translated once per sweep: looking each up again for every one of tens of thousands of parts took a
    # second of a province's sweep.
    return {
        "co": _("协办意见"),
        "reply": _("答复"),
        "ahead": _("“%(title)s”的%(what)s将于 %(date)s 到期（还有 %(n)d 天）"),
        "due": _("“%(title)s”的%(what)s今天到期"),
        "late": _("“%(title)s”的%(what)s已逾期 %(n)d 天（期限 %(date)s）"),
        "escalated": _("%(unit)s：%(line)s"),
        "sms": _("%(number)s“%(title)s”%(what)s期限%(date)s"),
        "number": _("第%(n)d号"),
    }


def short_title(title: str, length: int = 12) -> str:
    return title if len(title) <= length else f"{title[:length]}…"


def _sms_line(part: Assignment, texts: dict[str, str]) -> str:
    number = part.suggestion.number
    return texts["sms"] % {
        "number": texts["number"] % {"n": number} if number else "",
        "title": short_title(part.suggestion.title),
        "what": texts["co"] if part.role == Assignment.Role.CO else texts["reply"],
        "date": f"{part.deadline:%Y-%m-%d}",
    }


def _line(part: Assignment, days_left: int, texts: dict[str, str]) -> str:
    what = texts["co"] if part.role == Assignment.Role.CO else texts["reply"]
    values = {"title": part.suggestion.title, "what": what, "date": part.deadline, "n": abs(days_left)}
    if days_left > 0:
        return texts["ahead"] % values
    if days_left == 0:
        return texts["due"] % values
    return texts["late"] % values


def _url_maker(name: str):
    # Reversed once per sweep: thousands of reverse() calls cost more than the rest of the loop.
    sentinel = "987654321"
    head, tail = reverse(name, args=[int(sentinel)]).split(sentinel)
    return lambda pk: f"{head}{pk}{tail}"


def build_notices(today: datetime.date) -> list[Notice]:
    """Today's notices for every live part; a bounded number of queries whatever the number of parts."""
    parts = [part for part in _live_parts(today) if step(part.deadline, today) is not None]
    if not parts:
        return []
    unit_ids = {part.unit_id for part in parts}
    clerks: dict[int, list[User]] = {}
    for clerk in User.objects.filter(role=Role.UNIT_CLERK, unit_id__in=unit_ids, is_active=True).only(
        "id", "email", "unit_id"
    ):
        clerks.setdefault(clerk.unit_id, []).append(clerk)
    staff = _StaffLookup()
    unit_url, staff_url = _url_maker("unit:suggestion"), _url_maker("staff:suggestion")
    unit_list = reverse("unit:suggestions")
    texts = _texts()

    notices = []
    for part in parts:
        name, escalate = step(part.deadline, today)
        suggestion = part.suggestion
        line = _line(part, (part.deadline - today).days, texts)
        key = f"suggestion-part:{part.pk}:{name}:{part.deadline:%Y%m%d}"
        unit_clerks = clerks.get(part.unit_id, [])
        notices.append(
            Notice(
                key=key,
                digest=f"unit:{part.unit_id}",
                line=line,
                users=unit_clerks,
                emails=[part.unit.email] + [clerk.email for clerk in unit_clerks],
                phones=[part.unit.contact_phone],
                url=unit_url(suggestion.pk),
                sms=_sms_line(part, texts),
                digest_url=unit_list,
            )
        )
        if not escalate:
            continue
        supervisors = list(staff.covering(suggestion.region.path))
        leader = suggestion.supervising_leader
        if leader is not None and leader.is_active and all(user.pk != leader.pk for user in supervisors):
            supervisors.append(leader)
        escalated = texts["escalated"] % {"unit": part.unit.name, "line": line}
        notices += [
            Notice(
                key=f"{key}:to:{user.pk}",
                digest=f"user:{user.pk}",
                line=escalated,
                users=[user],
                emails=[user.email],
                url=staff_url(suggestion.pk),
            )
            for user in supervisors
        ]
    return notices


def sweep(today: datetime.date | None = None) -> int:
    """Send today's suggestion reminders; returns how many notices went out (0 when run again)."""
    today = today or timezone.localdate()
    return send_once(build_notices(today), subject=_("代表建议办理提醒"))
