"""Every change to a livelihood project or vote: one atomic, audited function each; a refusal raises
``TransitionError`` and writes nothing.

Which steps who may take in which state is declared once, in ``PROJECT_STEPS`` and ``BALLOT_STEPS`` (the
``core.workflow`` shape): pages offer what ``available_steps`` lists, and each service locks its row and
``require``s its step. A vote locks the ballot row, so two ballots of one deputy sent at once, or a vote racing
the close, are taken one after the other: the second is refused, never counted.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import join_clauses
from core.workflow import Step, Workflow, Workflows, in_states
from representatives.audit import record_transition
from representatives.models import Congress, HandlingUnit, Membership
from representatives.permissions import is_deputy, may_hand_work_to
from representatives.services import TransitionError

from . import permissions
from .models import Ballot, Choice, Inspection, ProgressReport, Project, Vote, VoteCount, Voter, choices_of

__all__ = ["TransitionError"]

P = Project.Status
B = Ballot.Status


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise TransitionError(join_clauses(exc.messages)) from exc


def on_open_ballot(project: Project) -> bool:
    """The project is on a vote now: its text is what the deputies are voting on, so it stays as it is."""
    return VoteCount.objects.filter(project=project, ballot__status=B.OPEN).exists()


def _has_items(ballot: Ballot) -> bool:
    return ballot_items(ballot).exists()


def ballot_items(ballot: Ballot):
    """The projects a ballot puts to the vote: once open, those it opened with; before, those it would take
    (the year's candidates for a selection, the year's chosen projects for a satisfaction vote)."""
    if ballot.status != B.DRAFT:
        return Project.objects.filter(counts__ballot=ballot).distinct()
    projects = Project.objects.filter(congress_id=ballot.congress_id, year=ballot.year)
    if ballot.kind == Ballot.Kind.SELECTION:
        return projects.filter(status=P.CANDIDATE)
    return projects.filter(status__in=permissions.CHOSEN)


def _no_other_open(ballot: Ballot) -> bool:
    return (
        not Ballot.objects.filter(congress_id=ballot.congress_id, year=ballot.year, kind=ballot.kind, status=B.OPEN)
        .exclude(pk=ballot.pk)
        .exists()
    )


def has_voted(ballot: Ballot, user) -> bool:
    memo = vars(ballot).setdefault("_voted", {})
    if user.pk not in memo:
        memo[user.pk] = is_deputy(user) and Voter.objects.filter(ballot=ballot, deputy_id=user.deputy_id).exists()
    return bool(memo[user.pk])


_MANAGE: dict[str, Any] = {
    "who": permissions.can_manage,
    "denied": gettext_lazy("只有该届人大所在区域的代表工作人员可以办理。"),
}

PROJECT_STEPS = Workflow(
    Project,
    Step(
        "edit",
        **_MANAGE,
        when=(
            (in_states(P.CANDIDATE), gettext_lazy("只有候选项目可以修改。")),
            (lambda p: not on_open_ballot(p), gettext_lazy("项目正在票决中，不能修改。")),
        ),
    ),
    Step(
        "withdraw",
        **_MANAGE,
        when=(
            (in_states(P.CANDIDATE), gettext_lazy("只有候选项目可以撤回。")),
            (lambda p: not on_open_ballot(p), gettext_lazy("项目正在票决中，不能撤回。")),
        ),
    ),
    Step(
        "report",
        who=permissions.is_unit_of,
        denied=gettext_lazy("只有项目的责任单位可以报告进展。"),
        when=((in_states(P.ADOPTED), gettext_lazy("只有票决通过、尚未完成的项目可以报告进展。")),),
    ),
    Step(
        "inspect",
        who=permissions.may_inspect,
        denied=gettext_lazy("只有代表工作人员或该届在任代表可以登记视察。"),
        when=((in_states(*permissions.CHOSEN), gettext_lazy("只有票决通过的项目可以登记视察。")),),
    ),
    Step(
        "complete",
        **_MANAGE,
        when=((in_states(P.ADOPTED), gettext_lazy("只有票决通过、尚未完成的项目可以确认完成。")),),
    ),
)

BALLOT_STEPS = Workflow(
    Ballot,
    Step("edit", **_MANAGE, when=((in_states(B.DRAFT), gettext_lazy("投票开始后不能再修改规则。")),)),
    Step(
        "open",
        **_MANAGE,
        when=(
            (in_states(B.DRAFT), gettext_lazy("只有未开始的投票可以开始。")),
            (_has_items, gettext_lazy("没有可以付诸表决的项目。")),
            (_no_other_open, gettext_lazy("该届人大本年度已有同类投票正在进行。")),
        ),
    ),
    Step("close", **_MANAGE, when=((in_states(B.OPEN), gettext_lazy("只有进行中的投票可以结束。")),)),
    Step(
        "vote",
        who=permissions.may_vote,
        denied=gettext_lazy("只有该届人大的在任代表可以投票。"),
        when=((in_states(B.OPEN), gettext_lazy("投票尚未开始或已经结束。")),),
    ),
)

WORKFLOWS = Workflows(PROJECT_STEPS, BALLOT_STEPS)


def available_steps(user, obj) -> list[str]:
    return WORKFLOWS.available_steps(user, obj)


# --- projects ---------------------------------------------------------------------------------------------


def _locked_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("congress__region").get(pk=project.pk)


def _project_fields(
    project: Project, *, by, title: str, description: str, unit: HandlingUnit | None, budget: Decimal | int | None
) -> None:
    _require(bool(title.strip()), _("请填写项目名称。"))
    _require(bool(description.strip()), _("请填写项目内容。"))
    _require(unit is not None, _("请选择责任单位。"))
    assert unit is not None
    _require(may_hand_work_to(by, unit), _("所选责任单位不在您可以交办的范围内。"))
    _require(budget is None or budget >= 0, _("预算不能为负数。"))
    project.title, project.description = title.strip(), description.strip()
    project.unit, project.budget = unit, Decimal(budget or 0)
    duplicate = Project.objects.filter(congress_id=project.congress_id, year=project.year, title=project.title)
    if project.pk is not None:
        duplicate = duplicate.exclude(pk=project.pk)
    _require(not duplicate.exists(), _("本年度已有同名项目。"))
    _clean(project)


@transaction.atomic
def project_create(
    *,
    congress: Congress,
    year: int,
    title: str,
    description: str,
    unit: HandlingUnit | None,
    by,
    budget: Decimal | int | None = None,
) -> Project:
    """A candidate project proposed by the government, entered by the office of the congress's region."""
    congress = Congress.objects.select_related("region").get(pk=congress.pk)
    project = Project(congress=congress, year=year, created_by=by)
    _require(permissions.can_manage(by, project), _("只有该届人大所在区域的代表工作人员可以办理。"))
    _project_fields(project, by=by, title=title, description=description, unit=unit, budget=budget)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        raise TransitionError(_("本年度已有同名项目。")) from exc
    record_transition(obj=project, from_state="", to_state=P.CANDIDATE, by=by)
    return project


