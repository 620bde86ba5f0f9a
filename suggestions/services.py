"""Every transition of a suggestion: one atomic, audited function each; a refusal raises TransitionError.

Each function locks the suggestion row (``select_for_update``) and, when the caller passes the version it
displayed, refuses a change made on a page that someone else has changed since — two clerks acting at once
get one success and one clear message, never a half-applied mix.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notices import notify, notify_event
from core.text import join_clauses, join_list
from core.uploads import sniff_content_type, store_uploads, validate_attachment
from core.workflow import Step, Workflow, Workflows, in_states
from representatives import tallies
from representatives.audit import record_transition
from representatives.models import Congress, Deputy, HandlingUnit, Membership, Role, User
from representatives.permissions import is_deputy, is_leader, may_hand_work_to, user_covers_region
from representatives.services import TransitionError
from representatives.workdays import add_working_days

from . import deadlines, permissions
from .models import (
    Assignment,
    Attachment,
    ContactLog,
    CoSigner,
    Evaluation,
    Reply,
    ReplyClass,
    Suggestion,
    Supervision,
    UnitRating,
)

__all__ = ["TransitionError"]

S = Suggestion.Status
A = Assignment.Status


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _locked(suggestion: Suggestion, expected_version: int | None = None) -> Suggestion:
    locked = Suggestion.objects.select_for_update().select_related("region", "deputy").get(pk=suggestion.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TransitionError(_("这件建议刚被其他人修改过，请刷新页面后再操作。"))
    return locked


def _save(suggestion: Suggestion, by, to_state: str | None = None, note: str = "", **fields) -> Suggestion:
    previous = suggestion.status
    if to_state is not None:
        suggestion.status = to_state
    for name, value in fields.items():
        setattr(suggestion, name, value)
    suggestion.version = F("version") + 1
    suggestion.save()
    suggestion.refresh_from_db(fields=["version"])
    record_transition(obj=suggestion, from_state=previous, to_state=suggestion.status, by=by, note=note)
    return suggestion


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise TransitionError(join_clauses(exc.messages)) from exc


# Which steps who may take in which state, for the suggestion and its parts: pages offer what
# ``available_steps`` lists, and the service behind each step ``require``s it under the row lock.

# Co-signing stays open until the office registers the suggestion.
COSIGN_OPEN_STATES = (S.DRAFT, S.SUBMITTED)
# A key suggestion's work is checked again (二次验收) once the unit has replied.
ACCEPTABLE_STATES = (S.REPLIED, S.CLOSED)

# A part still being handled: the suggestion waits for it.
OPEN_PART_STATES = (A.ACTIVE, A.REASSIGN_REQUESTED)


def parts_open(suggestion: Suggestion) -> bool:
    """Whether a part of the current round is still being handled (nothing closes while one is)."""
    return suggestion.assignments.filter(round=suggestion.round, status__in=OPEN_PART_STATES).exists()


def co_opinions_pending(part: Assignment) -> bool:
    """Whether a co-unit of the part's round has yet to give the lead unit its opinion.

    Kept on the part: two steps ask it, and a page that has loaded every part sets it from them
    (``note_co_opinions``); a service asks it of the row it has just locked, so never of a stale answer."""
    memo = vars(part)
    if memo.get("_co_opinions_pending") is None:
        memo["_co_opinions_pending"] = part.suggestion.assignments.filter(
            round=part.round, role=Assignment.Role.CO, status__in=OPEN_PART_STATES
        ).exists()
    return bool(memo["_co_opinions_pending"])


def is_rated(part: Assignment) -> bool:
    return part.is_rated


def rateable(part: Assignment) -> bool:
    """A part the deputy rates: handled (replied, or the co-unit's opinion given) in the suggestion's round."""
    return part.status == A.DONE and part.round == part.suggestion.round


def note_co_opinions(part: Assignment, parts) -> None:
    """Answer ``co_opinions_pending`` for ``part`` from the suggestion's ``parts`` a page has already loaded."""
    vars(part)["_co_opinions_pending"] = any(
        other.role == Assignment.Role.CO and other.round == part.round and other.status in OPEN_PART_STATES
        for other in parts
    )


_AUTHOR = {"who": permissions.is_author}
_MANAGE = {"who": permissions.can_manage, "denied": gettext_lazy("您无权办理这件建议。")}

SUGGESTION_STEPS = Workflow(
    Suggestion,
    # The deputy's.
    Step(
        "edit",
        **_AUTHOR,
        denied=gettext_lazy("只有领衔代表可以修改建议。"),
        when=((in_states(S.DRAFT), gettext_lazy("建议提交后不能再修改。")),),
    ),
    Step(
        "submit",
        **_AUTHOR,
        denied=gettext_lazy("只有领衔代表可以提交建议。"),
        when=((in_states(S.DRAFT), gettext_lazy("只有草稿可以提交。")),),
    ),
    Step(
        "invite",
        **_AUTHOR,
        denied=gettext_lazy("只有领衔代表可以邀请联名。"),
        when=((in_states(*COSIGN_OPEN_STATES), gettext_lazy("建议立案后不能再邀请联名。")),),
    ),
    Step(
        "rate",
        **_AUTHOR,
        denied=gettext_lazy("只有领衔代表可以评价答复。"),
        when=(
            (in_states(S.REPLIED), gettext_lazy("建议答复后才能评价。")),
            (
                lambda suggestion: not parts_open(suggestion),
                gettext_lazy("还有承办单位的办理尚未完成，暂不能评价办结。"),
            ),
        ),
    ),
    # The office's, in the order the page offers them.
    Step("register", **_MANAGE, when=((in_states(S.SUBMITTED), gettext_lazy("只有已提交的建议可以立案。")),)),
    Step("refuse", **_MANAGE, when=((in_states(S.SUBMITTED), gettext_lazy("只有已提交的建议可以不予立案。")),)),
    Step("assign", **_MANAGE, when=((in_states(S.REGISTERED), gettext_lazy("只有已立案的建议可以交办。")),)),
    Step("split", **_MANAGE, when=((in_states(S.REGISTERED), gettext_lazy("只有已立案的建议可以交办。")),)),
    Step(
        "mark_key",
        **_MANAGE,
        when=(
            (
                in_states(S.REGISTERED, S.ASSIGNED, S.REPLIED),
                gettext_lazy("只有已立案、尚未办结的建议可以列为重点督办。"),
            ),
        ),
    ),
    # Staff, and the leaders of the region or the one leading it.
    Step(
        "supervise",
        who=permissions.can_supervise,
        denied=gettext_lazy("您无权督办这件建议。"),
        when=((lambda suggestion: suggestion.is_key, gettext_lazy("只有重点督办建议登记督办记录。")),),
    ),
    # 二次验收 (services_acceptance): after the unit has replied, and the suggestion may since have been closed.
    Step(
        "accept",
        who=permissions.can_supervise,
        denied=gettext_lazy("您无权督办这件建议。"),
        when=(
            (lambda suggestion: suggestion.is_key, gettext_lazy("只有重点督办建议进行二次验收。")),
            (in_states(*ACCEPTABLE_STATES), gettext_lazy("承办单位答复后才能进行二次验收。")),
        ),
    ),
)


def reassign_window_end(part: Assignment) -> datetime.date:
    """The last day a unit may ask to have its part passed to another unit (kept on the part: two queries)."""
    if getattr(part, "_reassign_window_end", None) is None:
        start = timezone.localdate(part.assigned_at)
        part._reassign_window_end = add_working_days(start, settings.SUGGESTION_REASSIGN_WINDOW_DAYS).date
    return part._reassign_window_end


_UNIT = {"who": permissions.can_act_for_assignment, "denied": gettext_lazy("这项交办不属于您的单位。")}
_PART_MANAGE = {
    "who": lambda user, part: permissions.can_manage(user, part.suggestion),
    "denied": gettext_lazy("您无权办理这件建议。"),
}
_REASSIGN_REQUESTED = (in_states(A.REASSIGN_REQUESTED), gettext_lazy("这项交办没有申请调整。"))

PART_STEPS = Workflow(
    Assignment,
    # The unit's, in the order its page shows them.
    Step(
        "contact",
        **_UNIT,
        when=((lambda part: part.status != A.REASSIGNED, gettext_lazy("这项交办已调整给其他单位。")),),
    ),
    Step(
        "request_reassign",
        **_UNIT,
        when=(
            (in_states(A.ACTIVE), gettext_lazy("只有办理中的交办可以申请调整。")),
            (
                lambda part: timezone.localdate() <= reassign_window_end(part),
                lambda part: (
                    _("申请调整须在交办后 %(n)d 个工作日内提出。") % {"n": settings.SUGGESTION_REASSIGN_WINDOW_DAYS}
                ),
            ),
        ),
    ),
    Step(
        "co_opinion",
        **_UNIT,
        when=(
            (lambda part: part.role == Assignment.Role.CO, gettext_lazy("只有协办单位提交协办意见。")),
            (in_states(A.ACTIVE), gettext_lazy("这项交办已不在办理中。")),
        ),
    ),
    Step(
        "reply",
        **_UNIT,
        when=(
            (lambda part: part.replies_to_deputy, gettext_lazy("协办单位不直接答复代表，请向主办单位提交协办意见。")),
            (in_states(A.ACTIVE), gettext_lazy("只有办理中的交办可以答复。")),
            (lambda part: part.suggestion.status == S.ASSIGNED, gettext_lazy("这件建议现在不能答复。")),
            (
                lambda part: not co_opinions_pending(part),
                gettext_lazy("协办单位的意见尚未全部提交：请等待，或说明理由后先行答复。"),
            ),
        ),
    ),
    # The lead unit's reply before every co-unit's opinion is in, with its reason (kept on the reply).
    Step(
        "reply_ahead",
        who=permissions.can_act_for_assignment,
        denied=gettext_lazy("这项交办不属于您的单位。"),
        when=(
            (lambda part: part.role == Assignment.Role.LEAD, gettext_lazy("只有主办单位可以先行答复。")),
            (in_states(A.ACTIVE), gettext_lazy("只有办理中的交办可以答复。")),
            (lambda part: part.suggestion.status == S.ASSIGNED, gettext_lazy("这件建议现在不能答复。")),
            (co_opinions_pending, gettext_lazy("协办单位均已提交意见，请直接答复。")),
        ),
    ),
    # The lead deputy's rating of each unit's part once the round's parts are all handled (suggestion "rate").
    Step(
        "rate",
        who=lambda user, part: permissions.is_author(user, part.suggestion),
        denied=gettext_lazy("只有领衔代表可以评价答复。"),
        when=(
            (lambda part: part.suggestion.status == S.REPLIED, gettext_lazy("建议答复后才能评价。")),
            (rateable, gettext_lazy("只能评价本轮已办理完毕的承办单位。")),
            (lambda part: not is_rated(part), gettext_lazy("已经评价过这个承办单位。")),
        ),
    ),
    # The office's answer to a unit's request.
    Step("reassign_accept", **_PART_MANAGE, when=(_REASSIGN_REQUESTED,)),
    Step("reassign_refuse", **_PART_MANAGE, when=(_REASSIGN_REQUESTED,)),
)

REPLY_STEPS = Workflow(
    Reply,
    Step(
        "promise_done",
        who=lambda user, reply: permissions.can_act_for_assignment(user, reply.assignment),
        denied=gettext_lazy("这项答复不属于您的单位。"),
        when=(
            (lambda reply: reply.reply_class == ReplyClass.B, gettext_lazy("只有B类答复有承诺事项。")),
            (lambda reply: reply.promise_done_at is None, gettext_lazy("已经报告过完成情况。")),
        ),
    ),
    Step(
        "promise_confirm",
        who=lambda user, reply: permissions.can_manage(user, reply.assignment.suggestion),
        denied=gettext_lazy("您无权办理这件建议。"),
        when=(
            (lambda reply: reply.promise_done_at is not None, gettext_lazy("承办单位尚未报告完成。")),
            (lambda reply: reply.promise_confirmed_at is None, gettext_lazy("已经确认过。")),
        ),
    ),
)

COSIGN_STEPS = Workflow(
    CoSigner,
    Step(
        "answer",
        who=lambda user, cosigner: is_deputy(user) and user.deputy_id == cosigner.deputy_id,
        denied=gettext_lazy("只能答复邀请您本人的联名。"),
        when=(
            (in_states(CoSigner.Status.INVITED), gettext_lazy("您已经答复过这个邀请。")),
            (
                lambda cosigner: cosigner.suggestion.status in COSIGN_OPEN_STATES,
                gettext_lazy("建议已立案，联名已截止。"),
            ),
        ),
    ),
)

WORKFLOWS = Workflows(SUGGESTION_STEPS, PART_STEPS, REPLY_STEPS, COSIGN_STEPS)


def available_steps(user, obj) -> list[str]:
    """The steps ``user`` may take now on ``obj``: a suggestion, one of its parts, a reply or an invitation."""
    return WORKFLOWS.available_steps(user, obj)


def _deputy_users(*deputies: Deputy) -> list[User]:
    return list(User.objects.filter(deputy__in=deputies, role=Role.DEPUTY, is_active=True))


def _unit_users(*units: HandlingUnit) -> list[User]:
    return list(User.objects.filter(unit__in=units, role=Role.UNIT_CLERK, is_active=True))


def _office_users(suggestion: Suggestion) -> list[User]:
    staff = User.objects.filter(role=Role.STAFF, is_active=True).select_related("region")
    return [user for user in staff if user.region and user.region.contains(suggestion.region)]


def _tell(users, suggestion: Suggestion, title: str, url_name: str) -> None:
    notify(users, title=title, body=suggestion.title, url=reverse(url_name, args=[suggestion.pk]))


def _tell_deputies(deputies, suggestion: Suggestion, event: str, title: str, note: str = "") -> None:
    """A deputy's notice of one event of their suggestion: in-app, and by text or e-mail as they chose; once."""
    users = User.objects.filter(deputy__in=deputies, role=Role.DEPUTY, is_active=True).select_related("deputy")
    heading = f"{suggestion.number_label} {suggestion.title}" if suggestion.number else suggestion.title
    notify_event(
        users,
        key=f"suggestion:{suggestion.pk}:{event}",
        title=title,
        body=f"{heading}\n{note}" if note else heading,
        url=reverse("me:suggestion", args=[suggestion.pk]),
    )


# The deputy's side -------------------------------------------------------------------------------------------


def serving_congresses(deputy: Deputy):
    return Congress.objects.filter(
        memberships__deputy=deputy, memberships__status=Membership.Status.SERVING
    ).select_related("region")


@transaction.atomic
def suggestion_create(*, deputy: Deputy, congress: Congress, by, files=(), **fields) -> Suggestion:
    _require(is_deputy(by) and by.deputy_id == deputy.pk, _("只能以本人名义起草建议。"))
    _require(serving_congresses(deputy).filter(pk=congress.pk).exists(), _("您不是这届人民代表大会的在任代表。"))
    suggestion = Suggestion(
        deputy=deputy, congress=congress, region=congress.region, year=timezone.localdate().year, **fields
    )
    _clean(suggestion)
    suggestion.save()
    store_uploads(Attachment, files, suggestion=suggestion)
    record_transition(obj=suggestion, from_state="", to_state=S.DRAFT, by=by)
    return suggestion


@transaction.atomic
def suggestion_update(*, suggestion: Suggestion, by, files=(), expected_version=None, **fields) -> Suggestion:
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("edit", by, suggestion)
    congress = fields.get("congress")
    if congress is not None and congress.pk != suggestion.congress_id:
        _require(
            serving_congresses(suggestion.deputy).filter(pk=congress.pk).exists(),
            _("您不是这届人民代表大会的在任代表。"),
        )
        fields["region"] = congress.region
    for name, value in fields.items():
        setattr(suggestion, name, value)
    _clean(suggestion)
    suggestion.version = F("version") + 1
    suggestion.save()
    store_uploads(Attachment, files, suggestion=suggestion)
    return suggestion


@transaction.atomic
def cosigners_invite(*, suggestion: Suggestion, deputies, by) -> int:
    """Invite co-signers (联名/附议): serving deputies of the same congress, not the author."""
    suggestion = _locked(suggestion)
    SUGGESTION_STEPS.require("invite", by, suggestion)
    serving = set(
        Membership.objects.filter(congress=suggestion.congress, status=Membership.Status.SERVING).values_list(
            "deputy_id", flat=True
        )
    )
    deputies = list(deputies)
    _require(all(d.pk in serving for d in deputies), _("联名代表必须是本届在任代表。"))
    _require(all(d.pk != suggestion.deputy_id for d in deputies), _("领衔代表不能邀请自己联名。"))
    existing = set(suggestion.cosigners.values_list("deputy_id", flat=True))
    # One INSERT per invitation rather than bulk: a handful of rows, and each then leaves an audit entry.
    new = [CoSigner.objects.create(suggestion=suggestion, deputy=d) for d in deputies if d.pk not in existing]
    _tell_deputies([c.deputy for c in new], suggestion, "cosign-invited", _("邀请您联名提出建议"))
    return len(new)


@transaction.atomic
def cosign_respond(*, cosigner: CoSigner, by, accept: bool) -> CoSigner:
    cosigner = CoSigner.objects.select_for_update().select_related("suggestion").get(pk=cosigner.pk)
    COSIGN_STEPS.require("answer", by, cosigner)
    cosigner.status = CoSigner.Status.ACCEPTED if accept else CoSigner.Status.DECLINED
    cosigner.responded_at = timezone.now()
    cosigner.save(update_fields=["status", "responded_at"])
    note = _("%(name)s 同意联名") if accept else _("%(name)s 谢绝联名")
    record_transition(
        obj=cosigner.suggestion,
        from_state=cosigner.suggestion.status,
        to_state=cosigner.suggestion.status,
        by=by,
        note=note % {"name": cosigner.deputy.name},
    )
    return cosigner


@transaction.atomic
def suggestion_submit(*, suggestion: Suggestion, by, expected_version=None) -> Suggestion:
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("submit", by, suggestion)
    # Numbers run per congress and year; locking the congress row serialises concurrent submissions.
    Congress.objects.select_for_update().filter(pk=suggestion.congress_id).first()
    year = timezone.localdate().year
    last = Suggestion.objects.filter(congress_id=suggestion.congress_id, year=year).aggregate(n=Max("number"))["n"]
    _save(suggestion, by, S.SUBMITTED, year=year, number=(last or 0) + 1, submitted_at=timezone.now())
    _tell(_office_users(suggestion), suggestion, _("收到新提交的代表建议"), "staff:suggestion")
    return suggestion


# The office's side -------------------------------------------------------------------------------------------


@transaction.atomic
def suggestion_register(*, suggestion: Suggestion, by, is_complex: bool = False, expected_version=None) -> Suggestion:
    """立案."""
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("register", by, suggestion)
    _save(suggestion, by, S.REGISTERED, is_complex=is_complex, registered_at=timezone.now())
    _tell_deputies([suggestion.deputy], suggestion, "registered", _("您的建议已立案"))
    return suggestion


@transaction.atomic
def suggestion_refuse(*, suggestion: Suggestion, by, reason: str, expected_version=None) -> Suggestion:
    """不予立案: handled as a letter, with the reason given to the deputy."""
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("refuse", by, suggestion)
    _require(bool(reason.strip()), _("不予立案必须说明理由。"))
    _save(suggestion, by, S.NOT_REGISTERED, note=reason, refusal_reason=reason.strip(), closed_at=timezone.now())
    _tell_deputies(
        [suggestion.deputy],
        suggestion,
        "not-registered",
        _("您的建议不予立案，转为来信处理"),
        note=_("理由：%(reason)s") % {"reason": reason.strip()},
    )
    return suggestion


@transaction.atomic
def suggestion_mark_key(*, suggestion: Suggestion, by, leader: User, expected_version=None) -> Suggestion:
    """重点督办, led by a standing-committee leader."""
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("mark_key", by, suggestion)
    _require(is_leader(leader) and user_covers_region(leader, suggestion.region), _("领衔督办的须是本级常委会领导。"))
    _save(
        suggestion,
        by,
        note=_("列为重点督办，领衔督办：%(name)s") % {"name": leader.get_full_name() or leader.username},
        is_key=True,
        supervising_leader=leader,
    )
    notify(
        [leader],
        title=_("请您领衔督办重点建议"),
        body=suggestion.title,
        url=reverse("staff:suggestion", args=[suggestion.pk]),
    )
    return suggestion


def _check_units(by, units) -> None:
    # The rule of the pick lists (representatives.permissions.handling_units_for), on the rows the form loaded.
    _require(all(may_hand_work_to(by, unit) for unit in units), _("只能交办给本区域或上级区域的在用承办单位。"))
    _require(len({unit.pk for unit in units}) == len(units), _("同一单位不能重复交办。"))


def _start_round(suggestion: Suggestion, parts, *, deadline: datetime.date, co_deadline: datetime.date | None):
    now = timezone.now()
    created = [
        Assignment(
            suggestion=suggestion,
            unit=unit,
            role=role,
            round=suggestion.round,
            assigned_at=now,
            deadline=co_deadline if role == Assignment.Role.CO and co_deadline else deadline,
        )
        for unit, role in parts
    ]
    Assignment.objects.bulk_create(created)
    tallies.saved(Assignment, created=created)  # bulk_create sends no signal that would mark the counters
    return created


@transaction.atomic
def suggestion_assign(
    *,
    suggestion: Suggestion,
    by,
    lead_unit: HandlingUnit,
    co_units=(),
    is_complex: bool | None = None,
    expected_version=None,
) -> Suggestion:
    """交办 to one lead unit (主办) and any co-units (协办), with the legal deadline."""
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("assign", by, suggestion)
    co_units = list(co_units)
    _check_units(by, [lead_unit, *co_units])
    if is_complex is not None:
        suggestion.is_complex = is_complex
    today = timezone.localdate()
    deadline = deadlines.reply_deadline(today, is_complex=suggestion.is_complex)
    parts = [(lead_unit, Assignment.Role.LEAD)] + [(unit, Assignment.Role.CO) for unit in co_units]
    _start_round(suggestion, parts, deadline=deadline, co_deadline=deadlines.co_opinion_deadline(today))
    names = join_list(unit.name for unit, _role in parts)
    _save(suggestion, by, S.ASSIGNED, note=names, assigned_at=timezone.now())
    _tell(_unit_users(lead_unit, *co_units), suggestion, _("交办给本单位的代表建议"), "unit:suggestion")
    _tell_deputies([suggestion.deputy], suggestion, f"assigned-r{suggestion.round}", _("您的建议已交办承办单位"), names)
    return suggestion


@transaction.atomic
def suggestion_split(
    *, suggestion: Suggestion, by, units, is_complex: bool | None = None, expected_version=None
) -> Suggestion:
    """分办: each unit answers the deputy for its own part."""
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("split", by, suggestion)
    units = list(units)
    _require(len(units) >= 2, _("分办至少需要两个承办单位。"))
    _check_units(by, units)
    if is_complex is not None:
        suggestion.is_complex = is_complex
    deadline = deadlines.reply_deadline(timezone.localdate(), is_complex=suggestion.is_complex)
    _start_round(suggestion, [(unit, Assignment.Role.SPLIT) for unit in units], deadline=deadline, co_deadline=None)
    names = join_list(u.name for u in units)
    _save(suggestion, by, S.ASSIGNED, note=names, assigned_at=timezone.now())
    _tell(_unit_users(*units), suggestion, _("交办给本单位的代表建议"), "unit:suggestion")
    _tell_deputies([suggestion.deputy], suggestion, f"assigned-r{suggestion.round}", _("您的建议已交办承办单位"), names)
    return suggestion


def _locked_assignment(assignment: Assignment) -> tuple[Assignment, Suggestion]:
    suggestion = _locked(assignment.suggestion)
    locked = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    locked.suggestion = suggestion  # the state tables read the part's suggestion: the row just locked
    return locked, suggestion


@transaction.atomic
def assignment_request_reassign(*, assignment: Assignment, by, reason: str) -> Assignment:
    """申请调整: the unit says the matter is not theirs, within the window after assignment."""
    assignment, suggestion = _locked_assignment(assignment)
    PART_STEPS.require("request_reassign", by, assignment)
    _require(bool(reason.strip()), _("申请调整必须说明理由。"))
    assignment.status = A.REASSIGN_REQUESTED
    assignment.reassign_reason = reason.strip()
    assignment.reassign_requested_at = timezone.now()
    assignment.save(update_fields=["status", "reassign_reason", "reassign_requested_at"])
    _save(suggestion, by, note=_("%(unit)s 申请调整：%(reason)s") % {"unit": assignment.unit.name, "reason": reason})
    _tell(_office_users(suggestion), suggestion, _("承办单位申请调整交办"), "staff:suggestion")
    return assignment


@transaction.atomic
def reassign_accept(*, assignment: Assignment, by, new_unit: HandlingUnit) -> Assignment:
    """The office agrees: the part moves to another unit with a fresh deadline (shown as transferred)."""
    assignment, suggestion = _locked_assignment(assignment)
    PART_STEPS.require("reassign_accept", by, assignment)
    _require(new_unit.pk != assignment.unit_id, _("请选择另一个承办单位。"))
    _check_units(by, [new_unit])
    _require(
        not suggestion.assignments.filter(unit=new_unit, round=assignment.round).exclude(status=A.REASSIGNED).exists(),
        _("该单位已经承办这件建议。"),
    )
    assignment.status = A.REASSIGNED
    assignment.save(update_fields=["status"])
    today = timezone.localdate()
    if assignment.role == Assignment.Role.CO:
        deadline = deadlines.co_opinion_deadline(today)
    else:
        deadline = deadlines.reply_deadline(today, is_complex=suggestion.is_complex)
    moved = Assignment.objects.create(
        suggestion=suggestion, unit=new_unit, role=assignment.role, round=assignment.round, deadline=deadline
    )
    _save(suggestion, by, note=_("由 %(old)s 调整至 %(new)s") % {"old": assignment.unit.name, "new": new_unit.name})
    _tell(_unit_users(new_unit), suggestion, _("交办给本单位的代表建议"), "unit:suggestion")
    _tell(_unit_users(assignment.unit), suggestion, _("调整申请已同意"), "unit:suggestion")
    return moved


@transaction.atomic
def reassign_refuse(*, assignment: Assignment, by, reason: str) -> Assignment:
    assignment, suggestion = _locked_assignment(assignment)
    PART_STEPS.require("reassign_refuse", by, assignment)
    _require(bool(reason.strip()), _("不同意调整必须说明理由。"))
    assignment.status = A.ACTIVE
    assignment.save(update_fields=["status"])
    _save(suggestion, by, note=_("不同意 %(unit)s 调整：%(reason)s") % {"unit": assignment.unit.name, "reason": reason})
    _tell(_unit_users(assignment.unit), suggestion, _("调整申请未获同意，请继续办理"), "unit:suggestion")
    return assignment


# The unit's side ---------------------------------------------------------------------------------------------


@transaction.atomic
def contact_log_add(*, assignment: Assignment, by, stage: str, method: str, date, note: str) -> ContactLog:
    assignment, suggestion = _locked_assignment(assignment)
    PART_STEPS.require("contact", by, assignment)
    _require(date <= timezone.localdate(), _("不能登记未来日期的沟通。"))
    log = ContactLog(assignment=assignment, stage=stage, method=method, date=date, note=note.strip(), by=by)
    _clean(log)
    log.save()
    _save(
        suggestion,
        by,
        note=_("%(unit)s 与代表沟通（%(stage)s）") % {"unit": assignment.unit.name, "stage": log.get_stage_display()},
    )
    return log


@transaction.atomic
def co_opinion_submit(*, assignment: Assignment, by, text: str) -> Assignment:
    """A co-unit's opinion to the lead unit, due before the lead unit's own deadline."""
    assignment, suggestion = _locked_assignment(assignment)
    PART_STEPS.require("co_opinion", by, assignment)
    _require(bool(text.strip()), _("协办意见不能为空。"))
    now = timezone.now()
    assignment.co_opinion, assignment.co_opinion_at, assignment.status, assignment.done_at = (
        text.strip(),
        now,
        A.DONE,
        now,
    )
    assignment.save(update_fields=["co_opinion", "co_opinion_at", "status", "done_at"])
    note = _("%(unit)s 提交协办意见") % {"unit": assignment.unit.name}
    lead = suggestion.assignments.filter(role=Assignment.Role.LEAD, round=assignment.round).exclude(status=A.REASSIGNED)
    if not lead.exists() and not parts_open(suggestion):
        # A round in which only co-units handle their part again (the deputy was satisfied with the lead
        # unit's reply but not with their opinions): their opinions are the answer the deputy rates.
        _save(suggestion, by, S.REPLIED, note=note, replied_at=now)
        _tell_deputies([suggestion.deputy], suggestion, f"replied-r{suggestion.round}", _("您的建议已答复，请评价"))
        return assignment
    _save(suggestion, by, note=note)
    _tell(
        _unit_users(*[a.unit for a in lead.select_related("unit")]),
        suggestion,
        _("协办单位已提交意见"),
        "unit:suggestion",
    )
    return assignment


def _validate_pdf(document) -> None:
    _require(document is not None, _("请上传盖章的答复函（PDF）。"))
    try:
        validate_attachment(document)
    except ValidationError as exc:
        raise TransitionError(join_clauses(exc.messages)) from exc
    _require(sniff_content_type(document) == "application/pdf", _("答复函必须是 PDF 文件。"))


@transaction.atomic
def reply_submit(
    *,
    assignment: Assignment,
    by,
    reply_class: str,
    text: str,
    document,
    promised_date=None,
    reason: str = "",
    ahead_reason: str = "",
) -> Reply:
    """答复 by the lead unit (or each split unit): class A/B/C, text and the signed document.

    The lead unit replies once its co-units' opinions are in; ``ahead_reason`` is its reason for not waiting
    (the "reply_ahead" step, open only while an opinion is missing)."""
    assignment, suggestion = _locked_assignment(assignment)
    ahead_reason = (ahead_reason or "").strip()
    PART_STEPS.require("reply_ahead" if ahead_reason else "reply", by, assignment)
    _validate_pdf(document)
    reply = Reply(
        assignment=assignment,
        reply_class=reply_class,
        text=text.strip(),
        promised_date=promised_date if reply_class == ReplyClass.B else None,
        reason=reason.strip() if reply_class == ReplyClass.C else "",
        ahead_reason=ahead_reason,
        by=by,
    )
    _require(reply_class in ReplyClass.values, _("未知的答复类别。"))
    # Validate before the document reaches the disk, so a refused reply leaves no orphan file behind.
    try:
        reply.full_clean(exclude=["document"])
    except ValidationError as exc:
        raise TransitionError(join_clauses(exc.messages)) from exc
    reply.document.save(document.name, document, save=False)
    reply.save()
    now = timezone.now()
    assignment.status, assignment.done_at = A.DONE, now
    assignment.save(update_fields=["status", "done_at"])
    waiting = suggestion.assignments.filter(
        round=suggestion.round,
        role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT],
        status__in=[A.ACTIVE, A.REASSIGN_REQUESTED],
    )
    note = _("%(unit)s 已答复（%(cls)s类）") % {"unit": assignment.unit.name, "cls": reply_class}
    if ahead_reason:
        note += _("；未等协办单位意见先行答复，理由：%(reason)s") % {"reason": ahead_reason}
    if waiting.exists():
        _save(suggestion, by, note=note)
    else:
        _save(suggestion, by, S.REPLIED, note=note, replied_at=now)
        _tell_deputies([suggestion.deputy], suggestion, f"replied-r{suggestion.round}", _("您的建议已答复，请评价"))
    return reply


