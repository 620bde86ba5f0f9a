"""Reads for the evaluations pages: the dashboard's and the year report's scope and figures."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from representatives.models import Region
from representatives.permissions import regions_for

from . import dashboard
from .dashboard import Figures

FIRST_YEAR = 2000


def report_years() -> range:
    """The years the dashboard and the year report offer, newest first."""
    return range(timezone.localdate().year, FIRST_YEAR - 1, -1)


def report_year(value) -> int:
    """The year asked for, or the current one when it is missing or out of range."""
    current = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return current
    return year if FIRST_YEAR <= year <= current else current


def scope_region(user, value: str) -> Region | None:
    """The region asked for, which must lie within the user's; otherwise the user's own."""
    if not value:
        return user.region if user.region_id else None
    if not value.isdigit():
        raise Http404
    # Outside the user's region is "not found", as for every other record.
    return get_object_or_404(regions_for(user), pk=int(value))


def year_figures(*, user, region: Region | None, year: int) -> Figures:
    """Every figure of the dashboard and the year report for ``region`` in ``year``, from the tallies (cached)."""
    return dashboard.cached(user=user, region=region, year=year)
