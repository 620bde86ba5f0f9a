"""The 民生实事 pages of every role pass axe-core's WCAG 2.1 A/AA rules on a phone and a desktop (the demo-wide
walk in congress/tests/test_accessibility_browser.py reaches them too; this one needs no seeded demo)."""

import datetime
from typing import cast

import pytest
from django.urls import reverse

from congress.testing.axe import install_axe, report, violations
from congress.testing.browser import DESKTOP, PHONE, log_in
from livelihood import services
from livelihood.models import Ballot, Project
from livelihood.tests.factories import ProjectFactory
from representatives.models import Congress, Level
from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year(regions, staff_a):
    congress = cast(Congress, CongressFactory(region=regions.county_a, level=Level.COUNTY))
    unit = HandlingUnitFactory(region=regions.county_a, name="区民政局")
    projects = [cast(Project, ProjectFactory(congress=congress, unit=unit, title=f"项目{i}")) for i in range(2)]
    deputy = DeputyFactory(region=regions.town_a, name="何晓梅")
    MembershipFactory(deputy=deputy, congress=congress)
    user = DeputyUserFactory(deputy=deputy, username="hexiaomei")
    closed = services.ballot_create(
        congress=congress, year=2025, kind=Ballot.Kind.SELECTION, title="项目票决", by=staff_a, quorum_percent=10
    )
    closed = services.ballot_open(ballot=closed, by=staff_a)
    services.ballot_vote(ballot=closed, by=user, choices={p.pk: "for" for p in projects})
    services.ballot_close(ballot=closed, by=staff_a)
    clerk = ClerkFactory(unit=unit, username="clerk_lh")
    services.progress_report_add(project=projects[0], by=clerk, date=datetime.date(2025, 5, 1), percent=50, text="t")
    rating = services.ballot_create(
        congress=congress, year=2025, kind=Ballot.Kind.SATISFACTION, title="满意度测评", by=staff_a
    )
    rating = services.ballot_open(ballot=rating, by=staff_a)
    return {"projects": projects, "closed": closed, "rating": rating, "deputy": user, "clerk": clerk, "staff": staff_a}


def test_livelihood_pages_pass_wcag_21_aa(chromium, live_server, year):
    project, closed, rating = year["projects"][0], year["closed"], year["rating"]
    pages = {
        None: [
            reverse("public:livelihood"),
            reverse("public:livelihood_ballot", args=[closed.pk]),
            reverse("public:livelihood_project", args=[project.pk]),
        ],
        "deputy": [
            reverse("me:livelihood"),
            reverse("me:livelihood_ballot", args=[rating.pk]),
            reverse("me:livelihood_ballot", args=[closed.pk]),
            reverse("me:livelihood_project", args=[project.pk]),
        ],
        "clerk": [reverse("unit:livelihood_projects"), reverse("unit:livelihood_project", args=[project.pk])],
        "staff": [
            reverse("staff:livelihood_projects"),
            reverse("staff:livelihood_project", args=[project.pk]),
            reverse("staff:livelihood_project_new"),
            reverse("staff:livelihood_ballots"),
            reverse("staff:livelihood_ballot", args=[rating.pk]),
            reverse("staff:livelihood_ballot", args=[closed.pk]),
            reverse("staff:livelihood_ballot_new"),
            reverse("staff:livelihood_voters"),
        ],
    }
    found = {}
    for role, urls in pages.items():
        for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = chromium.new_context(base_url=live_server.url, **viewport)
            try:
                install_axe(context)
                page = context.new_page()
                if role is not None:
                    log_in(page, year[role])
                for url in urls:
                    response = page.goto(url)
                    assert response is not None and response.status < 400, url
                    if problems := violations(page):
                        found[f"{url} [{role}/{viewport_name}]"] = problems
            finally:
                context.close()
    assert not found, "WCAG 2.1 A/AA violations:\n" + report(found)
