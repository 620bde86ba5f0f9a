"""Every figure of the station statistics is the number of rows (or, for voters received, the sum) of the list it
links to: walked automatically over every figure the page shows (the links carry ``data-figure`` and
``data-measure``), on the seeded demo and on the hand-built county of ``test_statistics``, for a city and a
county user and two years. The region table adds up: the rows below the region and its own row make the total.
"""

import datetime
import html.parser
import io
import urllib.parse

import openpyxl
import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.http import QueryDict
from django.urls import resolve, reverse
from django.utils import timezone

from liaison_stations import selectors
from liaison_stations.models import Opinion, Proposal, Rating, Resolution, StationMember
from liaison_stations.tests.test_statistics import county  # noqa: F401 (the hand-built fixture)
from representatives.models import Membership, User

pytestmark = pytest.mark.django_db

ADDITIVE = ("rows", "sum:voters_received")


class FigureLinks(html.parser.HTMLParser):
    """The statistics table's figure links, row by row: (row label, figure, measure, value, href)."""

    def __init__(self):
        super().__init__()
        self.figures: list[dict] = []
        self.row: list[str] = []
        self.in_table = False
        self.cell_text = None
        self.row_label = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "station-statistics":
            self.in_table = True
        if not self.in_table:
            return
        if tag == "tr":
            self.row_label, self.cell_text = None, ""
        if tag == "a" and "data-figure" in attrs:
            self.figures.append(
                {
                    "row": self.row_label,
                    "figure": attrs["data-figure"],
                    "measure": attrs["data-measure"],
                    "value": attrs["data-value"],
                    "href": attrs["href"],
                }
            )

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        if self.in_table and tag == "td" and self.row_label is None:
            self.row_label = self.cell_text.strip()

    def handle_data(self, data):
        if self.in_table and self.row_label is None and self.cell_text is not None:
            self.cell_text += data


def list_rows(user, href: str):
    """The rows of the list ``href`` shows, through the list's own selector (as its view reads them)."""
    parts = urllib.parse.urlsplit(href)
    params = QueryDict(parts.query)
    name = resolve(parts.path).url_name
    if name == "stations":
        return selectors.station_list(user=user, filters=params).qs
    if name == "duty_days":
        return selectors.duty_day_list(user=user, filters=params).qs
    if name == "opinions":
        return selectors.opinion_list(user=user, filters=params).qs
    if name == "station_deputies":
        return selectors.station_deputy_list(user=user, filters=params).qs
    raise AssertionError(f"a figure links to a list the walk does not know: {href}")


def walk(client, user, year: int) -> int:
    """Follows every figure of the user's statistics page for ``year``; returns how many were checked."""
    client.force_login(user)
    period = {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    response = client.get(reverse("staff:station_statistics"), period)
    assert response.status_code == 200
    parser = FigureLinks()
    parser.feed(response.content.decode())
    assert parser.figures, "the page shows no figure links"
    checked, seen = 0, {}
    totals: dict[str, int] = {}
    parts: dict[str, int] = {}
    for figure in parser.figures:
        measure, value, href = figure["measure"], figure["value"], figure["href"]
        if href not in seen:
            page = client.get(href)
            assert page.status_code == 200, href
            seen[href] = page
        if measure == "rate":
            continue
        rows = list_rows(user, href)
        if measure == "rows":
            found = rows.count()
            # The page itself says as much (its paginator counts the same rows).
            assert seen[href].context["page"].paginator.count == found, href
        else:
            field = measure.removeprefix("sum:")
            found = rows.aggregate(n=Sum(field))["n"] or 0
        assert int(value) == found, (figure["row"], figure["figure"], value, found, href)
        checked += 1
        key = figure["figure"]
        if figure["row"] in ("合计", "Total"):
            totals[key] = int(value)
        else:
            parts[key] = parts.get(key, 0) + int(value)
    # Sub-region rows plus the region's own row add up to the total.
    for key, total in totals.items():
        assert parts.get(key, 0) == total, (key, parts.get(key), total)
    return checked


def test_every_figure_is_its_lists_count_on_the_hand_built_county(client, county, staff_a, city_staff):  # noqa: F811
    for user in (staff_a, city_staff):
        for year in (2024, 2025):
            assert walk(client, user, year) >= 9


@pytest.fixture
def seeded_demo(db):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def test_every_figure_is_its_lists_count_on_the_seeded_demo(client, seeded_demo):
    # One seeding for both checks: seeding the demo takes most of this test's time.
    demo_holds_each_kind_of_opinion_and_members_who_left()
    this_year = timezone.localdate().year
    for username in ("staff", "staff_county"):
        user = User.objects.get(username=username)
        for year in (this_year - 1, this_year):
            assert walk(client, user, year) >= 9


def demo_holds_each_kind_of_opinion_and_members_who_left():
    counted = Opinion.objects.exclude(status=Opinion.Status.MERGED)
    solved = counted.filter(resolution=Resolution.SOLVED, status__in=("fed_back", "closed")).exclude(
        rating=Rating.UNSATISFIED
    )
    assert solved.exists()
    assert counted.filter(status="closed").exclude(pk__in=solved).exists()  # closed, not solved
    assert counted.filter(status="closed", rating=Rating.UNSATISFIED).exists()
    assert counted.filter(proposal=Proposal.ON_SPOT).exists()
    serving = Membership.objects.filter(status=Membership.Status.SERVING).values("deputy")
    assert StationMember.objects.exclude(deputy__in=serving).exists()


def test_a_day_served_only_by_a_deputy_who_had_left_is_not_counted(county, staff_a):  # noqa: F811
    table, _total = selectors.station_statistics(
        user=staff_a, region=None, date_from=datetime.date(2025, 3, 25), date_to=datetime.date(2025, 3, 25)
    )
    assert table[0].duty_days_held == 0
    listed = selectors.duty_day_list(user=staff_a, filters={"date_from": "2025-03-25", "date_to": "2025-03-25"}).qs
    assert listed.count() == 1  # the day is there, held; only the figure leaves it out


def test_a_seat_restored_or_ended_recounts_the_duty_days(county, staff_a):  # noqa: F811
    def held_in_march():
        # A whole month: read from the duty days' tallies, which the seat's change must have recounted.
        _table, total = selectors.station_statistics(
            user=staff_a, region=None, date_from=datetime.date(2025, 3, 1), date_to=datetime.date(2025, 3, 31)
        )
        return total.duty_days_held

    seat = Membership.objects.get(deputy=county.d9)
    assert held_in_march() == 4
    seat.status, seat.status_date = Membership.Status.SERVING, None
    seat.save()
    assert held_in_march() == 5
    seat.status, seat.status_date = Membership.Status.TERMINATED, datetime.date(2025, 3, 1)
    seat.save()
    assert held_in_march() == 4


def test_the_opinion_export_marks_solved_with_the_statistics_word(client, county, staff_a):  # noqa: F811
    client.force_login(staff_a)
    march = {"received_from": "2025-03-01", "received_to": "2025-03-31"}
    response = client.get(reverse("staff:opinions"), {**march, "outcome": "counted", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    solved = [row for row in rows if row[headers.index("已解决")] == "是"]
    _table, total = selectors.station_statistics(
        user=staff_a, region=None, date_from=datetime.date(2025, 3, 1), date_to=datetime.date(2025, 3, 31)
    )
    assert len(rows) == total.opinions_collected and len(solved) == total.opinions_solved == 1
    assert solved[0][headers.index("办理结果")] == "问题已解决"
