"""The term report (任期履职报告) for the deputy and for staff, and the staff list of terms ending."""

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets
from core.pagination import paginate
from representatives import selectors as deputy_selectors
from representatives.models import User
from representatives.permissions import deputy_required, region_reader_required

from . import term_report as reads

# How far ahead the list of ending terms looks, in days; "" means every current term.
HORIZONS = [
    ("", gettext_lazy("本届任期内")),
    ("90", gettext_lazy("三个月内")),
    ("180", gettext_lazy("半年内")),
    ("365", gettext_lazy("一年内")),
]


def _render(request: HttpRequest, deputy, congress: int | None, template: str, *, is_own: bool) -> HttpResponse:
    seat = reads.seat_of(deputy, congress)
    report = reads.term_report(deputy, seat) if seat is not None else None
    if report is not None and request.GET.get("export") == "xlsx":
        return report_xlsx(report)
    return render(
        request,
        template,
        {"report": report, "deputy": deputy, "seats": reads.term_seats(deputy), "is_own": is_own},
    )


@deputy_required
def my_term_report(request: HttpRequest, congress: int | None = None) -> HttpResponse:
    user = cast(User, request.user)
    deputy = deputy_selectors.deputy_for_user(user=user, pk=user.deputy_id)
    return _render(request, deputy, congress, "me/evaluations/term_report.html", is_own=True)


@region_reader_required
def staff_term_report(request: HttpRequest, pk: int, congress: int | None = None) -> HttpResponse:
    # Scoped to the reader's region: another county's deputy is "not found", not "forbidden".
    deputy = deputy_selectors.deputy_for_user(user=request.user, pk=pk)
    return _render(request, deputy, congress, "staff/evaluations/term_report.html", is_own=False)


def report_xlsx(report: reads.TermReport) -> HttpResponse:
    years = report.years
    headers = [_("项目"), *[str(year) for year in years], _("任期合计")]
    rows = [[row.label, *row.values, row.total] for row in report.rows]
    title = _("%(name)s 任期履职报告") % {"name": report.deputy.name}
    return spreadsheets.xlsx_response(spreadsheets.sheet(headers, rows, title=title[:31]), title)


@region_reader_required
def terms_ending(request: HttpRequest) -> HttpResponse:
    within = request.GET.get("within", "")
    if within not in dict(HORIZONS):
        within = ""
    seats = reads.ending_seats(request.user, within_days=int(within) if within else None)
    if request.GET.get("export") == "xlsx":
        headers = [
            _("姓名"),
            _("代表编号"),
            _("人民代表大会"),
            _("任期结束"),
            _("履职活动"),
            _("联络站接待选民（次）"),
            _("领衔提出建议"),
            _("预警次数"),
        ]
        rows = [
            [
                seat.deputy.name,
                seat.deputy.code,
                str(seat.congress),
                seat.congress.end_date,
                seat.n_activities,
                seat.n_duty_days,
                seat.n_suggestions,
                seat.n_warnings,
            ]
            # Each seat carries the term's counts added by ``with_term_figures``.
            for seat in cast(list[Any], reads.with_term_figures(list(seats)))
        ]
        return spreadsheets.xlsx_response(spreadsheets.sheet(headers, rows, title=_("任期届满代表")), _("任期届满代表"))
    page = paginate(request, seats)
    page.object_list = reads.with_term_figures(list(page.object_list))
    return render(
        request, "staff/evaluations/terms_ending.html", {"page": page, "within": within, "horizons": HORIZONS}
    )
