"""The annual file (一人一档) for the deputy and for staff, the staff score list, and score adjustments."""

import tablib
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import spreadsheets
from core.pagination import paginate
from core.text import join_clauses, join_phrases
from representatives import selectors as deputy_selectors
from representatives.permissions import (
    deputy_required,
    is_office_staff,
    region_reader_required,
    regions_for,
    staff_required,
)

from . import deputy_file as reads
from . import permissions, services
from .forms_file import ScoreAdjustForm, ScoreFilter
from .models import Metric, Warning

# The file ------------------------------------------------------------------------------------------------


def _file_year(request, year):
    if year is None:
        return timezone.localdate().year
    if not reads.year_is_valid(year):
        raise Http404
    return year


def _picked_year(request):
    """The year chosen in the picker (a GET form, so it works without script), if it is a real one."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if reads.year_is_valid(year) else None


def _render_file(request, deputy, year, template, *, is_own: bool):
    the_file = reads.deputy_file(deputy, year)
    if request.GET.get("export") == "xlsx":
        return file_xlsx_response(the_file)
    return render(
        request,
        template,
        {
            "file": the_file,
            "deputy": deputy,
            "year": year,
            "years": reads.file_years(deputy),
            "is_own": is_own,
        },
    )


@deputy_required
def my_file(request, year=None):
    picked = _picked_year(request)
    if picked is not None:
        return redirect("me:file_year", year=picked)
    year = _file_year(request, year)
    deputy = deputy_selectors.deputy_for_user(user=request.user, pk=request.user.deputy_id)
    return _render_file(request, deputy, year, "me/evaluations/file.html", is_own=True)


@region_reader_required
def staff_file(request, pk, year):
    picked = _picked_year(request)
    if picked is not None:
        return redirect("staff:deputy_file", pk=pk, year=picked)
    year = _file_year(request, year)
    # Scoped to the reader's region: another county's deputy is "not found", not "forbidden".
    deputy = deputy_selectors.deputy_for_user(user=request.user, pk=pk)
    return _render_file(request, deputy, year, "staff/evaluations/file.html", is_own=False)


def deputy_home_panel(request, deputy):
    """The deputy's latest result and the way into their file."""
    return ("me/evaluations/panel.html", {"score": reads.latest_score(deputy), "year": timezone.localdate().year})


# Spreadsheets --------------------------------------------------------------------------------------------------


def _sheet(title, headers, rows) -> tablib.Dataset:
    return spreadsheets.sheet(headers, rows, title=str(title)[:31])


def _rule_text(item) -> str:
    parts = [_("每次 %(points)s 分") % {"points": item.points}]
    if item.bonus:
        parts.append(_("选民评议为“好”另加 %(bonus)s 分") % {"bonus": item.bonus})
    if item.cap is not None:
        parts.append(_("上限 %(cap)s 分") % {"cap": item.cap})
    return join_phrases(parts)


def file_workbook(the_file: reads.DeputyFile) -> tablib.Databook:
    """One sheet per section of the page, in the page's order."""
    deputy = the_file.deputy
    sheets = []
    summary = [
        (_("姓名"), deputy.name),
        (_("代表编号"), deputy.code),
        (_("所在区域"), deputy.region.name),
        (_("工作单位及职务"), f"{deputy.work_unit} {deputy.post}".strip()),
        (_("年度"), the_file.year),
    ]
    for scored in the_file.scores:
        score = scored.score
        summary += [
            (_("考评规则"), str(scored.rule_set.name)),
            (_("总分"), score.total),
            (_("等次"), score.get_grade_display()),
            (_("预警"), score.get_warning_display() if score.warning else ""),
        ]
    sheets.append(_sheet(_("概况"), [_("项目"), _("内容")], summary))

    score_rows = []
    for scored in the_file.scores:
        for row in scored.rows:
            score_rows.append(
                [
                    scored.rule_set.name,
                    row["label"],
                    _rule_text(row["item"]),
                    row["count"],
                    row["good"] if row["good"] is not None else "",
                    row["points"],
                ]
            )
        for adjustment in scored.adjustments:
            score_rows.append(
                [scored.rule_set.name, _("调整"), adjustment.reason, "", "", adjustment.points],
            )
        score_rows.append([scored.rule_set.name, _("总分"), "", "", "", scored.score.total])
    sheets.append(
        _sheet(
            _("考评得分"),
            [_("考评规则"), _("考评项目"), _("计分方法"), _("次数"), _("其中评议为好"), _("得分")],
            score_rows,
        )
    )
    sheets.append(
        _sheet(
            _("出席代表大会会议"),
            [_("会议"), _("开幕日期"), _("闭幕日期"), _("出席情况"), _("发言次数")],
            [
                [a.session.name, a.session.start_date, a.session.end_date, a.get_status_display(), a.speeches]
                for a in the_file.attendance
            ],
        )
    )
    sheets.append(
        _sheet(
            _("领衔提出的建议"),
            [_("编号"), _("标题"), _("状态"), _("满意度评价"), _("计入考评")],
            [
                [
                    s.number_label,
                    s.title,
                    s.get_status_display(),
                    join_clauses(
                        _("第%(round)d轮：%(value)s") % {"round": e.round, "value": e.get_value_display()}
                        for e in s.evaluations.all()
                    ),
                    _("是") if s.counts_for_score else _("否"),
                ]
                for s in the_file.led
            ],
        )
    )
    sheets.append(
        _sheet(
            _("联名提出的建议"),
            [_("编号"), _("标题"), _("领衔代表"), _("状态"), _("计入考评")],
            [
                [
                    c.suggestion.number_label,
                    c.suggestion.title,
                    c.suggestion.deputy.name,
                    c.suggestion.get_status_display(),
                    _("是") if c.counts_for_score else _("否"),
                ]
                for c in the_file.cosigned
            ],
        )
    )
    sheets.append(
        _sheet(
            _("闭会期间活动"),
            [_("日期"), _("类型"), _("地点"), _("内容")],
            [[r.date, r.get_kind_display(), r.place, r.description] for r in the_file.closed_session],
        )
    )
    sheets.append(
        _sheet(
            _("进站接待选民"),
            [_("日期"), _("联络站"), _("主题"), _("当日接待选民人次")],
            [
                [s.duty_day.date, s.duty_day.station.name, s.duty_day.topic, s.duty_day.voters_received]
                for s in the_file.duty_shifts
            ],
        )
    )
    sheets.append(
        _sheet(
            _("向选民述职"),
            [_("日期"), _("地点"), _("参加选民人数"), _("选民评议"), _("内容")],
            [
                [r.date, r.place, r.voters_attended, r.get_voter_rating_display(), r.description]
                for r in the_file.reports
            ],
        )
    )
    for title, records in ((_("学习培训"), the_file.trainings), (_("代表小组活动"), the_file.group_activities)):
        sheets.append(
            _sheet(title, [_("日期"), _("地点"), _("内容")], [[r.date, r.place, r.description] for r in records])
        )
    return tablib.Databook(sheets)


