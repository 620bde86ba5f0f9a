"""The 民生实事 figures on the dashboard and the year report: each count is the number of rows of the list it
links to (the lists' own selectors with the links' filters), walked for a county and a city user."""

import datetime
import html
import re
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.urls import resolve, reverse

from representatives.models import Level
from representatives.tests.factories import CongressFactory

from .. import selectors, services
from ..models import Ballot
from .conftest import open_ballot
from .factories import ProjectFactory

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<a href="([^"]*)" data-figure="(\w+)" data-value="([^"]*)">')
SELECTORS = {"livelihood_projects": selectors.project_list, "livelihood_voters": selectors.voter_list}


@pytest.fixture
def year_of_votes(county, regions, city_staff):
    """County A: three candidates, a selection vote (3 of 5 voted), two chosen with a progress report on one,
    a satisfaction vote; the city: a project of its own congress; county B: a project the county doesn't see."""
    ballot = open_ballot(county)
    a, b, c = county.projects
    for user in county.users:
        services.ballot_vote(ballot=ballot, by=user, choices={a.pk: "for", b.pk: "for", c.pk: "against"})
    services.ballot_close(ballot=ballot, by=county.staff)
    services.progress_report_add(project=a, by=county.clerk, date=datetime.date(2025, 3, 1), percent=50, text="t")
    rating = open_ballot(county, kind=Ballot.Kind.SATISFACTION, quorum_percent=40)
    for user, value in zip(county.users[:2], ["satisfied", "unsatisfied"], strict=True):
        services.ballot_vote(ballot=rating, by=user, choices={a.pk: value, b.pk: "basic"})
    services.ballot_close(ballot=rating, by=county.staff)
    city_congress = CongressFactory(region=regions.city, level=Level.CITY, code="4407-16")
    ProjectFactory(congress=city_congress, title="市级项目")
    ProjectFactory(congress=CongressFactory(region=regions.county_b), title="乙县项目")
    return county


def livelihood_figures(client, url):
    page = client.get(url)
    assert page.status_code == 200
    found = FIGURE.findall(page.content.decode())
    return [(html.unescape(href), kind, value) for href, kind, value in found if "/livelihood/" in href]


def test_every_livelihood_figure_is_the_number_of_rows_of_its_list(client, year_of_votes, staff_a, city_staff):
    walked = 0
    for user in (staff_a, city_staff):
        client.force_login(user)
        for url in (f"{reverse('staff:dashboard')}?year=2025", reverse("staff:year_report", args=[2025])):
            figures = livelihood_figures(client, url)
            assert len(figures) >= 5, url
            for href, kind, value in figures:
                parts = urlsplit(href)
                filterset = SELECTORS[str(resolve(parts.path).url_name)](user=user, filters=QueryDict(parts.query))
                assert filterset.form.is_valid(), (href, filterset.form.errors)
                if kind == "count":
                    assert filterset.qs.count() == int(value), (user, href, value)
                    walked += 1
    assert walked >= 16


def test_the_county_figures_as_counted_by_hand(client, year_of_votes, staff_a):
    client.force_login(staff_a)
    sections = client.get(reverse("staff:year_report", args=[2025])).context["sections"]
    section = next(section for section in sections if str(section.title) == "民生实事项目")
    figures = {item.label: item.value for item in section.items}
    assert figures["民生实事候选项目"] == 3
    assert figures["票决通过的项目"] == 2
    assert figures["参加项目票决的代表"] == 3
    assert figures["项目票决投票率"] == 60.0  # 3 of 5 serving deputies
    assert figures["已报告进展的项目"] == 1
    assert figures["参加满意度测评的代表"] == 2
    assert figures["民生实事满意度"] == 75.0  # satisfied, basic, basic of four votes


def test_the_city_counts_its_own_and_its_counties_projects(client, year_of_votes, city_staff):
    client.force_login(city_staff)
    sections = client.get(reverse("staff:year_report", args=[2025])).context["sections"]
    livelihood = next(section for section in sections if section.title == "民生实事项目")
    assert livelihood.items[0].value == 5  # county A's three, the city's one, county B's one
