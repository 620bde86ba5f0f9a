"""Every transition of a motion: one atomic, audited function each; a refusal raises TransitionError.

Each function locks the motion row and, when the caller passes the version it displayed, refuses a change
made on a page someone else has changed since. Which steps who may take in which state is ``MOTION_STEPS``
(and ``COSIGN_STEPS`` for an invitation to second it): pages offer what ``available_steps`` lists and each
service ``require``s its step again under the lock.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notices import notify, notify_event
from core.text import bracketed, join_clauses, labelled
from core.workflow import Step, TransitionError, Workflow, Workflows, in_states
from representatives.audit import record_transition
from representatives.models import Congress, Deputy, Membership, Role, User
from representatives.permissions import is_deputy
from suggestions import services as suggestion_services

from . import permissions, selectors
from .models import Motion, MotionCoSigner, MotionRule

__all__ = ["TransitionError"]

M = Motion.Status


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise TransitionError(join_clauses(exc.messages)) from exc


def _locked(motion: Motion, expected_version: int | None = None) -> Motion:
    locked = Motion.objects.select_for_update().select_related("region", "deputy", "congress").get(pk=motion.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TransitionError(_("这件议案刚被其他人修改过，请刷新页面后再操作。"))
    return locked


def _save(motion: Motion, by, to_state: str | None = None, note: str = "", **fields) -> Motion:
    previous = motion.status
    if to_state is not None:
        motion.status = to_state
    for name, value in fields.items():
        setattr(motion, name, value)
    motion.version = F("version") + 1
    motion.save()
    motion.refresh_from_db(fields=["version"])
    record_transition(obj=motion, from_state=previous, to_state=motion.status, by=by, note=note)
    return motion


_MANAGE_DENIED = gettext_lazy("您无权办理这件议案。")
_REGISTERED = (in_states(M.REGISTERED), gettext_lazy("只有已登记的议案可以记录审议决定。"))

MOTION_STEPS = Workflow(
    Motion,
    # The deputy's: a draft is edited, seconded and submitted; after submission it is the presidium's.
    Step(
        "edit",
        who=permissions.is_author,
        denied=gettext_lazy("只有领衔代表可以修改议案。"),
        when=((in_states(M.DRAFT), gettext_lazy("议案提交后不能再修改。")),),
    ),
    Step(
        "invite",
        who=permissions.is_author,
        denied=gettext_lazy("只有领衔代表可以邀请附议。"),
        when=((in_states(M.DRAFT), gettext_lazy("议案提交后不能再邀请附议。")),),
    ),
    Step(
        "submit",
        who=permissions.is_author,
        denied=gettext_lazy("只有领衔代表可以提交议案。"),
        when=((in_states(M.DRAFT), gettext_lazy("只有草稿可以提交。")),),
    ),
    # The office's, recording what the presidium or its special committee decided.
    Step(
        "register",
        who=permissions.can_manage,
        denied=_MANAGE_DENIED,
        when=((in_states(M.SUBMITTED), gettext_lazy("只有已提交的议案可以登记。")),),
    ),
    Step("list", who=permissions.can_manage, denied=_MANAGE_DENIED, when=(_REGISTERED,)),
    Step("not_list", who=permissions.can_manage, denied=_MANAGE_DENIED, when=(_REGISTERED,)),
    Step("convert", who=permissions.can_manage, denied=_MANAGE_DENIED, when=(_REGISTERED,)),
)

COSIGN_STEPS = Workflow(
    MotionCoSigner,
    Step(
        "answer",
        who=lambda user, cosigner: is_deputy(user) and user.deputy_id == cosigner.deputy_id,
        denied=gettext_lazy("只能答复邀请您本人的附议。"),
        when=(
            (in_states(MotionCoSigner.Status.INVITED), gettext_lazy("您已经答复过这个邀请。")),
            (lambda cosigner: cosigner.motion.status == M.DRAFT, gettext_lazy("议案已提交，附议已截止。")),
        ),
    ),
)

WORKFLOWS = Workflows(MOTION_STEPS, COSIGN_STEPS)


def available_steps(user, obj) -> list[str]:
    """The steps ``user`` may take now on ``obj``: a motion or an invitation to second one."""
    return WORKFLOWS.available_steps(user, obj)


def _tell_deputies(deputies, motion: Motion, event: str, title: str, note: str = "") -> None:
    users = User.objects.filter(deputy__in=deputies, role=Role.DEPUTY, is_active=True).select_related("deputy")
    heading = f"{motion.number_label} {motion.title}" if motion.number else motion.title
    notify_event(
        users,
        key=f"motion:{motion.pk}:{event}",
        title=title,
        body=f"{heading}\n{note}" if note else heading,
        url=reverse("me:motion", args=[motion.pk]),
    )


def _office_users(motion: Motion) -> list[User]:
    staff = User.objects.filter(role=Role.STAFF, is_active=True).select_related("region")
    return [user for user in staff if user.region and user.region.contains(motion.region)]


# The deputy's side -------------------------------------------------------------------------------------------


@transaction.atomic
def motion_create(*, deputy: Deputy, congress: Congress, by, title: str, grounds: str, proposal: str) -> Motion:
    _require(is_deputy(by) and by.deputy_id == deputy.pk, _("只能以本人名义起草议案。"))
    _require(
        selectors.serving_congresses(deputy).filter(pk=congress.pk).exists(), _("您不是这届人民代表大会的在任代表。")
    )
    motion = Motion(
        deputy=deputy,
        congress=congress,
        region=congress.region,
        year=timezone.localdate().year,
        title=title,
        grounds=grounds,
        proposal=proposal,
    )
    _clean(motion)
    motion.save()
    record_transition(obj=motion, from_state="", to_state=M.DRAFT, by=by)
    return motion


@transaction.atomic
def motion_update(*, motion: Motion, by, expected_version=None, **fields) -> Motion:
    motion = _locked(motion, expected_version)
    MOTION_STEPS.require("edit", by, motion)
    congress = fields.get("congress")
    if congress is not None and congress.pk != motion.congress_id:
        _require(
            selectors.serving_congresses(motion.deputy).filter(pk=congress.pk).exists(),
            _("您不是这届人民代表大会的在任代表。"),
        )
        # Co-signers second a motion to one congress; moving it elsewhere starts their count again.
        _require(not motion.cosigners.exists(), _("已邀请附议的议案不能改投其他人民代表大会。"))
        fields["region"] = congress.region
    for name, value in fields.items():
        setattr(motion, name, value)
    _clean(motion)
    motion.version = F("version") + 1
    motion.save()
    motion.refresh_from_db(fields=["version"])
    return motion


@transaction.atomic
def motion_invite(*, motion: Motion, deputies, by) -> int:
    """Invite deputies to second the motion (附议): serving deputies of the same congress, not the author."""
    motion = _locked(motion)
    MOTION_STEPS.require("invite", by, motion)
    serving = set(
        Membership.objects.filter(congress=motion.congress, status=Membership.Status.SERVING).values_list(
            "deputy_id", flat=True
        )
    )
    deputies = list(deputies)
    _require(bool(deputies), _("请至少选择一位代表。"))
    _require(all(d.pk in serving for d in deputies), _("附议代表必须是本届在任代表。"))
    _require(all(d.pk != motion.deputy_id for d in deputies), _("领衔代表不能邀请自己附议。"))
    existing = set(motion.cosigners.values_list("deputy_id", flat=True))
    # One INSERT per invitation: a dozen rows at most, and each leaves an audit entry.
    new = [MotionCoSigner.objects.create(motion=motion, deputy=d) for d in deputies if d.pk not in existing]
    _tell_deputies([c.deputy for c in new], motion, "cosign-invited", _("邀请您附议议案"))
    return len(new)


@transaction.atomic
def motion_cosign_respond(*, cosigner: MotionCoSigner, by, accept: bool) -> MotionCoSigner:
    cosigner = MotionCoSigner.objects.select_for_update().select_related("motion", "deputy").get(pk=cosigner.pk)
    COSIGN_STEPS.require("answer", by, cosigner)
    cosigner.status = MotionCoSigner.Status.ACCEPTED if accept else MotionCoSigner.Status.DECLINED
    cosigner.responded_at = timezone.now()
    cosigner.save(update_fields=["status", "responded_at"])
    note = _("%(name)s 同意附议") if accept else _("%(name)s 谢绝附议")
    status = cosigner.motion.status
    record_transition(
        obj=cosigner.motion, from_state=status, to_state=status, by=by, note=note % {"name": cosigner.deputy.name}
    )
    return cosigner


@transaction.atomic
def motion_submit(*, motion: Motion, by, expected_version=None) -> Motion:
    """Submit: refused while fewer deputies have seconded it than the congress's rule asks."""
    motion = _locked(motion, expected_version)
    MOTION_STEPS.require("submit", by, motion)
    needed = selectors.required_cosigners(motion.congress)
    accepted = motion.cosigners.filter(status=MotionCoSigner.Status.ACCEPTED).count()
    _require(
        accepted >= needed,
        _(
            "附议代表人数不足：%(congress)s的议案须由领衔代表和至少 %(needed)d 名代表联名提出，"
            "目前已有 %(accepted)d 名代表同意附议，还差 %(missing)d 名。"
        )
        % {"congress": motion.congress, "needed": needed, "accepted": accepted, "missing": needed - accepted},
    )
    # Numbers run per congress and year; locking the congress row serialises concurrent submissions.
    Congress.objects.select_for_update().filter(pk=motion.congress_id).first()
    year = timezone.localdate().year
    last = Motion.objects.filter(congress_id=motion.congress_id, year=year).aggregate(n=Max("number"))["n"]
    _save(
        motion,
        by,
        M.SUBMITTED,
        note=_("%(n)d 名代表附议") % {"n": accepted},
        year=year,
        number=(last or 0) + 1,
        submitted_at=timezone.now(),
    )
    notify(
        _office_users(motion),
        title=_("收到新提交的议案"),
        body=motion.title,
        url=reverse("staff:motion", args=[motion.pk]),
    )
    return motion