@transaction.atomic
def project_update(
    *, project: Project, by, title: str, description: str, unit: HandlingUnit | None, budget: Decimal | int | None
) -> Project:
    project = _locked_project(project)
    PROJECT_STEPS.require("edit", by, project)
    _project_fields(project, by=by, title=title, description=description, unit=unit, budget=budget)
    project.save()
    record_transition(obj=project, from_state=project.status, to_state=project.status, by=by, note=_("修改项目信息"))
    return project


@transaction.atomic
def project_withdraw(*, project: Project, by, reason: str = "") -> Project:
    project = _locked_project(project)
    PROJECT_STEPS.require("withdraw", by, project)
    _require(bool(reason.strip()), _("请填写撤回理由。"))
    previous, project.status = project.status, P.WITHDRAWN
    project.save(update_fields=["status"])
    record_transition(obj=project, from_state=previous, to_state=project.status, by=by, note=reason.strip())
    return project


@transaction.atomic
def project_complete(*, project: Project, by, date: datetime.date | None = None, note: str = "") -> Project:
    project = _locked_project(project)
    PROJECT_STEPS.require("complete", by, project)
    date = date or timezone.localdate()
    _require(date <= timezone.localdate(), _("完成日期不能晚于今天。"))
    previous, project.status, project.completed_on = project.status, P.COMPLETED, date
    project.save(update_fields=["status", "completed_on"])
    record_transition(obj=project, from_state=previous, to_state=project.status, by=by, note=note.strip())
    return project