# From worst to best: the round's rating is the first of these that any of its parts received.
RATING_ORDER = (Evaluation.Value.UNSATISFIED, Evaluation.Value.BASIC, Evaluation.Value.SATISFIED)


def round_rating(values) -> str:
    """The suggestion's rating of a round, derived from its units' ratings: the lowest of them.

    So the suggestion counts as unsatisfied exactly when some unit is sent back to handle its part again, which
    is what the figures built on ``Evaluation`` (final ratings, re-handled suggestions) take it to mean; with
    one lead unit and co-units rated alike it is simply the lead unit's rating."""
    values = set(values)
    return next(value for value in RATING_ORDER if value in values)


def rateable_parts(suggestion: Suggestion):
    return suggestion.assignments.filter(round=suggestion.round, status=A.DONE)


@transaction.atomic
def parts_rate(*, suggestion: Suggestion, by, ratings: dict, expected_version=None) -> Suggestion:
    """The lead deputy rates units' parts of the round: ``ratings`` maps a part's id to (value, comment).

    Once every handled part of the round is rated, the round is over: the units rated unsatisfied handle their
    part again in a new round (while rounds remain), otherwise the suggestion is closed."""
    suggestion = _locked(suggestion, expected_version)
    SUGGESTION_STEPS.require("rate", by, suggestion)
    _require(bool(ratings), _("请评价承办单位的答复。"))
    parts = {
        part.pk: part
        for part in rateable_parts(suggestion).select_for_update(of=("self",)).select_related("unit", "rating")
    }
    created = []
    for pk, (value, comment) in ratings.items():
        part = parts.get(pk)
        if part is None:
            raise TransitionError(_("只能评价本轮已办理完毕的承办单位。"))
        part.suggestion = suggestion  # the state table reads the suggestion just locked
        PART_STEPS.require("rate", by, part)
        _require(value in Evaluation.Value.values, _("未知的评价。"))
        part.rating = UnitRating.objects.create(assignment=part, value=value, comment=(comment or "").strip(), by=by)
        created.append(part)
    notes = [
        _("代表评价%(unit)s：%(v)s") % {"unit": part.unit.name, "v": part.rating.get_value_display()}
        for part in created
    ]
    if not all(is_rated(part) for part in parts.values()):
        _save(suggestion, by, note=join_notes(notes))
        return suggestion
    return _finish_round(suggestion, by, list(parts.values()), notes)


