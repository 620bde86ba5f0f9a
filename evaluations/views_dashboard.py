"""The statistics dashboard (统计看板) and the printable annual report (年度报告) for staff and leaders.

Both pages show the same figures from ``dashboard.compute``; every number links to the staff list that
counts it, with that list's filters filled in, so an office can check any figure row by row.
"""

import calendar
import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

import tablib
from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison_stations.models import Opinion
from representatives.models import ActivityKind, Region
from representatives.permissions import region_reader_required, regions_for
from representatives.resources import EXPORT_FORMATS, FORMULA_PREFIXES, attachment_disposition
from suggestions.models import Suggestion

from . import dashboard
from .dashboard import Figures

FIRST_YEAR = 2000


def _region(request) -> Region | None:
    """The region asked for, which must lie within the user's; otherwise the user's own."""
    user, value = request.user, request.GET.get("region", "")
    if not value:
        return user.region if user.region_id else None
    if not value.isdigit():
        raise Http404
    # Outside the user's region is "not found", as for every other record.
    return get_object_or_404(regions_for(user), pk=int(value))


def _years() -> range:
    return range(timezone.localdate().year, FIRST_YEAR - 1, -1)


def _year(value) -> int:
    current = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return current
    return year if FIRST_YEAR <= year <= current else current


def _with_query(path: str, region: Region | None, **params) -> str:
    if region is not None:
        params["region"] = region.pk
    return f"{path}?{urlencode(params)}"


class Links:
    """Where each figure is counted: the staff lists, with their filters."""

    def __init__(self, year: int, region: Region | None):
        self.year, self.region = year, region
        # A dashboard links a few hundred figures to a handful of lists; reverse each list once per page.
        self._paths: dict[tuple, str] = {}

    def _span(self, month: int | None = None) -> tuple[datetime.date, datetime.date]:
        if month is None:
            return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        return datetime.date(self.year, month, 1), datetime.date(
            self.year, month, calendar.monthrange(self.year, month)[1]
        )

    def _url(self, name: str, *args, **params) -> str:
        query = {key: value for key, value in params.items() if value not in (None, "")}
        if self.region is not None:
            query["region"] = self.region.pk
        path = self._paths.get((name, args))
        if path is None:
            path = self._paths[(name, args)] = reverse(name, args=args)
        return f"{path}?{urlencode(query)}"

    def deputies(self, **filters) -> str:
        return self._url("staff:directory", status="serving", **filters)

    def activities(self, kind: str | None = None, month: int | None = None) -> str:
        start, end = self._span(month)
        return self._url("staff:activities", kind=kind, status="confirmed", date_from=start, date_to=end)

    def opinions(self, status: str | None = None, month: int | None = None, outcome: str = "counted", **extra) -> str:
        start, end = self._span(month)
        return self._url(
            "staff:opinions", status=status, outcome=outcome, received_from=start, received_to=end, **extra
        )

    def suggestions(self, **filters) -> str:
        return self._url("staff:suggestions", year=self.year, **filters)

    # Without arguments, so templates can call them.
    def direct_deputies(self) -> str:
        return self.deputies(election="direct")

    def reports(self) -> str:
        return self.activities(kind=ActivityKind.REPORT_TO_VOTERS)

    def overdue(self) -> str:
        return self.suggestions(overdue="on")

    def key_suggestions(self) -> str:
        return self.suggestions(is_key="on")

    def rated_suggestions(self) -> str:
        return self.suggestions(status=Suggestion.Status.CLOSED)

    def unit(self, unit_id: int) -> str:
        return self.suggestions(unit=unit_id)

    def stations(self) -> str:
        return self._url("staff:stations", is_active="true")

    def duty_days(self) -> str:
        start, end = self._span()
        return self._url("staff:duty_days", status="held", date_from=start, date_to=end)

    def dashboard(self) -> str:
        return self._url("staff:dashboard", year=self.year)

    def report(self) -> str:
        return self._url("staff:year_report", self.year)


@dataclass
class Item:
    label: str
    value: int | float | None
    url: str
    rate: bool = False


@dataclass
class Section:
    title: str
    items: list[Item]
    sentence: str = ""