@transaction.atomic
def progress_report_add(
    *, project: Project, by, date: datetime.date | None, percent: int | None, text: str, problems: str = ""
) -> ProgressReport:
    """The responsible unit reports how far the project has come."""
    project = _locked_project(project)
    PROJECT_STEPS.require("report", by, project)
    _require(date is not None, _("请填写报告日期。"))
    assert date is not None
    _require(date <= timezone.localdate(), _("报告日期不能晚于今天。"))
    _require(percent is not None and 0 <= percent <= 100, _("完成进度须在 0 到 100 之间。"))
    assert percent is not None
    _require(bool(text.strip()), _("请填写进展情况。"))
    report = ProgressReport(
        project=project, date=date, percent=percent, text=text.strip(), problems=problems.strip(), reported_by=by
    )
    _clean(report)
    report.save()
    record_transition(
        obj=project,
        from_state=project.status,
        to_state=project.status,
        by=by,
        note=_("报告进展：完成 %(percent)s%%") % {"percent": percent},
    )
    return report


@transaction.atomic
def inspection_record(
    *, project: Project, by, date: datetime.date | None, participants: str, findings: str, advice: str = ""
) -> Inspection:
    """Deputies' inspection of a chosen project: recorded by the office, or by a deputy who took part."""
    project = _locked_project(project)
    PROJECT_STEPS.require("inspect", by, project)
    _require(date is not None, _("请填写视察日期。"))
    assert date is not None
    _require(date <= timezone.localdate(), _("视察日期不能晚于今天。"))
    _require(bool(participants.strip()), _("请填写参加视察的代表。"))
    _require(bool(findings.strip()), _("请填写视察发现。"))
    inspection = Inspection(
        project=project,
        date=date,
        participants=participants.strip(),
        findings=findings.strip(),
        advice=advice.strip(),
        recorded_by=by,
    )
    _clean(inspection)
    inspection.save()
    record_transition(obj=project, from_state=project.status, to_state=project.status, by=by, note=_("登记代表视察"))
    return inspection


# --- ballots ----------------------------------------------------------------------------------------------


