"""State changes for stations, duty days and voter opinions: one atomic, audited function per transition.

The opinion flow: 梳理 sort → 拟办 propose → 交办 assign → 督办 supervise → 答复 reply → 反馈 feed back →
办结 close (and, if the office chooses, 公示 publish). A refused step raises ``TransitionError``.
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import Registry
from core.workflow import Step, Workflow, Workflows, in_states
from representatives import tallies
from representatives.audit import record_transition
from representatives.models import Deputy, HandlingUnit
from representatives.permissions import deputies_for, is_deputy, is_office_staff, may_hand_work_to, user_covers_region
from representatives.services import TransitionError
from representatives.workdays import add_working_days

from . import permissions
from .models import (
    DeadlineRule,
    DutyDay,
    DutyShift,
    Opinion,
    Proposal,
    Rating,
    Resolution,
    Station,
    StationMember,
    Supervision,
)

__all__ = ["TransitionError"]

S = Opinion.Status

# Working days per proposal when the office has not set its own (DeadlineRule rows override these).
DEFAULT_WORKING_DAYS = {Proposal.REFER_UNIT: 15, Proposal.TO_HIGHER: 5, Proposal.TO_SUGGESTION: 10, Proposal.ON_SPOT: 0}

# The suggestions app plugs in here (in its AppConfig.ready) to turn an opinion into a draft suggestion:
# called with (opinion, deputy, by) inside the transaction; returns a reference shown on the opinion.
suggestion_drafters: Registry[Callable[..., object]] = Registry("drafting a suggestion from an opinion")

# Apps above plug in here to hear of an opinion's change of state (the api app's webhooks): called with
# (opinion, from_state, to_state) inside the transaction, after the change is saved; what they send waits for
# the commit.
status_listeners: Registry[Callable[[Opinion, str, str], None]] = Registry("opinion state changes")


def _locked(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update().select_related("region").get(pk=opinion.pk)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _move(opinion: Opinion, to_state: str, by, note: str = "", **timestamps) -> Opinion:
    previous = opinion.status
    opinion.status = to_state
    for field, value in timestamps.items():
        setattr(opinion, field, value)
    opinion.save()
    record_transition(obj=opinion, from_state=previous, to_state=to_state, by=by, note=note)
    for listener in status_listeners:
        listener(opinion, previous, to_state)
    return opinion


def _check_unit(by, unit: HandlingUnit) -> None:
    # The same rule as the forms' pick lists (representatives.permissions.handling_units_for), on the loaded row.
    _require(unit.is_active, _("该承办单位已停用。"))
    _require(may_hand_work_to(by, unit), _("只能交办给本区域或上级区域的在用承办单位。"))


# Which steps who may take in which state: pages offer what ``available_steps`` lists, services ``require`` it.

_HANDLE = {"who": permissions.can_handle_opinion, "denied": gettext_lazy("您无权办理这条意见。")}

OPINION_STEPS = Workflow(
    Opinion,
    Step("sort", **_HANDLE, when=((in_states(S.RECEIVED), gettext_lazy("只有刚接收的意见需要梳理。")),)),
    # Offered in this order: a sorted opinion's page shows proposing before merging.
    Step("propose", **_HANDLE, when=((in_states(S.SORTED), gettext_lazy("意见须先梳理，才能拟办。")),)),
    Step("merge", **_HANDLE, when=((in_states(S.RECEIVED, S.SORTED), gettext_lazy("只有尚未拟办的意见可以合并。")),)),
    Step(
        "assign",
        **_HANDLE,
        when=(
            (
                lambda opinion: opinion.status == S.PROPOSED and opinion.proposal == Proposal.REFER_UNIT,
                gettext_lazy("只有拟交承办单位的意见可以交办。"),
            ),
        ),
    ),
    Step("supervise", **_HANDLE, when=((in_states(S.ASSIGNED), gettext_lazy("只有已交办、尚未答复的意见可以督办。")),)),
    Step(
        "reply",
        who=permissions.can_reply_opinion,
        denied=gettext_lazy("这条意见没有交办给您的单位。"),
        when=((in_states(S.ASSIGNED), gettext_lazy("只有已交办的意见可以答复。")),),
    ),
    Step("feedback", **_HANDLE, when=((in_states(S.REPLIED), gettext_lazy("只有已答复的意见可以反馈。")),)),
    Step("close", **_HANDLE, when=((in_states(S.FED_BACK), gettext_lazy("只有已反馈的意见可以办结。")),)),
    Step("publish", **_HANDLE, when=((in_states(S.CLOSED), gettext_lazy("只有已办结的意见可以公示。")),)),
    Step(
        "unpublish",
        **_HANDLE,
        when=((lambda opinion: opinion.published_at is not None, gettext_lazy("这条意见没有公示。")),),
    ),
    # A voter's message to one deputy (码上找代表, services_messages): only that deputy answers it or passes it on.
    Step(
        "answer_message",
        who=permissions.is_addressee,
        denied=gettext_lazy("这条留言不是写给您的。"),
        when=((in_states(S.WITH_DEPUTY), gettext_lazy("这条留言已经处理过了。")),),
    ),
    Step(
        "pass_message",
        who=permissions.is_addressee,
        denied=gettext_lazy("这条留言不是写给您的。"),
        when=((in_states(S.WITH_DEPUTY), gettext_lazy("这条留言已经处理过了。")),),
    ),
    # The voter, without an account, from the tracking page.
    Step(
        "rate",
        who=lambda user, opinion: not user.is_authenticated,
        denied=gettext_lazy("这条意见现在不能评价。"),
        when=(
            (
                lambda opinion: opinion.status == S.FED_BACK and not opinion.rating,
                gettext_lazy("这条意见现在不能评价。"),
            ),
        ),
    ),
)

_MANAGE_STATION = {
    "who": lambda user, duty_day: permissions.can_manage_station(user, duty_day.station),
    "denied": gettext_lazy("您无权管理这个联络站。"),
}
_NOT_CANCELLED = lambda duty_day: duty_day.status != DutyDay.Status.CANCELLED  # noqa: E731

DUTY_DAY_STEPS = Workflow(
    DutyDay,
    Step(
        "record",
        who=permissions.can_record_duty_day,
        denied=gettext_lazy("您无权登记这个接待日。"),
        when=(
            (_NOT_CANCELLED, gettext_lazy("已取消的接待日不能登记接待情况。")),
            (lambda duty_day: duty_day.date <= timezone.localdate(), gettext_lazy("接待日还没到，不能登记接待情况。")),
        ),
    ),
    Step(
        "cancel",
        **_MANAGE_STATION,
        when=((in_states(DutyDay.Status.PLANNED), gettext_lazy("只有尚未接待的接待日可以取消。")),),
    ),
    Step("log_opinion", **_MANAGE_STATION, when=((_NOT_CANCELLED, gettext_lazy("已取消的接待日不能登记选民意见。")),)),
)

WORKFLOWS = Workflows(OPINION_STEPS, DUTY_DAY_STEPS)


def available_steps(user, obj) -> list[str]:
    """The steps ``user`` may take on ``obj`` (an opinion or a duty day) now."""
    return WORKFLOWS.available_steps(user, obj)


def working_days_for(proposal: str) -> int:
    rule = DeadlineRule.objects.filter(proposal=proposal).values_list("working_days", flat=True).first()
    return rule if rule is not None else DEFAULT_WORKING_DAYS[proposal]


# Stations and duty days ----------------------------------------------------------------------------------------


@transaction.atomic
def station_assign_deputies(*, station: Station, deputies, by) -> int:
    """Assign deputies (of any level) to a station; returns how many were new."""
    _require(permissions.can_manage_station(by, station), _("您无权管理这个联络站。"))
    existing = set(station.members.values_list("deputy_id", flat=True))
    new = [StationMember(station=station, deputy=d) for d in deputies if d.pk not in existing]
    StationMember.objects.bulk_create(new)
    tallies.saved(StationMember, created=new)  # bulk_create sends no signal that would mark the counters
    return len(new)


@transaction.atomic
def duty_day_plan(*, station: Station, date, deputies, by, topic: str = "", start_time=None, end_time=None) -> DutyDay:
    _require(permissions.can_manage_station(by, station), _("您无权管理这个联络站。"))
    _require(bool(deputies), _("接待日至少要安排一名值班代表。"))
    members = set(station.members.values_list("deputy_id", flat=True))
    _require(all(d.pk in members for d in deputies), _("值班代表必须是编入该联络站的代表。"))
    duty_day = DutyDay(station=station, date=date, topic=topic, start_time=start_time, end_time=end_time)
    duty_day.full_clean()
    duty_day.save()
    DutyShift.objects.bulk_create([DutyShift(duty_day=duty_day, deputy=d) for d in deputies])
    record_transition(obj=duty_day, from_state="", to_state=duty_day.status, by=by)
    return duty_day


@transaction.atomic
def duty_day_record(*, duty_day: DutyDay, attended_deputy_ids, voters_received: int, summary: str, by) -> DutyDay:
    """Record a held duty day: who came and how many voters were received (人次)."""
    duty_day = DutyDay.objects.select_for_update().select_related("station__region").get(pk=duty_day.pk)
    DUTY_DAY_STEPS.require("record", by, duty_day)
    _require(voters_received >= 0, _("接待人次不能为负数。"))
    attended = set(attended_deputy_ids)
    rostered = set(duty_day.shifts.values_list("deputy_id", flat=True))
    _require(attended <= rostered, _("到岗代表必须是当天排班的代表。"))
    for shift in duty_day.shifts.all():
        shift.attended = shift.deputy_id in attended
        shift.save(update_fields=["attended"])
    previous = duty_day.status
    duty_day.status = DutyDay.Status.HELD
    duty_day.voters_received = voters_received
    duty_day.summary = summary
    duty_day.recorded_by = by
    duty_day.save()
    record_transition(obj=duty_day, from_state=previous, to_state=duty_day.status, by=by)
    return duty_day


@transaction.atomic
def duty_day_cancel(*, duty_day: DutyDay, by, reason: str) -> DutyDay:
    duty_day = DutyDay.objects.select_for_update().select_related("station__region").get(pk=duty_day.pk)
    DUTY_DAY_STEPS.require("cancel", by, duty_day)
    _require(bool(reason.strip()), _("取消接待日必须说明理由。"))
    duty_day.status = DutyDay.Status.CANCELLED
    duty_day.save(update_fields=["status"])
    record_transition(obj=duty_day, from_state=DutyDay.Status.PLANNED, to_state=duty_day.status, by=by, note=reason)
    return duty_day


# Opinions -------------------------------------------------------------------------------------------------------


@transaction.atomic
def opinion_receive(
    *,
    source: str,
    voter_name: str,
    voter_phone: str,
    title: str,
    content: str,
    station: Station | None = None,
    deputy: Deputy | None = None,
    duty_day: DutyDay | None = None,
    category: str = "",
    by=None,
    via: str = "",
) -> Opinion:
    """Take an opinion in: from the public form (``by`` is None), a duty day or a deputy's visit.

    ``via`` names the machine client that passed it on (the api app: the 12345 hotline, another platform);
    the step is then the system's, noted with that name, not the public form's."""
    if duty_day is not None:
        station = duty_day.station
    region = station.region if station is not None else deputy.region if deputy is not None else None
    _require(region is not None, _("意见必须来自一个联络站或一名代表。"))
    if by is not None:
        # The public form has no user; anyone signed in records only for their own region or themselves.
        own_deputy = is_deputy(by) and deputy is not None and deputy.pk == by.deputy_id
        _require(own_deputy or user_covers_region(by, region) and is_office_staff(by), _("您无权登记这条意见。"))
    opinion = Opinion(
        source=source,
        station=station,
        deputy=deputy,
        duty_day=duty_day,
        region=region,
        voter_name=voter_name.strip(),
        voter_phone=voter_phone.strip(),
        title=title.strip(),
        content=content.strip(),
        category=category,
    )
    # The station, deputy and duty day were read from the database by the caller, and a new opinion is RECEIVED
    # without SMS updates, so its four check constraints hold by construction (the database enforces them all
    # the same): validating them again took 14 of the public form's 27 queries.
    opinion.full_clean(exclude=["station", "deputy", "duty_day", "region"], validate_constraints=False)
    opinion.save()
    # Without a user (or a machine client) the opinion came through the public station form.
    record_transition(
        obj=opinion, from_state="", to_state=opinion.status, by=by, public=by is None and not via, note=via
    )
    return opinion


@transaction.atomic
def opinion_sort(*, opinion: Opinion, category: str, by, note: str = "") -> Opinion:
    """梳理: give the opinion its category."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("sort", by, opinion)
    opinion.category = category
    try:
        opinion.full_clean()
    except ValidationError as exc:
        raise TransitionError("; ".join(exc.messages)) from exc
    return _move(opinion, S.SORTED, by, note, sorted_at=timezone.now())


