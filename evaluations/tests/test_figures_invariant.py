"""Every figure on the dashboard and the year report is the number of rows of the list it links to.

The pages render each figure as ``<a href=LIST data-figure=KIND data-value=V>`` (evaluations/presenters.py), so
this test finds every figure on a page without naming any: for a ``count`` figure it counts the rows of the
linked staff list (with the list's selector and the link's filters, as the list page does) and compares; every
other figure's link must name a list that applies all of its filters. Walked for a county and a city user, for
two years, on the seeded demo and on a small county with the rows that went wrong before (issue 14): a deputy
who reported in a year and left office the next February, a deputy and a station attached to the county
itself, a city's own suggestion, earlier years.
"""

import datetime
import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import resolve, reverse
from django.utils import timezone

from evaluations import awards
from liaison_stations import selectors as station_selectors
from liaison_stations.models import DutyDay, Opinion, Proposal
from liaison_stations.tests.factories import DutyDayFactory, OpinionFactory, StationFactory, StationVisitFactory
from livelihood import selectors as livelihood_selectors
from motions import selectors as motion_selectors
from representatives import selectors as representatives_selectors
from representatives.models import ActivityKind, ActivityRecord, Level, Membership, User
from representatives.tests.factories import ActivityRecordFactory, DeputyFactory, MembershipFactory
from suggestions import selectors as suggestion_selectors
from suggestions.models import Suggestion
from suggestions.tests.factories import SuggestionFactory
from training import selectors as training_selectors

