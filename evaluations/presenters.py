"""What the dashboard and the year report show: every figure paired with the staff list that counts it.

A ``Figure`` carries its value, the URL of its list (that list's filters filled in) and what kind of figure it
is, and renders itself as a link marked ``data-figure``/``data-value``, so that a test can walk every figure of
a page and compare it with the rows of its list (evaluations/tests/test_figures_invariant.py):

- ``count``: the number of rows the list shows;
- ``total``: adds up a column of the rows the list shows (voters received at duty days or at reports);
- ``rate``: a percentage; its link lists the rows of its numerator;
- ``parts``: handling parts (件次) of the suggestions the list shows, or deputies the stations listed hold.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote_plus

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from liaison_stations.filters import OPINION_FIGURES
from liaison_stations.models import Opinion
from liaison_stations.selectors import leader_visits_query, opinions_handled_on_the_spot_query
from representatives.models import ActivityKind, Membership, Region
from suggestions.models import Evaluation, Suggestion

from .dashboard import Figures, RegionRow

DIRECT = Membership.Election.DIRECT

# What quote_plus leaves as it is: most of a figure link's values (years, ids, dates, names of filters).
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


def _query_string(query: dict) -> str:
    """``urlencode(query)`` for a figure link, quoting only the values that need it: a dashboard writes a few
    hundred links, and urlencode quoting every key and value was a tenth of its time."""
    pairs = []
    for key, value in query.items():
        text = str(value)
        name = key if _PLAIN.fullmatch(key) else quote_plus(key)
        pairs.append(f"{name}={text if _PLAIN.fullmatch(text) else quote_plus(text)}")
    return "&".join(pairs)


_grouping: dict[str | None, tuple[str, int, bool]] = {}


def _thousands(value: float) -> str:
    """``intcomma`` of a whole number: Python's own grouping when the language groups by three with a comma
    (both of the office's languages, congress/formats), else Django's."""
    language = translation.get_language()
    rule = _grouping.get(language)
    if rule is None:
        rule = _grouping[language] = (
            formats.get_format("THOUSAND_SEPARATOR"),
            formats.get_format("NUMBER_GROUPING"),
            formats.get_format("DECIMAL_SEPARATOR") != ",",
        )
    separator, grouping, plain = rule
    if separator == "," and grouping == 3 and plain and type(value) is int:
        return f"{value:,}"
    return intcomma(value)


class Links:
    """Where each figure is counted: the staff lists, with their filters. ``own``: only the region's own rows
    (the region table's own row), none of the regions below."""

    def __init__(self, year: int, region: Region | None, *, own: bool = False):
        self.year, self.region, self.own = year, region, own
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
            if self.own:
                query["own"] = "on"
        path = self._paths.get((name, args))
        if path is None:
            path = self._paths[(name, args)] = reverse(name, args=args)
        return f"{path}?{_query_string(query)}"

    # Deputies: the roster of the year (served at any time during it), as the figures count it.
    def deputies(self, **filters) -> str:
        return self._url("staff:directory", served_in=self.year, **filters)

    def direct_deputies(self) -> str:
        return self.deputies(election=DIRECT)

    def reported(self) -> str:
        return self.deputies(election=DIRECT, reported_in=self.year)

    def not_reported(self) -> str:
        return self.deputies(election=DIRECT, not_reported_in=self.year)

    def activities(self, kind: str | None = None, month: int | None = None) -> str:
        start, end = self._span(month)
        return self._url("staff:activities", kind=kind, status="confirmed", date_from=start, date_to=end)

    def reports(self) -> str:
        return self.activities(kind=ActivityKind.REPORT_TO_VOTERS)

    def opinions(self, status: str | None = None, month: int | None = None, outcome: str = "counted", **extra) -> str:
        start, end = self._span(month)
        return self._url(
            "staff:opinions", status=status, outcome=outcome, received_from=start, received_to=end, **extra
        )

    # One word, one meaning: the opinion list's ``outcome=<name>`` lists liaison_stations.filters.OPINION_FIGURES.
    def answered(self) -> str:
        return self.opinions(outcome="answered")

    def fed_back(self, month: int | None = None) -> str:
        return self.opinions(outcome="fed_back", month=month)

    def closed_opinions(self, month: int | None = None) -> str:
        return self.opinions(outcome="closed", month=month)

    def solved(self) -> str:
        return self.opinions(outcome="solved")

    def on_the_spot(self) -> str:
        query = opinions_handled_on_the_spot_query(self.year, None)
        return self.opinions(handled=query["handled"])

    def visits(self) -> str:
        return self._url("staff:station_visits", **leader_visits_query(self.year, None))

    def suggestions(self, **filters) -> str:
        return self._url("staff:suggestions", year=self.year, **filters)

    def overdue(self) -> str:
        return self.suggestions(overdue="on")

    def key_suggestions(self) -> str:
        return self.suggestions(is_key="on")

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
class Figure:
    label: str
    value: int | float | None
    url: str
    kind: str = "count"
    # How it is counted, one sentence an office can quote (the year report shows it under the figure).
    how: str = ""

    @property
    def rate(self) -> bool:
        return self.kind == "rate"

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value}%" if self.rate else _thousands(self.value)

    def __html__(self) -> SafeString:
        value = "" if self.value is None else self.value
        # format_html's markup, with one escape per part (a dashboard writes a few hundred of these).
        return mark_safe(  # every part escaped  # nosec B308, B703
            f'<a href="{escape(self.url)}" data-figure="{escape(self.kind)}" data-value="{escape(value)}">'
            f"{escape(self.text)}</a>"
        )

    # Templates turn a value into text with str() before escaping it: the link, marked safe.
    __str__ = __html__


@dataclass
class Section:
    title: str
    items: list[Figure]
    sentence: str = ""


def _rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


# How each figure is counted ---------------------------------------------------------------------------------------


def _how() -> dict[str, str]:
    return {
        "serving": _(
            "年内任何时候在任的代表（按人计，一人多个代表资格只计一次），含年内辞职、终止资格或任期届满的代表。"
        ),
        "direct": _("年内任何时候持有直接选举产生的代表资格的代表。"),
        "reported": _("上述直选代表中，本年度有已确认的向选民述职记录的代表。"),
        "not_reported": _("上述直选代表中，本年度尚无已确认的向选民述职记录的代表。"),
        "report_rate": _("已向选民述职的直选代表数除以年内在任的直选代表数。"),
        "level": _("年内任何时候持有该层级人大代表资格的代表。"),
        "activities": _("代表所在区域内、活动日期在本年度、已确认的履职活动记录。"),
        "activity_kind": _("本年度已确认的该类履职活动记录。"),
        "report_voters": _("本年度已确认的向选民述职活动登记的参加选民人次之和。"),
        "stations": _("目前在用的代表联络站。"),
        "deputies_assigned": _("编入在用联络站的代表，一人编入多个站只计一次。"),
        "per_station": _("编入代表数除以在用联络站数。"),
        "duty_days": _("本年度状态为已接待的接待日。"),
        "voters_received": _("本年度已接待的接待日登记的接待选民人次之和。"),
        "visits": _("本年度登记的常委会组成人员和领导到联络站活动，每次到站计一次。"),
        "on_the_spot": _("收集的意见中，拟办方式为当场答复（现场办结）的意见。"),
        "on_the_spot_rate": _("当场答复的意见数除以收集的意见数。"),
        "opinion_solved_rate": _("已解决的意见数除以收集的意见数。"),
        "opinion_satisfaction": _("选民评价为满意或基本满意的意见数除以有评价的意见数。"),
        "received": _("本年度提出的代表建议（草稿不计）。"),
        "registered": _("已立案的建议，含立案后已交办、已答复和已办结的。"),
        "not_registered": _("经审查不予立案的建议。"),
        "replied": _("承办单位至少答复过一次的建议。"),
        "reply_rate": _("已答复的建议数除以立案的建议数。"),
        "on_time_rate": _(
            "主办、分办单位的交办件中，已答复或已过答复期限的为应答复，期限当天及以前答复的为按期；调整给其他单位的不计。"
        ),
        "overdue": _("今天仍有交办件超过答复期限未答复的建议。"),
        "satisfaction": _("按每件建议最近一轮办理的评价计算：满意和基本满意的建议数除以已评价的建议数。"),
        "rating": _("最近一轮办理的代表评价为该项的建议。"),
        "key": _("列为重点督办的建议。"),
        "rehandled": _("代表评价不满意后重新办理（进入第二轮及以后办理）的建议。"),
        "promised": _("本轮答复中有B类答复（承诺事项）的建议。"),
        "all_kept": _("本轮全部B类承诺均经确认已兑现的建议。"),
        "solved_rate": _("A类答复与已确认兑现的B类承诺答复，除以本轮全部答复（按答复件次计）。"),
        "status": _("当前处于该状态的建议。"),
    }


# The report's sections ------------------------------------------------------------------------------------------


def _opinion(value: int, name: str, url: str) -> Figure:
    """An opinion figure under its one name and meaning (liaison_stations.filters.OPINION_FIGURES)."""
    figure = OPINION_FIGURES[name]
    return Figure(str(figure.label), value, url, how=str(figure.how))


def report_sections(figures: Figures, links: Links) -> list[Section]:
    d, a, o, s = figures.deputies, figures.activities, figures.opinions, figures.suggestions
    st = figures.total.stations
    how = _how()
    deputy_items = [
        Figure(_("年内在任代表"), d.serving, links.deputies(), how=how["serving"]),
        Figure(_("其中直接选举产生的代表"), d.direct, links.direct_deputies(), how=how["direct"]),
    ] + [
        Figure(
            _("%(level)s人大代表") % {"level": level.label},
            level.serving,
            links.deputies(level=level.level),
            how=how["level"],
        )
        for level in d.by_level
        if level.serving
    ]
    activity_items = [Figure(_("履职活动（已确认）"), a.total, links.activities(), how=how["activities"])] + [
        Figure(label, count, links.activities(kind=kind), how=how["activity_kind"])
        for kind, label, count in a.by_kind
        if count
    ]
    activity_items.append(
        Figure(_("参加述职的选民人次"), a.voters_at_reports, links.reports(), kind="total", how=how["report_voters"])
    )
    return [
        Section(_("代表情况"), deputy_items),
        Section(_("代表履职"), activity_items),
        Section(
            _("代表向选民述职"),
            [
                Figure(_("年内在任的直选代表"), d.direct, links.direct_deputies(), how=how["direct"]),
                Figure(_("已向选民述职的代表"), d.reported, links.reported(), how=how["reported"]),
                Figure(_("尚未向选民述职的直选代表"), d.not_reported, links.not_reported(), how=how["not_reported"]),
                Figure(_("述职率"), d.report_rate, links.reported(), kind="rate", how=how["report_rate"]),
            ],
            _("直接选举产生的代表 %(direct)s 名，向选民述职 %(reported)s 名，述职率 %(rate)s。")
            % {"direct": d.direct, "reported": d.reported, "rate": _rate_text(d.report_rate)},
        ),
        Section(
            _("代表联络站"),
            [
                Figure(_("联络站"), st.stations, links.stations(), how=how["stations"]),
                Figure(
                    _("编入代表"), st.deputies_assigned, links.stations(), kind="parts", how=how["deputies_assigned"]
                ),
                Figure(_("站均代表"), st.deputies_per_station, links.stations(), kind="rate", how=how["per_station"]),
                Figure(_("接待日（已接待）"), st.duty_days_held, links.duty_days(), how=how["duty_days"]),
                Figure(
                    _("接待选民人次"), st.voters_received, links.duty_days(), kind="total", how=how["voters_received"]
                ),
                Figure(_("领导到联络站活动"), figures.visits, links.visits(), how=how["visits"]),
            ],
            _(
                "联络站 %(stations)s 个，编入代表 %(deputies)s 名，站均 %(per)s 名；"
                "接待日 %(days)s 次，接待选民 %(voters)s 人次；领导到站活动 %(visits)s 次。"
            )
            % {
                "stations": st.stations,
                "deputies": st.deputies_assigned,
                "per": "—" if st.deputies_per_station is None else st.deputies_per_station,
                "days": st.duty_days_held,
                "voters": st.voters_received,
                "visits": figures.visits,
            },
        ),
        Section(
            _("选民意见"),
            [
                _opinion(o.collected, "counted", links.opinions()),
                Figure(_("当场答复（现场办结）"), o.on_the_spot, links.on_the_spot(), how=how["on_the_spot"]),
                Figure(
                    _("当场答复占比"), o.on_the_spot_rate, links.on_the_spot(), kind="rate", how=how["on_the_spot_rate"]
                ),
                _opinion(o.answered, "answered", links.answered()),
                _opinion(o.resolved, "fed_back", links.fed_back()),
                _opinion(o.closed, "closed", links.closed_opinions()),
                _opinion(o.solved, "solved", links.solved()),
                Figure(_("解决率"), o.solved_rate, links.solved(), kind="rate", how=how["opinion_solved_rate"]),
                Figure(
                    _("选民满意率（满意、基本满意）"),
                    o.satisfaction_rate,
                    links.opinions(),
                    kind="rate",
                    how=how["opinion_satisfaction"],
                ),
            ],
            _(
                "收集选民意见 %(collected)s 件，其中当场答复 %(spot)s 件；已答复 %(answered)s 件，"
                "已反馈 %(fed_back)s 件，已办结 %(closed)s 件，已解决 %(solved)s 件，解决率 %(rate)s。"
            )
            % {
                "collected": o.collected,
                "spot": o.on_the_spot,
                "answered": o.answered,
                "fed_back": o.resolved,
                "closed": o.closed,
                "solved": o.solved,
                "rate": _rate_text(o.solved_rate),
            },
        ),
        Section(
            _("代表建议"),
            [
                Figure(_("收到建议"), s.received, links.suggestions(), how=how["received"]),
                Figure(_("立案"), s.registered, links.suggestions(stage="registered"), how=how["registered"]),
                Figure(
                    _("不予立案"),
                    s.not_registered,
                    links.suggestions(status=Suggestion.Status.NOT_REGISTERED),
                    how=how["not_registered"],
                ),
                Figure(_("已答复"), s.replied, links.suggestions(stage="replied"), how=how["replied"]),
                Figure(
                    _("办结率（已答复/立案）"),
                    s.reply_rate,
                    links.suggestions(stage="replied"),
                    kind="rate",
                    how=how["reply_rate"],
                ),
                Figure(_("按期答复率"), s.on_time_rate, links.overdue(), kind="rate", how=how["on_time_rate"]),
                Figure(_("当前逾期未答复"), s.overdue, links.overdue(), how=how["overdue"]),
                Figure(
                    _("满意率（满意、基本满意）"),
                    s.satisfaction_rate,
                    links.suggestions(status=Suggestion.Status.CLOSED),
                    kind="rate",
                    how=how["satisfaction"],
                ),
                Figure(_("重点督办建议"), s.key, links.key_suggestions(), how=how["key"]),
                Figure(_("不满意后重新办理"), s.rehandled, links.suggestions(stage="rehandled"), how=how["rehandled"]),
                Figure(
                    _("有B类答复（承诺事项）的建议"), s.promised, links.suggestions(promise="made"), how=how["promised"]
                ),
                Figure(_("B类承诺全部兑现的建议"), s.all_kept, links.suggestions(promise="kept"), how=how["all_kept"]),
                Figure(
                    _("办成率（A类与已兑现的B类/全部答复）"),
                    s.solved_rate,
                    links.suggestions(promise="kept"),
                    kind="rate",
                    how=how["solved_rate"],
                ),
            ],
            _(
                "收到代表建议 %(received)s 件，立案 %(registered)s 件，已答复 %(replied)s 件，办结率 %(reply_rate)s，"
                "按期答复率 %(on_time)s，满意率 %(satisfaction)s；有B类承诺的建议 %(promised)s 件，"
                "承诺全部兑现 %(kept)s 件，办成率 %(solved)s。"
            )
            % {
                "received": s.received,
                "registered": s.registered,
                "replied": s.replied,
                "reply_rate": _rate_text(s.reply_rate),
                "on_time": _rate_text(s.on_time_rate),
                "satisfaction": _rate_text(s.satisfaction_rate),
                "promised": s.promised,
                "kept": s.all_kept,
                "solved": _rate_text(s.solved_rate),
            },
        ),
    ]


def level_rows(figures: Figures, links: Links) -> list[tuple[str, Figure, Figure]]:
    """Deputies per congress level: with a seat at the level served in the year, and directly elected ones."""
    return [
        (
            level.label,
            Figure(level.label, level.serving, links.deputies(level=level.level)),
            Figure(level.label, level.direct, links.deputies(level=level.level, election=DIRECT)),
        )
        for level in figures.deputies.by_level
    ]


# The region table ---------------------------------------------------------------------------------------------


def _region_columns(figures: Figures) -> list[tuple]:
    """(heading, value of a row, URL of its list from the row's links, kind) for every column of the table."""
    registered, replied = ({"stage": "registered"}, {"stage": "replied"})
    columns = [
        (_("年内在任代表"), lambda r: r.serving, Links.deputies, "count"),
        (_("直选代表"), lambda r: r.direct, Links.direct_deputies, "count"),
        (_("已述职"), lambda r: r.reported, Links.reported, "count"),
        (_("未述职"), lambda r: r.not_reported, Links.not_reported, "count"),
        (_("述职率"), lambda r: r.report_rate, Links.reported, "rate"),
        (_("履职活动"), lambda r: r.activities, Links.activities, "count"),
        (_("联络站"), lambda r: r.stations.stations, Links.stations, "count"),
        (_("编入代表"), lambda r: r.stations.deputies_assigned, Links.stations, "parts"),
        (_("站均代表"), lambda r: r.stations.deputies_per_station, Links.stations, "rate"),
        (_("接待日"), lambda r: r.stations.duty_days_held, Links.duty_days, "count"),
        (_("接待人次"), lambda r: r.stations.voters_received, Links.duty_days, "total"),
        (_("领导到站"), lambda r: r.visits, Links.visits, "count"),
        (_("收集意见"), lambda r: r.stations.opinions_collected, Links.opinions, "count"),
        (_("当场答复"), lambda r: r.on_the_spot, Links.on_the_spot, "count"),
        (_("已反馈"), lambda r: r.stations.opinions_fed_back, Links.fed_back, "count"),
        (_("已办结"), lambda r: r.stations.opinions_closed, Links.closed_opinions, "count"),
        (_("已解决"), lambda r: r.stations.opinions_solved, Links.solved, "count"),
        (_("解决率"), lambda r: r.stations.solved_rate, Links.solved, "rate"),
    ]
    if figures.rows_hold_congresses:
        columns += [
            (_("收到建议"), lambda r: r.suggestions_received, Links.suggestions, "count"),
            (_("立案"), lambda r: r.suggestions_registered, lambda li: li.suggestions(**registered), "count"),
            (_("已答复"), lambda r: r.suggestions_replied, lambda li: li.suggestions(**replied), "count"),
            (_("办结率"), lambda r: r.reply_rate, lambda li: li.suggestions(**replied), "rate"),
            (_("按期答复率"), lambda r: r.on_time_rate, Links.overdue, "rate"),
        ]
    return columns


@dataclass
class TableRow:
    name: str
    url: str  # the row's region's own dashboard or report; empty for the total and the own row
    cells: list[Figure]
    own: bool = False


def region_table(figures: Figures, *, report: bool = False) -> dict:
    """The region table: a row per region below the chosen one, a row for the chosen region's own items, and
    the total; the rows add up to the total, and every cell links to the list of its rows."""
    columns = _region_columns(figures)

    def cells(row: RegionRow, links: Links) -> list[Figure]:
        return [Figure(heading, value(row), url(links), kind) for heading, value, url, kind in columns]

    rows = []
    for row in figures.rows:
        if row.own:
            links = Links(figures.year, row.region, own=True)
            name = _("%(region)s本级") % {"region": row.region.name}
            rows.append(TableRow(name, "", cells(row, links), own=True))
            continue
        links = Links(figures.year, row.region)
        drill = (
            ""
            if row.region is None or row.region == figures.region
            else (links.report() if report else links.dashboard())
        )
        rows.append(TableRow(row.region.name if row.region else "", drill, cells(row, links)))
    total = TableRow(_("合计"), "", cells(figures.total, Links(figures.year, figures.region)))
    return {
        "headings": [heading for heading, *_rest in columns],
        "rows": rows,
        "total": total,
    }


# The dashboard ---------------------------------------------------------------------------------------------------


def _months() -> list[str]:
    # A date format, so each language writes its own month names ("1月" / "Jan"), not "Month 1".
    month_format = _("n月")
    return [formats.date_format(datetime.date(2000, month, 1), month_format) for month in range(1, 13)]


def _card(main: Figure, *more: Figure) -> dict:
    """A dashboard card: its main figure, titled by the figure's label, and the figures under it."""
    return {"title": main.label, "main": main, "more": list(more)}


def dashboard_cards(figures: Figures, links: Links) -> list[dict]:
    """The cards on top of the dashboard: a main figure and the figures under it."""
    d, a, o, s = figures.deputies, figures.activities, figures.opinions, figures.suggestions
    st = figures.total.stations
    return [
        _card(
            Figure(_("年内在任代表"), d.serving, links.deputies()),
            Figure(_("直接选举"), d.direct, links.direct_deputies()),
        ),
        _card(Figure(_("履职活动（已确认）"), a.total, links.activities())),
        _card(
            Figure(_("向选民述职率"), d.report_rate, links.reported(), kind="rate"),
            Figure(_("已述职"), d.reported, links.reported()),
            Figure(_("未述职"), d.not_reported, links.not_reported()),
        ),
        _card(
            Figure(_("联络站"), st.stations, links.stations()),
            Figure(_("编入代表"), st.deputies_assigned, links.stations(), kind="parts"),
            Figure(_("领导到站"), figures.visits, links.visits()),
        ),
        _card(
            Figure(_("收集选民意见"), o.collected, links.opinions()),
            Figure(_("当场答复"), o.on_the_spot, links.on_the_spot()),
            Figure(_("已解决"), o.solved, links.solved()),
        ),
        _card(
            Figure(_("收到代表建议"), s.received, links.suggestions()),
            Figure(_("立案"), s.registered, links.suggestions(stage="registered")),
            Figure(_("已答复"), s.replied, links.suggestions(stage="replied")),
        ),
        _card(
            Figure(_("按期答复率"), s.on_time_rate, links.overdue(), kind="rate"),
            Figure(_("当前逾期"), s.overdue, links.overdue()),
        ),
        _card(
            Figure(
                _("建议答复满意率"),
                s.satisfaction_rate,
                links.suggestions(status=Suggestion.Status.CLOSED),
                kind="rate",
            ),
            Figure(_("满意"), s.satisfied, links.suggestions(rating=Evaluation.Value.SATISFIED)),
        ),
    ]


def dashboard_tables(figures: Figures, links: Links) -> dict:
    """The figures under each chart, as linked tables: readable without the chart and by screen readers."""
    a, o, s = figures.activities, figures.opinions, figures.suggestions
    months = _months()
    ratings = [Evaluation.Value.SATISFIED, Evaluation.Value.BASIC, Evaluation.Value.UNSATISFIED]
    return {
        "activity_kinds": [
            Figure(label, count, links.activities(kind=kind)) for kind, label, count in a.by_kind if count
        ],
        "activity_months": [
            Figure(
                months[month - 1],
                sum(count for (m, _kind), count in a.by_month.items() if m == month),
                links.activities(month=month),
            )
            for month in range(1, 13)
        ],
        "opinion_months": [
            {
                "label": months[m.month - 1],
                "collected": Figure("", m.collected, links.opinions(month=m.month)),
                "fed_back": Figure("", m.resolved, links.fed_back(month=m.month)),
                "closed": Figure("", m.closed, links.closed_opinions(month=m.month)),
            }
            for m in o.months
        ],
        "suggestion_states": [
            Figure(str(Suggestion.Status(state).label), count, links.suggestions(status=state))
            for state, count in s.by_status.items()
        ]
        + [
            Figure(_("重点督办"), s.key, links.key_suggestions()),
            Figure(_("当前逾期"), s.overdue, links.overdue()),
            Figure(_("不满意后重新办理"), s.rehandled, links.suggestions(stage="rehandled")),
            Figure(_("有B类答复（承诺事项）"), s.promised, links.suggestions(promise="made")),
            Figure(_("B类承诺全部兑现"), s.all_kept, links.suggestions(promise="kept")),
        ],
        "suggestion_ratings": [
            Figure(label, value, links.suggestions(rating=rating))
            for rating, label, value in zip(
                ratings, (_("满意"), _("基本满意"), _("不满意")), (s.satisfied, s.basic, s.unsatisfied), strict=True
            )
        ],
        "opinion_ratings": [
            Figure(label, value, links.opinions(rating=rating))
            for rating, label, value in zip(
                ratings, (_("满意"), _("基本满意"), _("不满意")), (o.satisfied, o.basic, o.unsatisfied), strict=True
            )
        ],
        "top_units": [_unit_rate(unit, links) for unit in figures.top_units],
        "bottom_units": [_unit_rate(unit, links) for unit in figures.bottom_units],
    }


def _unit_rate(unit, links: Links) -> tuple:
    return unit, Figure(unit.name, unit.on_time_rate, links.unit(unit.unit_id), "rate")


def chart_data(figures: Figures, links: Links) -> dict:
    """What static/js/dashboard.js draws; every point carries the URL of the list behind it."""
    a, o, s = figures.activities, figures.opinions, figures.suggestions
    kinds = [(kind, label) for kind, label, count in a.by_kind if count] or [
        (ActivityKind.REPORT_TO_VOTERS.value, str(ActivityKind.REPORT_TO_VOTERS.label))
    ]
    rows = [row for row in figures.rows if row.region is not None and not row.own]
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
            "title": _("各月收集与反馈的选民意见"),
            "series": [
                {
                    "name": _("收集"),
                    "stack": "collected",
                    "data": [m.collected for m in o.months],
                    "urls": [links.opinions(month=m.month) for m in o.months],
                },
                {
                    "name": _("已反馈（未办结）"),
                    "stack": "fed_back",
                    "data": [m.fed_back for m in o.months],
                    "urls": [links.opinions(status=Opinion.Status.FED_BACK, month=m.month) for m in o.months],
                },
                {
                    "name": _("已办结"),
                    "stack": "fed_back",
                    "data": [m.closed for m in o.months],
                    "urls": [links.closed_opinions(month=m.month) for m in o.months],
                },
            ],
        },
        "suggestions": {
            "title": _("代表建议办理状态"),
            "items": [
                {"name": str(Suggestion.Status(state).label), "value": count, "url": links.suggestions(status=state)}
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
            "regions": [row.region.name for row in rows],
            "data": [row.stations.deputies_per_station or 0 for row in rows],
            "urls": [Links(figures.year, row.region).stations() for row in rows],
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


def unit_rows(figures: Figures, links: Links, units=None) -> list[tuple]:
    """Each unit's parts due and answered on time (件次) and its rate; the link lists the unit's suggestions.
    ``units``: those to show (a page of ``figures.units``), all when None."""
    return [
        (
            unit,
            Figure(unit.name, unit.due, links.unit(unit.unit_id), "parts"),
            Figure(unit.name, unit.on_time, links.unit(unit.unit_id), "parts"),
            Figure(unit.name, unit.on_time_rate, links.unit(unit.unit_id), "rate"),
        )
        for unit in (figures.units if units is None else units)
    ]