def join_notes(notes) -> str:
    return "\n".join(notes)


def _finish_round(suggestion: Suggestion, by, parts: list[Assignment], notes: list[str]) -> Suggestion:
    ordered = sorted(parts, key=lambda part: part.role != Assignment.Role.LEAD)
    value = round_rating(part.rating.value for part in ordered)
    # The comment of the first part (the lead unit's, when it is among them) rated as low as the round.
    comment = next(part.rating.comment for part in ordered if part.rating.value == value)
    Evaluation.objects.create(suggestion=suggestion, round=suggestion.round, value=value, comment=comment, by=by)
    now = timezone.now()
    again = [part for part in ordered if part.rating.value == Evaluation.Value.UNSATISFIED]
    if again and suggestion.round < settings.SUGGESTION_MAX_ROUNDS:
        suggestion.round += 1
        deadline = deadlines.rehandle_deadline(timezone.localdate())
        _start_round(suggestion, [(part.unit, part.role) for part in again], deadline=deadline, co_deadline=None)
        notes.append(_("重新办理：%(units)s") % {"units": join_list(part.unit.name for part in again)})
        _save(suggestion, by, S.ASSIGNED, note=join_notes(notes), rated_at=now)
        _tell(_unit_users(*[part.unit for part in again]), suggestion, _("代表不满意，请重新办理"), "unit:suggestion")
    else:
        _save(suggestion, by, S.CLOSED, note=join_notes(notes), rated_at=now, closed_at=now)
    return suggestion