def _rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def report_sections(figures: Figures, links: Links) -> list[Section]:
    d, a, o, s = figures.deputies, figures.activities, figures.opinions, figures.suggestions
    st = figures.total.stations
    report = ActivityKind.REPORT_TO_VOTERS
    deputy_items = [
        Item(_("在任代表"), d.serving, links.deputies()),
        Item(_("直接选举产生的在任代表"), d.direct, links.deputies(election="direct")),
    ] + [
        Item(_("%(level)s人大代表") % {"level": level.label}, level.serving, links.deputies(level=level.level))
        for level in d.by_level
        if level.serving
    ]
    activity_items = [Item(_("履职活动（已确认）"), a.total, links.activities())] + [
        Item(label, count, links.activities(kind=kind)) for kind, label, count in a.by_kind if count
    ]
    activity_items.append(Item(_("参加述职的选民人次"), a.voters_at_reports, links.activities(kind=report)))
    return [
        Section(_("代表情况"), deputy_items),
        Section(_("代表履职"), activity_items),
        Section(
            _("代表向选民述职"),
            [
                Item(_("直接选举产生的在任代表"), d.direct, links.deputies(election="direct")),
                Item(_("已向选民述职的代表"), d.reported, links.activities(kind=report)),
                Item(_("述职率"), d.report_rate, links.activities(kind=report), rate=True),
            ],
            _("直接选举产生的代表 %(direct)s 名，向选民述职 %(reported)s 名，述职率 %(rate)s。")
            % {"direct": d.direct, "reported": d.reported, "rate": _rate_text(d.report_rate)},
        ),
        Section(
            _("代表联络站"),
            [
                Item(_("联络站"), st.stations, links.stations()),
                Item(_("编入代表"), st.deputies_assigned, links.stations()),
                Item(_("站均代表"), st.deputies_per_station, links.stations()),
                Item(_("接待日（已接待）"), st.duty_days_held, links.duty_days()),
                Item(_("接待选民人次"), st.voters_received, links.duty_days()),
            ],
            _(
                "联络站 %(stations)s 个，编入代表 %(deputies)s 名，站均 %(per)s 名；"
                "接待日 %(days)s 次，接待选民 %(voters)s 人次。"
            )
            % {
                "stations": st.stations,
                "deputies": st.deputies_assigned,
                "per": "—" if st.deputies_per_station is None else st.deputies_per_station,
                "days": st.duty_days_held,
                "voters": st.voters_received,
            },
        ),
        Section(
            _("选民意见"),
            [
                Item(_("收集意见"), o.collected, links.opinions()),
                Item(_("已解决（已反馈、已办结）"), o.resolved, links.opinions(outcome="resolved")),
                Item(_("已反馈"), o.fed_back, links.opinions(status=Opinion.Status.FED_BACK)),
                Item(_("已办结"), o.closed, links.opinions(status=Opinion.Status.CLOSED)),
                Item(_("解决率"), o.resolved_rate, links.opinions(outcome="resolved"), rate=True),
                Item(_("选民满意率（满意、基本满意）"), o.satisfaction_rate, links.opinions(), rate=True),
            ],
            _("收集选民意见 %(collected)s 件，已解决 %(resolved)s 件，解决率 %(rate)s。")
            % {"collected": o.collected, "resolved": o.resolved, "rate": _rate_text(o.resolved_rate)},
        ),
        Section(
            _("代表建议"),
            [
                Item(_("收到建议"), s.received, links.suggestions()),
                Item(_("立案"), s.registered, links.suggestions()),
                Item(_("不予立案"), s.not_registered, links.suggestions(status=Suggestion.Status.NOT_REGISTERED)),
                Item(_("已答复"), s.replied, links.suggestions()),
                Item(_("办结率（已答复/立案）"), s.reply_rate, links.suggestions(), rate=True),
                Item(_("按期答复率"), s.on_time_rate, links.suggestions(overdue="on"), rate=True),
                Item(_("当前逾期未答复"), s.overdue, links.suggestions(overdue="on")),
                Item(
                    _("满意率（满意、基本满意）"),
                    s.satisfaction_rate,
                    links.suggestions(status=Suggestion.Status.CLOSED),
                    rate=True,
                ),
                Item(_("重点督办建议"), s.key, links.suggestions(is_key="on")),
                Item(_("不满意后重新办理"), s.rehandled, links.suggestions()),
                Item(_("B类答复（承诺事项）"), s.replies_b, links.suggestions()),
                Item(_("B类承诺已兑现"), s.promises_kept, links.suggestions()),
                Item(_("办成率（A类与已兑现的B类/全部答复）"), s.solved_rate, links.suggestions(), rate=True),
            ],
            _(
                "收到代表建议 %(received)s 件，立案 %(registered)s 件，已答复 %(replied)s 件，办结率 %(reply_rate)s，"
                "按期答复率 %(on_time)s，满意率 %(satisfaction)s；B类承诺 %(promised)s 项，已兑现 %(kept)s 项，"
                "办成率 %(solved)s。"
            )
            % {
                "received": s.received,
                "registered": s.registered,
                "replied": s.replied,
                "reply_rate": _rate_text(s.reply_rate),
                "on_time": _rate_text(s.on_time_rate),
                "satisfaction": _rate_text(s.satisfaction_rate),
                "promised": s.replies_b,
                "kept": s.promises_kept,
                "solved": _rate_text(s.solved_rate),
            },
        ),
    ]


