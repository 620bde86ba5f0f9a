"""The statistics dashboard (统计看板) and the printable annual report (年度报告) for staff and leaders.

Both pages show the same figures (``selectors.year_figures``); the presenter (``presenters``) pairs every
number with the staff list that counts it, with that list's filters filled in, so an office can check any
figure row by row.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congress.db_router import reads_from_replica
from core.pagination import COUNT_CACHE_SECONDS, MirroredPaginator
from livelihood.figures import year_figures as livelihood_figures
from motions import figures as motion_figures
from representatives import permissions, tallies
from representatives.permissions import region_reader_required
from training.figures import year_figures as training_figures

from . import awards, presenters, selectors
from .exports import report_xlsx
from .forms import ScopeForm
from .presenters import Figure, Links, Section


def _motion_items(user, region, year: int) -> list[Figure]:
    # Motions are counted apart from suggestions (motions/figures.py says how), each linked to its rows.
    found = motion_figures.year_figures(user=user, region=region, year=year)
    return [Figure(item.label, item.value, item.url, how=item.how) for item in found]


def _livelihood_items(user, region, year: int) -> list[Figure]:
    # 民生实事's figures, counted by livelihood/figures.py, each linked to its rows.
    found = livelihood_figures(user=user, region=region, year=year)
    return [Figure(item.label, item.value, item.url, kind=item.kind, how=item.how) for item in found]


def _award_items(user, region, year: int) -> list[Figure]:
    # 三优三先: the nominees awarded in the year by category (awards.year_figures), each linked to its rows.
    return [
        Figure(item.label, item.value, item.url, how=item.how)
        for item in awards.year_figures(user=user, region=region, year=year)
    ]


def _training_items(user, region, year: int) -> list[Figure]:
    # Training's figures, counted by training/figures.py, each linked to its rows.
    found = training_figures(user=user, region=region, year=year)
    return [Figure(item.label, item.value, item.url, kind=item.kind, how=item.how) for item in found]


def _counted_now(user, region, year: int) -> tuple[list[Figure], list[Figure], list[Figure], list[Figure]]:
    """Motions, 民生实事, training and honours: counted in the visit (they have no tallies), about 30 ms of CPU
    building their queries even when the database answers at once, so kept a minute when slow, as the lists'
    counts are (core/pagination.py)."""
    key = ":".join(
        [
            "year-figures",
            permissions.scope_key(user),
            str(region.pk if region else "-"),
            str(year),
            timezone.localdate().isoformat(),
            translation.get_language(),
        ]
    )
    found = cache.get(key)
    if found is None:
        started = time.monotonic()
        found = (
            _motion_items(user, region, year),
            _livelihood_items(user, region, year),
            _training_items(user, region, year),
            _award_items(user, region, year),
        )
        if time.monotonic() - started > settings.PAGE_COUNT_CACHE_AFTER_SECONDS:
            cache.set(key, found, COUNT_CACHE_SECONDS)
    return found


def _region_table(user, region, figures, *, report: bool) -> dict:
    # Built from the figures alone (360 linked cells for a city), so kept as long as they are.
    key = f"region-table:{permissions.scope_key(user)}:{region.pk if region else '-'}:{figures.year}:{report}"
    return tallies.cached(key, lambda: presenters.region_table(figures, report=report))


@region_reader_required
@reads_from_replica
def dashboard_view(request):
    region = selectors.scope_region(request.user, request.GET.get("region", ""))
    year = selectors.report_year(request.GET.get("year"))
    figures = selectors.year_figures(user=request.user, region=region, year=year)
    links = Links(year, region)
    motions, livelihood, training, honours = _counted_now(request.user, region, year)
    form = ScopeForm(initial={"region": region.pk if region else None, "year": year}, user=request.user)
    return render(
        request,
        "staff/evaluations/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "links": links,
            "cards": [
                *presenters.dashboard_cards(figures, links),
                {"title": _("提出议案"), "main": motions[0], "more": motions[1:]},
                {"title": _("民生实事项目"), "main": livelihood[1], "more": [livelihood[0], *livelihood[2:]]},
                {"title": _("代表培训"), "main": training[0], "more": training[1:]},
                {"title": _("评优表彰"), "main": honours[0], "more": honours[1:]},
            ],
            "table": _region_table(request.user, region, figures, report=False),
            "chart_data": presenters.chart_data(figures, links),
            **presenters.dashboard_tables(figures, links),
        },
    )


UNITS_PER_PAGE = 25


def _unit_page(request, figures, links):
    page = MirroredPaginator(figures.units, UNITS_PER_PAGE).get_page(request.GET.get("units_page"))
    page.object_list = presenters.unit_rows(figures, links, units=page.object_list)
    return page


@region_reader_required
@reads_from_replica
def year_report(request, year: int):
    if not selectors.FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    region = selectors.scope_region(request.user, request.GET.get("region", ""))
    figures = selectors.year_figures(user=request.user, region=region, year=year)
    links = Links(year, region)
    motions, livelihood, training, honours = _counted_now(request.user, region, year)
    sections = [
        *presenters.report_sections(figures, links),
        Section(_("议案"), motions),
        Section(_("民生实事项目"), livelihood),
        Section(_("代表培训"), training),
        Section(_("评优表彰"), honours),
    ]
    if request.GET.get("export") == "xlsx":
        return report_xlsx(figures, sections)
    query = {"export": "xlsx", **({"region": region.pk} if region is not None else {})}
    return render(
        request,
        "staff/evaluations/year_report.html",
        {
            "figures": figures,
            "links": links,
            "sections": sections,
            "levels": presenters.level_rows(figures, links),
            "table": _region_table(request.user, region, figures, report=True),
            # A province has a thousand units (470 KB of rows): the report shows them a page at a time, in the
            # same order; the spreadsheet keeps every unit.
            "units": _unit_page(request, figures, links),
            "region_name": region.name if region else _("全部区域"),
            "today": timezone.localdate(),
            "export_url": f"{request.path}?{urlencode(query)}",
            "previous_year": Links(year - 1, region).report() if year > selectors.FIRST_YEAR else "",
            "next_year": Links(year + 1, region).report() if year < timezone.localdate().year else "",
        },
    )