@transaction.atomic
def suggestion_rate(*, suggestion: Suggestion, by, value: str, comment: str = "", expected_version=None) -> Suggestion:
    """Rate every part of the round not yet rated alike (the deputy's page rates each unit: ``parts_rate``)."""
    pending = rateable_parts(suggestion).filter(rating__isnull=True).values_list("pk", flat=True)
    return parts_rate(
        suggestion=suggestion,
        by=by,
        ratings=dict.fromkeys(pending, (value, comment)),
        expected_version=expected_version,
    )


@transaction.atomic
def promise_report_done(*, reply: Reply, by, note: str) -> Reply:
    reply = (
        Reply.objects.select_for_update().select_related("assignment__suggestion", "assignment__unit").get(pk=reply.pk)
    )
    REPLY_STEPS.require("promise_done", by, reply)
    _require(bool(note.strip()), _("请说明完成情况。"))
    reply.promise_done_at, reply.promise_done_note = timezone.now(), note.strip()
    reply.save(update_fields=["promise_done_at", "promise_done_note"])
    suggestion = _locked(reply.assignment.suggestion)
    _save(suggestion, by, note=_("%(unit)s 报告承诺事项已完成") % {"unit": reply.assignment.unit.name})
    _tell(_office_users(suggestion), suggestion, _("承办单位报告B类承诺事项已完成"), "staff:suggestion")
    return reply