def _months() -> list[str]:
    return [_("%(month)d月") % {"month": month} for month in range(1, 13)]


def chart_data(figures: Figures, links: Links) -> dict:
    """What static/js/dashboard.js draws; every point carries the URL of the list behind it."""
    a, o, s = figures.activities, figures.opinions, figures.suggestions
    kinds = [(kind, label) for kind, label, count in a.by_kind if count] or [
        (ActivityKind.REPORT_TO_VOTERS.value, str(ActivityKind.REPORT_TO_VOTERS.label))
    ]
    opinion_series = (
        (_("收集"), "collected", "collected", None),
        (_("已反馈"), "resolved", "fed_back", Opinion.Status.FED_BACK),
        (_("已办结"), "resolved", "closed", Opinion.Status.CLOSED),
    )
    return {
        "months": _months(),
        "activities": {
            "title": _("各月履职活动（已确认）"),
            "series": [
                {
                    "name": label,
                    "data": [a.by_month.get((month, kind), 0) for month in range(1, 13)],
                    "urls": [links.activities(kind=kind, month=month) for month in range(1, 13)],
                }
                for kind, label in kinds
            ],
        },
        "opinions": {
            "title": _("各月收集与解决的选民意见"),
            "series": [
                {
                    "name": name,
                    "stack": stack,
                    "data": [getattr(month, attribute) for month in o.months],
                    "urls": [links.opinions(status=status, month=month.month) for month in o.months],
                }
                for name, stack, attribute, status in opinion_series
            ],
        },
        "suggestions": {
            "title": _("代表建议办理状态"),
            "items": [
                {
                    "name": str(Suggestion.Status(state).label),
                    "value": count,
                    "url": links.suggestions(status=state),
                }
                for state, count in s.by_status.items()
            ],
        },
        "satisfaction": {
            "title": _("满意度"),
            "groups": [_("代表对建议答复"), _("选民对意见办理")],
            "series": [
                {"name": _("满意"), "data": [s.satisfied, o.satisfied]},
                {"name": _("基本满意"), "data": [s.basic, o.basic]},
                {"name": _("不满意"), "data": [s.unsatisfied, o.unsatisfied]},
            ],
            "urls": [links.suggestions(status=Suggestion.Status.CLOSED), links.opinions()],
        },
        "stations": {
            "title": _("各区域站均编入代表"),
            "regions": [row.region.name for row in figures.rows if row.region is not None],
            "data": [row.stations.deputies_per_station or 0 for row in figures.rows if row.region is not None],
            "urls": [Links(figures.year, row.region).stations() for row in figures.rows if row.region is not None],
        },
        "units": {
            "title": _("承办单位按期答复率"),
            "top": [_unit_point(unit, links) for unit in figures.top_units],
            "bottom": [_unit_point(unit, links) for unit in figures.bottom_units],
            "top_name": _("前五名"),
            "bottom_name": _("后五名"),
        },
    }


def _unit_point(unit, links: Links) -> dict:
    return {"name": unit.name, "value": unit.on_time_rate, "url": links.unit(unit.unit_id)}