# The office's side -------------------------------------------------------------------------------------------


@transaction.atomic
def motion_register(*, motion: Motion, by, expected_version=None) -> Motion:
    """登记: received by the office and put before the presidium."""
    motion = _locked(motion, expected_version)
    MOTION_STEPS.require("register", by, motion)
    _save(motion, by, M.REGISTERED, registered_at=timezone.now())
    _tell_deputies([motion.deputy], motion, "registered", _("您的议案已登记，提交大会主席团审议"))
    return motion


def _decision_note(body: str, committee: str) -> str:
    label = str(Motion.Body(body).label)
    return f"{label}{bracketed(committee)}" if committee else label


def _check_body(body: str, committee: str) -> None:
    _require(body in Motion.Body.values, _("请选择作出决定的机构。"))
    _require(body != Motion.Body.COMMITTEE or bool(committee.strip()), _("请填写专门委员会的名称。"))


@transaction.atomic
def motion_list(
    *, motion: Motion, by, body: str, session: str, committee: str = "", reason: str = "", expected_version=None
) -> Motion:
    """列入议程: the presidium puts the motion on the agenda of a session."""
    motion = _locked(motion, expected_version)
    MOTION_STEPS.require("list", by, motion)
    _check_body(body, committee)
    _require(bool(session.strip()), _("列入议程须写明会议。"))
    _save(
        motion,
        by,
        M.LISTED,
        note=labelled(_decision_note(body, committee), session.strip()),
        decision_body=body,
        committee=committee.strip(),
        session=session.strip(),
        decision_reason=reason.strip(),
        decided_at=timezone.now(),
    )
    _tell_deputies([motion.deputy], motion, "listed", _("您的议案已列入大会议程"), session.strip())
    return motion