@transaction.atomic
def opinion_merge(*, opinion: Opinion, into: Opinion, by, note: str = "") -> Opinion:
    """梳理: the same matter was raised before; this one follows the earlier one from now on."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("merge", by, opinion)
    _require(into.pk != opinion.pk, _("不能把意见合并到它自己。"))
    _require(into.status != S.MERGED, _("不能合并到一条已被合并的意见。"))
    _require(into.region_id == opinion.region_id or permissions.can_handle_opinion(by, into), _("您无权办理目标意见。"))
    opinion.merged_into = into
    note = note or _("与 %(reference)s 合并") % {"reference": into.reference}
    return _move(opinion, S.MERGED, by, note, sorted_at=timezone.now())


@transaction.atomic
def opinion_propose(
    *,
    opinion: Opinion,
    proposal: str,
    by,
    note: str = "",
    unit: HandlingUnit | None = None,
    answer: str = "",
    deputy: Deputy | None = None,
) -> Opinion:
    """拟办: decide how the opinion will be handled."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("propose", by, opinion)
    _require(proposal in Proposal.values, _("未知的拟办意见。"))
    opinion.proposal = proposal
    opinion.proposal_note = note
    now = timezone.now()
    if proposal == Proposal.ON_SPOT:
        _require(bool(answer.strip()), _("当场答复须填写答复内容。"))
        opinion.reply = answer.strip()
        return _move(opinion, S.REPLIED, by, note, proposed_at=now, replied_at=now)
    if proposal == Proposal.TO_HIGHER:
        # Shown to the voter as transferred, never as refused.
        return _move(opinion, S.TRANSFERRED, by, note, proposed_at=now, closed_at=now)
    if proposal == Proposal.TO_SUGGESTION:
        deputy = deputy or opinion.deputy
        _require(deputy is not None, _("转为代表建议须选定一名代表。"))
        _require(deputies_for(by).filter(pk=deputy.pk).exists(), _("只能转给本区域的代表。"))
        for drafter in suggestion_drafters:  # one at most: the suggestions app's
            opinion.suggestion_ref = str(drafter(opinion, deputy, by))[:50]
        return _move(opinion, S.CONVERTED, by, note, proposed_at=now, closed_at=now)
    _require(unit is not None, _("交承办单位办理须选定承办单位。"))
    _check_unit(by, unit)
    opinion.unit = unit
    return _move(opinion, S.PROPOSED, by, note, proposed_at=now)