class ScopeForm(forms.Form):
    region = forms.ModelChoiceField(label=gettext_lazy("区域"), queryset=Region.objects.none(), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        # Only a superuser has no region of their own; everyone else always looks at some region.
        self.fields["region"].empty_label = None if user.region_id else _("全部区域")
        self.fields["year"].choices = [(year, _("%(year)s年") % {"year": year}) for year in _years()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def _row_links(figures: Figures) -> list[tuple]:
    return [(row, Links(figures.year, row.region)) for row in figures.rows]


def _dashboard_tables(figures: Figures, links: Links) -> dict:
    """The figures under each chart, as linked tables: readable without the chart and by screen readers."""
    a, o, s = figures.activities, figures.opinions, figures.suggestions
    months = _months()
    return {
        "activity_kinds": [(label, count, links.activities(kind=kind)) for kind, label, count in a.by_kind if count],
        "activity_months": [
            (
                months[month - 1],
                sum(count for (m, _kind), count in a.by_month.items() if m == month),
                links.activities(month=month),
            )
            for month in range(1, 13)
        ],
        "opinion_months": [
            {
                "label": months[m.month - 1],
                "collected": (m.collected, links.opinions(month=m.month)),
                "fed_back": (m.fed_back, links.opinions(status=Opinion.Status.FED_BACK, month=m.month)),
                "closed": (m.closed, links.opinions(status=Opinion.Status.CLOSED, month=m.month)),
            }
            for m in o.months
        ],
        "suggestion_states": [
            (Suggestion.Status(state).label, count, links.suggestions(status=state))
            for state, count in s.by_status.items()
        ],
        "top_units": [(unit, links.unit(unit.unit_id)) for unit in figures.top_units],
        "bottom_units": [(unit, links.unit(unit.unit_id)) for unit in figures.bottom_units],
    }


@region_reader_required
def dashboard_view(request):
    region = _region(request)
    year = _year(request.GET.get("year"))
    figures = dashboard.cached(user=request.user, region=region, year=year)
    links = Links(year, region)
    form = ScopeForm(initial={"region": region.pk if region else None, "year": year}, user=request.user)
    return render(
        request,
        "staff/evaluations/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "links": links,
            "rows": _row_links(figures),
            "chart_data": chart_data(figures, links),
            **_dashboard_tables(figures, links),
        },
    )


@region_reader_required
def year_report(request, year: int):
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    region = _region(request)
    figures = dashboard.cached(user=request.user, region=region, year=year)
    links = Links(year, region)
    sections = report_sections(figures, links)
    if request.GET.get("export") == "xlsx":
        return report_xlsx(figures, sections)
    return render(
        request,
        "staff/evaluations/year_report.html",
        {
            "figures": figures,
            "links": links,
            "sections": sections,
            "rows": _row_links(figures),
            "units": [(unit, links.unit(unit.unit_id)) for unit in figures.units],
            "region_name": region.name if region else _("全部区域"),
            "today": timezone.localdate(),
            "export_url": _with_query(request.path, region, export="xlsx"),
            "previous_year": Links(year - 1, region).report() if year > FIRST_YEAR else "",
            "next_year": Links(year + 1, region).report() if year < timezone.localdate().year else "",
        },
    )


# Excel ----------------------------------------------------------------------------------------------------------


def _cell(value):
    # Region and unit names are typed by users: a leading "=" must not become a formula in Excel.
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def _region_sheet(figures: Figures) -> tablib.Dataset:
    columns = [
        (_("在任代表"), lambda r: r.serving),
        (_("直选代表"), lambda r: r.direct),
        (_("已述职"), lambda r: r.reported),
        (_("述职率（%）"), lambda r: r.report_rate),
        (_("履职活动"), lambda r: r.activities),
        (_("联络站"), lambda r: r.stations.stations),
        (_("编入代表"), lambda r: r.stations.deputies_assigned),
        (_("站均代表"), lambda r: r.stations.deputies_per_station),
        (_("接待日"), lambda r: r.stations.duty_days_held),
        (_("接待选民人次"), lambda r: r.stations.voters_received),
        (_("收集意见"), lambda r: r.stations.opinions_collected),
        (_("已解决"), lambda r: r.stations.opinions_resolved),
        (_("解决率（%）"), lambda r: r.stations.resolved_rate),
    ]
    if figures.rows_hold_congresses:
        columns += [
            (_("收到建议"), lambda r: r.suggestions_received),
            (_("立案"), lambda r: r.suggestions_registered),
            (_("已答复"), lambda r: r.suggestions_replied),
            (_("办结率（%）"), lambda r: r.reply_rate),
            (_("按期答复率（%）"), lambda r: r.on_time_rate),
        ]
    sheet = tablib.Dataset(headers=[_("区域"), *(label for label, _get in columns)], title=_("分区域"))
    for row in figures.rows:
        sheet.append([_cell(row.region.name if row.region else ""), *(_cell(get(row)) for _label, get in columns)])
    sheet.append([_("合计"), *(_cell(get(figures.total)) for _label, get in columns)])
    return sheet


def report_xlsx(figures: Figures, sections: list[Section]) -> HttpResponse:
    summary = tablib.Dataset(headers=[_("类别"), _("项目"), _("数值")], title=_("年度汇总"))
    for section in sections:
        for item in section.items:
            label = f"{item.label}（%）" if item.rate else item.label
            summary.append([section.title, label, _cell(item.value)])
    levels = tablib.Dataset(headers=[_("层级"), _("在任代表"), _("其中直接选举")], title=_("代表构成"))
    for level in figures.deputies.by_level:
        levels.append([level.label, level.serving, level.direct])
    units = tablib.Dataset(
        headers=[_("承办单位"), _("应答复"), _("按期答复"), _("按期答复率（%）")], title=_("承办单位")
    )
    for unit in figures.units:
        units.append([_cell(unit.name), unit.due, unit.on_time, _cell(unit.on_time_rate)])
    book = tablib.Databook([summary, levels, _region_sheet(figures), units])
    export_format = EXPORT_FORMATS["xlsx"]()
    response = HttpResponse(export_format.export_data(book), content_type=export_format.get_content_type())
    name = figures.region.name if figures.region else _("全部区域")
    filename = _("%(year)s年度代表工作统计_%(region)s.xlsx") % {"year": figures.year, "region": name}
    response["Content-Disposition"] = attachment_disposition(filename)
    return response