from .test_dashboard import YEAR, at
from .test_dashboard import county as county  # the hand-counted county is this test's base

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<a href="([^"]*)" data-figure="(\w+)" data-value="([^"]*)">')


def figures_on(client, url: str) -> list[tuple[str, str, str]]:
    """(href, kind, value) of every figure on the page."""
    response = client.get(url)
    assert response.status_code == 200, url
    found = [(html.unescape(href), kind, value) for href, kind, value in FIGURE.findall(response.content.decode())]
    assert found, url
    return found


# The staff lists the figures link to, by URL name: each page lists ``selector(user=…, filters=GET).qs`` (paginated),
# so the selector's count is the number of rows the page shows, without rendering hundreds of pages.
LIST_SELECTORS: dict[str, Callable[..., Any]] = {
    "staff:directory": representatives_selectors.deputy_directory,
    "staff:activities": representatives_selectors.activity_list,
    "staff:stations": station_selectors.station_list,
    "staff:duty_days": station_selectors.duty_day_list,
    "staff:opinions": station_selectors.opinion_list,
    "staff:station_visits": station_selectors.station_visit_list,
    "staff:suggestions": suggestion_selectors.suggestion_list,
    "staff:motions": motion_selectors.motion_list,
    "staff:livelihood_projects": livelihood_selectors.project_list,
    "staff:livelihood_voters": livelihood_selectors.voter_list,
    "staff:training_sessions": training_selectors.session_list,
    "staff:training_attendances": training_selectors.attendance_list,
    "staff:training_induction": training_selectors.induction_list,
    "staff:training_attempts": training_selectors.attempt_list,
    "staff:awards": awards.nomination_list,
}


class Lists:
    """Counts the rows of each linked list once."""

    def __init__(self, user):
        self.user, self.counts = user, {}

    def rows(self, href: str) -> int:
        if href not in self.counts:
            parts = urlsplit(href)
            match = resolve(parts.path)
            selector = LIST_SELECTORS[f"{match.namespace}:{match.url_name}"]
            filterset = selector(user=self.user, filters=QueryDict(parts.query))
            # A filter the list does not know, or a value it refuses, would be ignored: the list would show
            # other rows than the figure counts.
            asked = set(parse_qs(parts.query))
            assert asked <= set(filterset.filters), (href, asked - set(filterset.filters))
            assert filterset.form.is_valid(), (href, filterset.form.errors)
            self.counts[href] = filterset.qs.count()
        return self.counts[href]


def assert_every_figure_lists_its_rows(client, user, years) -> int:
    client.force_login(user)
    lists = Lists(user)
    checked = 0
    for year in years:
        for page in (f"{reverse('staff:dashboard')}?year={year}", reverse("staff:year_report", args=[year])):
            for href, kind, value in figures_on(client, page):
                rows = lists.rows(href)  # every figure's list opens and applies all its filters
                if kind == "count":
                    assert rows == int(value), (user.username, page, href, value, rows)
                    checked += 1
    return checked


def assert_region_rows_add_up(client, user, year) -> None:
    client.force_login(user)
    table = client.get(f"{reverse('staff:dashboard')}?year={year}").context["table"]
    for column, total in enumerate(table["total"].cells):
        if total.kind in ("count", "total", "parts"):
            assert sum(row.cells[column].value for row in table["rows"]) == total.value, total.label


# The hand-built county ------------------------------------------------------------------------------------------


@pytest.fixture
def tricky(county):
    """The hand-counted county, with the rows that used to go missing from some figure."""
    c = county
    # Lives in the county itself (no township), reported in 2025 and left office in February 2026: 2025 keeps
    # him in its numerator and denominator; he is the county's own row.
    c.d7 = DeputyFactory(region=c.county_a, name="七号")
    MembershipFactory(
        deputy=c.d7,
        congress=c.congress,
        election=Membership.Election.DIRECT,
        status=Membership.Status.RESIGNED,
        status_date=datetime.date(YEAR + 1, 2, 10),
    )
    ActivityRecordFactory(
        deputy=c.d7,
        kind=ActivityKind.REPORT_TO_VOTERS,
        date=datetime.date(YEAR, 9, 1),
        status=ActivityRecord.Status.CONFIRMED,
        voters_attended=12,
    )
    # A station of the county itself, with a day held, a leader's visit and an opinion handled on the spot.
    own_station = StationFactory(region=c.county_a, name="区机关站")
    DutyDayFactory(station=own_station, date=datetime.date(YEAR, 4, 2), status=DutyDay.Status.HELD, voters_received=3)
    StationVisitFactory(station=own_station, date=datetime.date(YEAR, 4, 2))
    StationVisitFactory(station=c.s1, date=datetime.date(YEAR - 1, 6, 1))
    OpinionFactory(station=own_station, received_at=at(4, 2), status=Opinion.Status.CLOSED, proposal=Proposal.ON_SPOT)
    # The city's own suggestion, of the city congress: the city's own row on the city's table.
    SuggestionFactory(congress=c.city_congress, deputy=c.d1, year=YEAR, status=Suggestion.Status.SUBMITTED)
    return c


class TestHandBuiltCounty:
    def test_a_deputy_who_left_the_next_year_still_counts_in_the_year_he_reported(self, tricky, staff_a, client):
        client.force_login(staff_a)
        figures = client.get(f"{reverse('staff:dashboard')}?year={YEAR}").context["figures"]
        # d1 d2 d3 d4 (resigned in February 2025) and d7 (resigned February 2026) held direct county seats in 2025.
        assert (figures.deputies.direct, figures.deputies.reported) == (5, 4)
        county_level = next(level for level in figures.deputies.by_level if level.level == Level.COUNTY)
        assert county_level.serving == 5
        own = next(row for row in figures.rows if row.own)
        assert (own.region, own.serving, own.reported, own.visits, own.on_the_spot) == (tricky.county_a, 1, 1, 1, 1)

    @pytest.mark.parametrize("who", ["staff_a", "city_staff"])
    def test_every_figure_is_the_number_of_rows_of_its_list(self, tricky, who, request, client):
        user = request.getfixturevalue(who)
        assert assert_every_figure_lists_its_rows(client, user, [YEAR, YEAR - 1]) > 50

    def test_the_linked_pages_show_the_rows_the_figures_count(self, tricky, staff_a, client):
        # The walk above counts with the lists' selectors; the pages show those rows (one of each list here).
        client.force_login(staff_a)
        seen = set()
        for href, kind, value in figures_on(client, f"{reverse('staff:dashboard')}?year={YEAR}"):
            name = resolve(urlsplit(href).path).url_name
            if kind == "count" and name not in seen:
                seen.add(name)
                assert client.get(href).context["page"].paginator.count == int(value), href
        assert len(seen) == len(LIST_SELECTORS)

    @pytest.mark.parametrize("who", ["staff_a", "city_staff"])
    def test_the_region_rows_and_the_own_row_add_up_to_the_total(self, tricky, who, request, client):
        user = request.getfixturevalue(who)
        for year in (YEAR, YEAR - 1):
            assert_region_rows_add_up(client, user, year)


# The seeded demo ------------------------------------------------------------------------------------------------


@pytest.fixture
def seeded_demo(db):
    call_command("seed_demo", verbosity=0)


def test_every_figure_of_the_demo_is_the_number_of_rows_of_its_list(seeded_demo, client):
    year = timezone.localdate().year
    for username in ("staff", "staff_county"):
        user = User.objects.get(username=username)
        assert assert_every_figure_lists_its_rows(client, user, [year, year - 1]) > 50
        for shown in (year, year - 1):
            assert_region_rows_add_up(client, user, shown)