@transaction.atomic
def opinion_assign(*, opinion: Opinion, by, unit: HandlingUnit | None = None, note: str = "") -> Opinion:
    """交办: send the opinion to the unit, with a working-day deadline counted from today."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("assign", by, opinion)
    if unit is not None:
        _check_unit(by, unit)
        opinion.unit = unit
    deadline = add_working_days(timezone.localdate(), working_days_for(Proposal.REFER_UNIT))
    opinion.deadline = deadline.date
    opinion.deadline_provisional = deadline.provisional
    return _move(opinion, S.ASSIGNED, by, note, assigned_at=timezone.now())


@transaction.atomic
def opinion_supervise(*, opinion: Opinion, by, note: str) -> Supervision:
    """督办: record a supervision step on an assigned opinion."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("supervise", by, opinion)
    _require(bool(note.strip()), _("督办须填写督办情况。"))
    opinion.supervised = True
    opinion.save(update_fields=["supervised"])
    record_transition(
        obj=opinion, from_state=S.ASSIGNED, to_state=S.ASSIGNED, by=by, note=_("督办：%(note)s") % {"note": note}
    )
    return Supervision.objects.create(opinion=opinion, note=note.strip(), by=by)


@transaction.atomic
def opinion_reply(*, opinion: Opinion, by, text: str) -> Opinion:
    """答复: the unit's answer."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("reply", by, opinion)
    _require(bool(text.strip()), _("答复内容不能为空。"))
    opinion.reply = text.strip()
    return _move(opinion, S.REPLIED, by, replied_at=timezone.now())


@transaction.atomic
def opinion_feed_back(*, opinion: Opinion, by, feedback: str, rating: str = "", resolution: str = "") -> Opinion:
    """反馈: the office tells the voter the outcome and records what the handling achieved (``resolution``: only
    "solved" counts as 已解决); the voter's rating may come now or later."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("feedback", by, opinion)
    _require(bool(feedback.strip()), _("反馈情况不能为空。"))
    _require(rating in ("", *Rating.values), _("未知的评价。"))
    _require(resolution in ("", *Resolution.values), _("未知的办理结果。"))
    opinion.feedback = feedback.strip()
    opinion.rating = rating
    opinion.resolution = resolution
    return _move(opinion, S.FED_BACK, by, fed_back_at=timezone.now())