@transaction.atomic
def promise_confirm(*, reply: Reply, by) -> Reply:
    """The office confirms a B-class promise was kept: only then does it count as actually solved."""
    reply = Reply.objects.select_for_update().select_related("assignment__suggestion__region").get(pk=reply.pk)
    suggestion = reply.assignment.suggestion
    REPLY_STEPS.require("promise_confirm", by, reply)
    reply.promise_confirmed_at, reply.promise_confirmed_by = timezone.now(), by
    reply.save(update_fields=["promise_confirmed_at", "promise_confirmed_by"])
    _save(_locked(suggestion), by, note=_("确认B类承诺事项已完成"))
    return reply


@transaction.atomic
def supervision_add(*, suggestion: Suggestion, by, kind: str, date, note: str) -> Supervision:
    suggestion = _locked(suggestion)
    SUGGESTION_STEPS.require("supervise", by, suggestion)
    _require(date <= timezone.localdate(), _("不能登记未来日期的督办。"))
    record = Supervision(suggestion=suggestion, kind=kind, date=date, note=note.strip(), by=by)
    _clean(record)
    record.save()
    _save(suggestion, by, note=_("督办（%(kind)s）") % {"kind": record.get_kind_display()})
    return record


# The seam the liaison stations app calls to turn a voter's opinion into a deputy's draft ------------------------