def file_xlsx_response(the_file: reads.DeputyFile) -> HttpResponse:
    filename = _("%(name)s%(year)d年度履职档案") % {"name": the_file.deputy.name, "year": the_file.year}
    return spreadsheets.xlsx_response(file_workbook(the_file), filename)


def scores_sheet(scores, rule_set) -> tablib.Dataset:
    headers = [_("排名"), _("代表编号"), _("姓名"), _("所在区域")]
    for metric in Metric:
        headers += [_("%(item)s次数") % {"item": metric.label}, _("%(item)s得分") % {"item": metric.label}]
        if metric == Metric.REPORT:
            headers.append(_("述职评议为“好”次数"))
    headers += [_("计算得分"), _("调整分"), _("总分"), _("等次"), _("预警")]
    rows = []
    for score in scores:
        row = [score.rank, score.deputy.code, score.deputy.name, score.deputy.region.name]
        for metric in Metric:
            row += [getattr(score, f"n_{metric.value}"), getattr(score, f"p_{metric.value}")]
            if metric == Metric.REPORT:
                row.append(score.n_report_good)
        row += [
            score.computed_total,
            score.adjustment,
            score.total,
            score.get_grade_display(),
            score.get_warning_display() if score.warning else "",
        ]
        rows.append(row)
    return _sheet(rule_set.name, headers, rows)


# The staff score list ------------------------------------------------------------------------------------------


def _int_param(request, name):
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


def _querystring(request, **changes) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@region_reader_required
def staff_scores(request):
    user = request.user
    years = reads.rule_set_years(user)
    year = _int_param(request, "year")
    if year not in years:
        year = reads.default_year(years)
    options = reads.rule_set_options(user, year)
    wanted = _int_param(request, "rule_set")
    rule_set = next((rs for rs in options if rs.pk == wanted), None) or reads.nearest_rule_set(user, options)
    context = {"years": years, "year": year, "options": options, "rule_set": rule_set}
    if rule_set is None:
        return render(request, "staff/evaluations/scores.html", context)

    filterset = ScoreFilter(request.GET, queryset=reads.scores_in(user, rule_set), regions=regions_for(user))
    ranking = reads.Ranking(user, rule_set)
    if request.GET.get("export") == "xlsx":
        sheet = scores_sheet(ranking.decorate(filterset.qs), rule_set)
        return spreadsheets.xlsx_response(sheet, _("%(name)s考评结果") % {"name": rule_set.name})
    page = paginate(request, filterset.qs)
    page.object_list = ranking.decorate(page.object_list)
    counts = reads.warning_counts(user, rule_set)
    base = {"year": year, "rule_set": rule_set.pk}
    context.update(
        {
            "filter": filterset,
            "page": page,
            "ranked": len(ranking),
            "export_query": _querystring(request, year=year, rule_set=rule_set.pk, export="xlsx"),
            "warning_links": [
                {
                    "level": level.value,
                    "label": level.label,
                    "count": counts[level.value],
                    "query": urlencode({**base, "warning": level.value}),
                    "active": request.GET.get("warning") == level.value,
                }
                for level in Warning
                if level.value
            ],
            "all_query": urlencode(base),
            "can_adjust": is_office_staff(user),
            "stale": reads.is_stale(user, rule_set),
            "last_run": reads.last_run(rule_set),
        }
    )
    return render(request, "staff/evaluations/scores.html", context)


@staff_required
def score_adjust(request, pk):
    scored = reads.score_for_adjusting(request.user, pk)
    score = scored.score
    if not permissions.can_adjust_score(request.user, score):
        raise Http404
    form = ScoreAdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_adjust(
                score=score, points=form.cleaned_data["points"], reason=form.cleaned_data["reason"], by=request.user
            )
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已调整%(name)s的得分：%(points)+.1f 分。")
                % {"name": score.deputy.name, "points": form.cleaned_data["points"]},
            )
            query = urlencode({"year": score.year, "rule_set": score.rule_set_id})
            return redirect(f"{reverse('staff:scores')}?{query}")
    return render(request, "staff/evaluations/scores_adjust.html", {"scored": scored, "score": score, "form": form})