@transaction.atomic
def opinion_rate_by_voter(*, tracking_code: str, rating: str) -> Opinion:
    """The voter rates the outcome from the tracking page, once, without an account."""
    opinion = Opinion.objects.select_for_update().filter(tracking_code=tracking_code).first()
    _require(opinion is not None, _("查询码不存在。"))
    OPINION_STEPS.require("rate", AnonymousUser(), opinion)
    _require(rating in Rating.values, _("未知的评价。"))
    opinion.rating = rating
    opinion.save(update_fields=["rating"])
    record_transition(obj=opinion, from_state=S.FED_BACK, to_state=S.FED_BACK, by=None, note=_("选民评价"), public=True)
    return opinion


@transaction.atomic
def opinion_close(*, opinion: Opinion, by, publish: bool = False, public_summary: str = "") -> Opinion:
    """办结, and 公示 if the office chooses: the summary is what the public sees, never personal data."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("close", by, opinion)
    now = timezone.now()
    if publish:
        _require(bool(public_summary.strip()), _("公示须填写公示内容。"))
        opinion.public_summary = public_summary.strip()
        opinion.published_at = now
    return _move(opinion, S.CLOSED, by, closed_at=now)


@transaction.atomic
def opinion_publish(*, opinion: Opinion, by, public_summary: str) -> Opinion:
    opinion = _locked(opinion)
    OPINION_STEPS.require("publish", by, opinion)
    _require(bool(public_summary.strip()), _("公示须填写公示内容。"))
    opinion.public_summary = public_summary.strip()
    opinion.published_at = timezone.now()
    opinion.save(update_fields=["public_summary", "published_at"])
    record_transition(obj=opinion, from_state=S.CLOSED, to_state=S.CLOSED, by=by, note=_("公示"))
    return opinion


@transaction.atomic
def opinion_unpublish(*, opinion: Opinion, by) -> Opinion:
    opinion = _locked(opinion)
    OPINION_STEPS.require("unpublish", by, opinion)
    opinion.published_at = None
    opinion.save(update_fields=["published_at"])
    record_transition(obj=opinion, from_state=opinion.status, to_state=opinion.status, by=by, note=_("撤销公示"))
    return opinion


def recompute_provisional_deadlines(year: int) -> int:
    """Registered with representatives.workdays: once a year's holidays are entered, redo its deadlines."""
    count = 0
    days = working_days_for(Proposal.REFER_UNIT)
    for opinion in Opinion.objects.filter(deadline_provisional=True, status=S.ASSIGNED, deadline__year__gte=year):
        deadline = add_working_days(timezone.localdate(opinion.assigned_at), days)
        Opinion.objects.filter(pk=opinion.pk).update(deadline=deadline.date, deadline_provisional=deadline.provisional)
        count += 1
    return count