def draft_from_opinion(opinion, deputy: Deputy, by) -> str:
    """Create a draft for ``deputy`` in their lowest-level serving congress; returns a reference."""
    congress = serving_congresses(deputy).order_by("-level").first()
    _require(congress is not None, _("该代表没有在任的代表资格，不能转为代表建议。"))
    suggestion = Suggestion.objects.create(
        deputy=deputy,
        congress=congress,
        region=congress.region,
        year=timezone.localdate().year,
        title=opinion.title[:200],
        category="other",
        body=opinion.content,
        source_opinion=opinion.reference,
    )
    record_transition(obj=suggestion, from_state="", to_state=S.DRAFT, by=by, note=_("由选民意见转来"))
    _tell(_deputy_users(deputy), suggestion, _("选民意见已转为您的建议草稿，请完善后提交"), "me:suggestion")
    return _("建议草稿 #%(pk)d") % {"pk": suggestion.pk}


# The seam the motions app calls when a motion is turned into a suggestion (转为建议) -------------------------


@transaction.atomic
def suggestion_from_motion(*, deputy: Deputy, congress: Congress, title: str, body: str, by, note: str) -> Suggestion:
    """A submitted suggestion made from a motion the presidium did not put on the agenda.

    It is numbered like any submission and the office registers and assigns it as usual; ``note`` (the motion's
    number and decision) opens its timeline, and the motion keeps the link (motions.Motion.suggestion)."""
    Congress.objects.select_for_update().filter(pk=congress.pk).first()
    year = timezone.localdate().year
    last = Suggestion.objects.filter(congress_id=congress.pk, year=year).aggregate(n=Max("number"))["n"]
    now = timezone.now()
    suggestion = Suggestion(
        deputy=deputy,
        congress=congress,
        region=congress.region,
        year=year,
        number=(last or 0) + 1,
        title=title[:200],
        category="other",
        body=body,
        period=Suggestion.Period.SESSION,
        status=S.SUBMITTED,
        created_at=now,
        submitted_at=now,
    )
    _clean(suggestion)
    suggestion.save()
    record_transition(obj=suggestion, from_state="", to_state=S.SUBMITTED, by=by, note=note)
    _tell_deputies([deputy], suggestion, "from-motion", _("您的议案已转为建议办理"), note)
    return suggestion
