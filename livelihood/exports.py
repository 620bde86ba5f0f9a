"""Excel downloads of 民生实事: the project list (through core.exports, large lists built in the background)
and one vote's result (a small summary sheet, answered at once)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets
from core.exports import ExportKind, register
from representatives.permissions import sees_region_data

from . import selectors
from .models import Ballot


def _date(value) -> str:
    return value.isoformat() if value else ""


def projects_sheet(rows):
    headers = [
        _("年度"),
        _("人民代表大会"),
        _("项目名称"),
        _("项目内容"),
        _("责任单位"),
        _("预算（万元）"),
        _("状态"),
        _("赞成票"),
        _("反对票"),
        _("弃权票"),
        _("得票排名"),
        _("进展报告数"),
        _("满意度（%）"),
        _("完成日期"),
        _("登记时间"),
    ]
    data = (
        [
            project.year,
            str(project.congress),
            project.title,
            project.description,
            project.unit.name,
            project.budget,
            project.get_status_display(),
            project.votes_for,
            project.votes_against,
            project.votes_abstain,
            project.rank or "",
            getattr(project, "report_count", ""),
            project.satisfaction_rate if project.satisfaction_rate is not None else "",
            _date(project.completed_on),
            project.created_at.date().isoformat(),
        ]
        for project in rows.iterator(chunk_size=2000)
    )
    return spreadsheets.sheet(headers, data, title=_("民生实事项目"))


def write_projects(user, rows, params):
    return spreadsheets.xlsx_file(projects_sheet(rows), gettext_lazy("民生实事项目"))


def project_rows(user, params):
    return selectors.project_list(user=user, filters=params).qs


def ballot_xlsx(ballot: Ballot, results):
    choices = ballot.choices
    rate = _("赞成票占比（%）") if ballot.kind == Ballot.Kind.SELECTION else _("满意度（%）")
    headers = [_("项目名称"), _("责任单位"), *[label for _value, label in choices], _("合计"), rate]
    if ballot.kind == Ballot.Kind.SELECTION:
        headers.append(_("结果"))
    rows = []
    for row in results:
        cells = [row.project.title, row.project.unit.name, *row.cells(choices), row.total, row.rate]
        if ballot.kind == Ballot.Kind.SELECTION:
            cells.append(row.project.get_status_display())
        rows.append(cells)
    summary = spreadsheets.sheet(
        [_("项目"), _("内容")],
        [
            [_("名称"), ballot.title],
            [_("人民代表大会"), str(ballot.congress)],
            [_("年度"), ballot.year],
            [_("状态"), ballot.get_status_display()],
            [_("应到代表"), ballot.electorate],
            [_("参加投票代表"), ballot.voters],
            [_("法定投票比例（%）"), ballot.quorum_percent],
            [_("达到法定人数"), "" if ballot.quorum_met is None else (_("是") if ballot.quorum_met else _("否"))],
            [_("通过规则"), ballot.get_majority_display()],
            [_("无记名投票"), _("是") if ballot.secret else _("否")],
        ],
        title=_("投票概况"),
    )
    return spreadsheets.xlsx_response(
        [summary, spreadsheets.sheet(headers, rows, title=_("投票结果"))], f"{ballot.title}"
    )


def register_kinds() -> None:
    register(
        ExportKind("livelihood.projects", gettext_lazy("民生实事项目"), project_rows, write_projects, sees_region_data)
    )
