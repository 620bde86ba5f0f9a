"""Motion figures: each equals the rows of the list it links to, and motions and suggestions never count each other."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import selectors as evaluation_selectors
from motions import figures

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
ROWS = re.compile(r'data-rows="(\d+)"')
FIGURE = re.compile(r'<a href="([^"]*/staff/motions/[^"]*)" data-figure="count" data-value="(\d+)">')


@pytest.fixture
def motions(world):
    world.draft("草稿不计")
    world.submitted("已提交待登记")
    world.registered("已登记待审议")
    world.decided("list", "列入议程的议案")
    world.decided("not_list", "不列入的议案")
    world.decided("convert", "转为建议的议案")
    return world


def rows_of(client, url: str) -> int:
    found = ROWS.search(client.get(url).content.decode())
    assert found is not None, url
    return int(found.group(1))


def test_each_figure_is_the_rows_of_its_list(client, motions, regions):
    client.force_login(motions.staff)
    found = {f.key: f for f in figures.year_figures(user=motions.staff, region=None, year=YEAR)}
    assert {key: f.value for key, f in found.items()} == {"submitted": 5, "listed": 1, "not_listed": 1, "converted": 1}
    for figure in found.values():
        assert rows_of(client, figure.url) == figure.value, figure.key
    in_county = figures.year_figures(user=motions.staff, region=regions.county_a, year=YEAR)
    assert [f.value for f in in_county] == [5, 1, 1, 1]
    assert all(rows_of(client, f.url) == f.value for f in in_county)


def test_another_county_counts_none_of_them(motions, staff_b):
    assert [f.value for f in figures.year_figures(user=staff_b, region=None, year=YEAR)] == [0, 0, 0, 0]


@pytest.mark.parametrize("page", ["dashboard", "report"])
def test_the_dashboard_and_year_report_show_the_figures_linked_to_their_rows(client, motions, page):
    client.force_login(motions.staff)
    url = (
        reverse("staff:dashboard") + f"?year={YEAR}"
        if page == "dashboard"
        else reverse("staff:year_report", args=[YEAR])
    )
    shown = [(unescape(href), int(value)) for href, value in FIGURE.findall(client.get(url).content.decode())]
    assert sorted(value for _href, value in shown) == [1, 1, 1, 5]
    for href, value in shown:
        assert rows_of(client, href) == value


def test_no_suggestion_figure_counts_a_motion(world, staff_a):
    def suggestion_figures():
        found = evaluation_selectors.year_figures(user=staff_a, region=None, year=YEAR).suggestions
        return found.received, found.registered

    before = suggestion_figures()
    world.decided("list", "列入议程")
    world.decided("not_list", "不列入")
    world.registered("待审议")
    assert suggestion_figures() == before


def test_a_motion_turned_into_a_suggestion_counts_once_on_each_side(world, staff_a):
    """It stays one motion (submitted, turned into a suggestion) and the suggestion made from it is one suggestion."""
    received = evaluation_selectors.year_figures(user=staff_a, region=None, year=YEAR).suggestions.received
    motion = world.decided("convert")
    assert evaluation_selectors.year_figures(user=staff_a, region=None, year=YEAR).suggestions.received == received + 1
    counts = {f.key: f.value for f in figures.year_figures(user=staff_a, region=None, year=YEAR)}
    assert counts == {"submitted": 1, "listed": 0, "not_listed": 0, "converted": 1}
    assert motion.suggestion.status == "submitted"


def test_the_deputy_file_lists_led_and_seconded_motions(client, motions):
    client.force_login(motions.author)
    page = client.get(reverse("me:file_year", args=[YEAR])).content.decode()
    assert page.count('data-record="motion"') == 5
    client.force_login(motions.seconders[0])
    page = client.get(reverse("me:file_year", args=[YEAR])).content.decode()
    assert page.count('data-record="motion"') == 5 and "（附议）" in page