def _locked_ballot(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("congress__region").get(pk=ballot.pk)


def _ballot_rule(
    ballot: Ballot,
    *,
    title: str,
    session_name: str,
    quorum_percent: int | None,
    majority: str,
    seats: int | None,
    secret: bool,
) -> None:
    _require(bool(title.strip()), _("请填写投票名称。"))
    _require(quorum_percent is not None and 1 <= quorum_percent <= 100, _("法定投票比例须在 1 到 100 之间。"))
    _require(majority in Ballot.Majority.values, _("请选择通过规则。"))
    _require(seats is None or seats >= 1, _("确定项目数至少为 1。"))
    assert quorum_percent is not None
    ballot.title, ballot.session_name = title.strip(), session_name.strip()
    ballot.quorum_percent, ballot.majority, ballot.seats, ballot.secret = quorum_percent, majority, seats, secret
    _clean(ballot)


@transaction.atomic
def ballot_create(
    *,
    congress: Congress,
    year: int,
    kind: str,
    title: str,
    by,
    session_name: str = "",
    quorum_percent: int | None = 50,
    majority: str = Ballot.Majority.ELECTORATE,
    seats: int | None = None,
    secret: bool = True,
) -> Ballot:
    congress = Congress.objects.select_related("region").get(pk=congress.pk)
    _require(kind in Ballot.Kind.values, _("请选择投票类别。"))
    ballot = Ballot(congress=congress, year=year, kind=kind, created_by=by)
    _require(permissions.can_manage(by, ballot), _("只有该届人大所在区域的代表工作人员可以办理。"))
    _ballot_rule(
        ballot,
        title=title,
        session_name=session_name,
        quorum_percent=quorum_percent,
        majority=majority,
        seats=seats,
        secret=secret,
    )
    ballot.save()
    record_transition(obj=ballot, from_state="", to_state=B.DRAFT, by=by)
    return ballot


@transaction.atomic
def ballot_update(
    *,
    ballot: Ballot,
    by,
    title: str,
    session_name: str = "",
    quorum_percent: int | None = 50,
    majority: str = Ballot.Majority.ELECTORATE,
    seats: int | None = None,
    secret: bool = True,
) -> Ballot:
    ballot = _locked_ballot(ballot)
    BALLOT_STEPS.require("edit", by, ballot)
    _ballot_rule(
        ballot,
        title=title,
        session_name=session_name,
        quorum_percent=quorum_percent,
        majority=majority,
        seats=seats,
        secret=secret,
    )
    ballot.save()
    record_transition(obj=ballot, from_state=ballot.status, to_state=ballot.status, by=by, note=_("修改投票规则"))
    return ballot


def serving_deputies(congress_id: int) -> int:
    return Membership.objects.filter(congress_id=congress_id, status=Membership.Status.SERVING).count()


@transaction.atomic
def ballot_open(*, ballot: Ballot, by) -> Ballot:
    """Voting starts: the projects on the ballot and the number of deputies serving are fixed now."""
    ballot = _locked_ballot(ballot)
    BALLOT_STEPS.require("open", by, ballot)
    items = list(ballot_items(ballot).order_by("pk"))
    ballot.electorate = serving_deputies(ballot.congress_id)
    _require(ballot.electorate > 0, _("该届人大没有在任代表，不能开始投票。"))
    VoteCount.objects.bulk_create(
        [
            VoteCount(ballot=ballot, project=project, choice=choice)
            for project in items
            for choice, _label in ballot.choices
        ]
    )
    previous, ballot.status, ballot.opened_at = ballot.status, B.OPEN, timezone.now()
    try:
        with transaction.atomic():
            ballot.save(update_fields=["status", "opened_at", "electorate"])
    except IntegrityError as exc:
        raise TransitionError(_("该届人大本年度已有同类投票正在进行。")) from exc
    record_transition(
        obj=ballot,
        from_state=previous,
        to_state=ballot.status,
        by=by,
        note=_("付诸表决项目 %(items)s 项，应到代表 %(electorate)s 名")
        % {"items": len(items), "electorate": ballot.electorate},
    )
    return ballot


@transaction.atomic
def ballot_vote(*, ballot: Ballot, by, choices: dict[int, str]) -> Ballot:
    """A deputy's ballot paper: one choice for every project on the ballot, taken once.

    The counts go up and the deputy is marked as having voted; only an open vote also keeps who chose what.
    No ``StateLog`` step either way: the ``Voter`` row is the record of who voted and when, and a timeline step
    beside the counts would be one more trace to line up with them.
    """
    ballot = _locked_ballot(ballot)
    BALLOT_STEPS.require("vote", by, ballot)
    _require(
        not Voter.objects.filter(ballot=ballot, deputy_id=by.deputy_id).exists(), _("您已经投过票，不能重复投票。")
    )
    items = set(VoteCount.objects.filter(ballot=ballot).values_list("project_id", flat=True))
    allowed = {choice for choice, _label in choices_of(ballot.kind)}
    _require(set(choices) == items, _("请对每个项目都作出选择。"))
    _require(all(choice in allowed for choice in choices.values()), _("选项无效。"))
    for project_id, choice in choices.items():
        VoteCount.objects.filter(ballot=ballot, project_id=project_id, choice=choice).update(count=F("count") + 1)
    if not ballot.secret:
        Vote.objects.bulk_create(
            [
                Vote(ballot=ballot, project_id=project_id, deputy_id=by.deputy_id, choice=choice)
                for project_id, choice in choices.items()
            ]
        )
    try:
        with transaction.atomic():
            Voter.objects.create(ballot=ballot, deputy_id=by.deputy_id)
    except IntegrityError as exc:
        raise TransitionError(_("您已经投过票，不能重复投票。")) from exc
    Ballot.objects.filter(pk=ballot.pk).update(voters=F("voters") + 1)
    ballot.refresh_from_db(fields=["voters"])
    return ballot


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1")) if whole else None


@transaction.atomic
def ballot_close(*, ballot: Ballot, by) -> Ballot:
    """Voting ends and the result is computed: was the quorum met, and for each project whether it is chosen
    (selection: more votes for than half the base, ranked by votes for, at most ``seats``) or how satisfied
    the deputies are. A vote without a quorum decides nothing: its candidates stay candidates."""
    ballot = _locked_ballot(ballot)
    BALLOT_STEPS.require("close", by, ballot)
    ballot.voters = Voter.objects.filter(ballot=ballot).count()
    ballot.quorum_met = ballot.voters * 100 >= ballot.quorum_percent * ballot.electorate
    counts: dict[int, dict[str, int]] = {}
    for project_id, choice, count in VoteCount.objects.filter(ballot=ballot).values_list(
        "project_id", "choice", "count"
    ):
        counts.setdefault(project_id, {})[choice] = count
    projects = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=counts)}
    if ballot.kind == Ballot.Kind.SELECTION:
        base = ballot.electorate if ballot.majority == Ballot.Majority.ELECTORATE else ballot.voters
        ranked = sorted(projects.values(), key=lambda p: (-counts[p.pk].get(Choice.FOR, 0), p.pk))
        chosen = 0
        for rank, project in enumerate(ranked, start=1):
            tally = counts[project.pk]
            project.votes_for = tally.get(Choice.FOR, 0)
            project.votes_against = tally.get(Choice.AGAINST, 0)
            project.votes_abstain = tally.get(Choice.ABSTAIN, 0)
            project.rank = rank
            if ballot.quorum_met:
                passes = project.votes_for * 2 > base and (ballot.seats is None or chosen < ballot.seats)
                chosen += passes
                project.status = P.ADOPTED if passes else P.NOT_ADOPTED
                record_transition(obj=project, from_state=P.CANDIDATE, to_state=project.status, by=by)
            project.save(update_fields=["votes_for", "votes_against", "votes_abstain", "rank", "status"])
    elif ballot.quorum_met:
        for project in projects.values():
            tally = counts[project.pk]
            total = sum(tally.values())
            project.satisfaction_rate = _rate(tally.get(Choice.SATISFIED, 0) + tally.get(Choice.BASIC, 0), total)
            project.save(update_fields=["satisfaction_rate"])
    previous, ballot.status, ballot.closed_at = ballot.status, B.CLOSED, timezone.now()
    ballot.save(update_fields=["status", "closed_at", "voters", "quorum_met"])
    note = (
        _("参加投票 %(voters)s 名，达到法定人数")
        if ballot.quorum_met
        else _("参加投票 %(voters)s 名，未达到法定人数，投票无效")
    ) % {"voters": ballot.voters}
    record_transition(obj=ballot, from_state=previous, to_state=ballot.status, by=by, note=note)
    return ballot