@transaction.atomic
def motion_not_list(
    *, motion: Motion, by, body: str, reason: str, committee: str = "", expected_version=None
) -> Motion:
    """不列入议程, with the reasons the deputy is told."""
    motion = _locked(motion, expected_version)
    MOTION_STEPS.require("not_list", by, motion)
    _check_body(body, committee)
    _require(bool(reason.strip()), _("不列入议程必须说明理由。"))
    _save(
        motion,
        by,
        M.NOT_LISTED,
        note=labelled(_decision_note(body, committee), reason.strip()),
        decision_body=body,
        committee=committee.strip(),
        decision_reason=reason.strip(),
        decided_at=timezone.now(),
    )
    _tell_deputies([motion.deputy], motion, "not-listed", _("您的议案未列入大会议程"), reason.strip())
    return motion


@transaction.atomic
def motion_convert(
    *, motion: Motion, by, body: str, reason: str = "", committee: str = "", expected_version=None
) -> Motion:
    """转为建议: a submitted suggestion is made from the motion (suggestions.services.suggestion_from_motion) and
    linked to it; both timelines record the step, and from then on the office handles it as a suggestion."""
    motion = _locked(motion, expected_version)
    MOTION_STEPS.require("convert", by, motion)
    _check_body(body, committee)
    decided_by = _decision_note(body, committee)
    origin = _("由%(label)s转为建议（%(by)s决定）") % {"label": motion.number_label, "by": decided_by}
    body_text = "\n\n".join(
        [_("案据：") + "\n" + motion.grounds, _("方案：") + "\n" + motion.proposal]
        + ([_("审议意见：") + reason.strip()] if reason.strip() else [])
    )
    suggestion = suggestion_services.suggestion_from_motion(
        deputy=motion.deputy, congress=motion.congress, title=motion.title, body=body_text, by=by, note=origin
    )
    _save(
        motion,
        by,
        M.CONVERTED,
        note=_("%(by)s决定转为建议，建议%(label)s") % {"by": decided_by, "label": suggestion.number_label},
        decision_body=body,
        committee=committee.strip(),
        decision_reason=reason.strip(),
        decided_at=timezone.now(),
        suggestion=suggestion,
    )
    return motion


# The rule ----------------------------------------------------------------------------------------------------


@transaction.atomic
def motion_rule_set(*, congress: Congress, by, min_cosigners: int) -> MotionRule:
    """The number of co-signers this congress's motions need (a setting of law, kept by the office)."""
    _require(permissions.can_set_rule(by, congress), _("您无权设置这届人民代表大会的议案附议人数。"))
    _require(1 <= min_cosigners <= 500, _("附议代表人数须在 1 到 500 之间。"))
    rule = MotionRule.objects.select_for_update().filter(congress=congress).first()
    if rule is None:
        rule = MotionRule(congress=congress)
    rule.min_cosigners = min_cosigners
    rule.updated_by = by
    _clean(rule)
    rule.save()
    return rule
