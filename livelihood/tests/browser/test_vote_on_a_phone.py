"""A deputy votes on the year's livelihood projects from a phone; a second ballot paper is refused."""

from typing import cast

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.browser import PHONE, log_in, screenshot
from livelihood import services
from livelihood.models import Ballot, Vote, VoteCount, Voter
from livelihood.tests.factories import ProjectFactory
from representatives.models import Congress, Level
from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ballot(regions, staff_a):
    congress = cast(Congress, CongressFactory(region=regions.county_a, level=Level.COUNTY))
    unit = HandlingUnitFactory(region=regions.county_a, name="区民政局")
    for title in ("社区长者饭堂", "背街小巷路灯改造", "农贸市场升级"):
        ProjectFactory(congress=congress, unit=unit, title=title, description=f"{title}，惠及群众。")
    for name in ("何晓梅", "李卫国"):
        MembershipFactory(deputy=DeputyFactory(region=regions.town_a, name=name), congress=congress)
    ballot = services.ballot_create(
        congress=congress, year=2025, kind=Ballot.Kind.SELECTION, title="2025年民生实事项目票决", by=staff_a
    )
    return services.ballot_open(ballot=ballot, by=staff_a)


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_deputy_votes_from_a_phone_and_a_second_paper_is_refused(phone_page, new_page, ballot):
    deputy = ballot.congress.memberships.get(deputy__name="何晓梅").deputy
    user = DeputyUserFactory(deputy=deputy, username="hexiaomei")
    page = phone_page
    log_in(page, user, next_url=reverse("me:home"))
    page.get_by_role("link", name="去投票").tap()
    expect(page.get_by_role("heading", name="2025年民生实事项目票决")).to_be_visible()
    fits_the_phone(page)
    # The same ballot paper open in a second window, as when the deputy taps the link twice.
    second = new_page(**PHONE)
    log_in(second, user, next_url=reverse("me:livelihood_ballot", args=[ballot.pk]))
    expect(second.locator("#ballot-form")).to_be_visible()

    items = page.locator("fieldset.ballot-item")
    expect(items).to_have_count(3)
    # Submitting with a project left out says which one, and counts nothing.
    items.nth(0).get_by_text("赞成", exact=True).tap()
    page.get_by_role("button", name="提交投票").tap()
    expect(page.locator("main")).to_contain_text("请对这个项目作出选择")
    assert not Voter.objects.exists()
    for index, choice in enumerate(("赞成", "赞成", "弃权")):
        page.locator("fieldset.ballot-item").nth(index).get_by_text(choice, exact=True).tap()
    screenshot(page, "livelihood-ballot-phone")
    page.get_by_role("button", name="提交投票").tap()
    expect(page.locator("main")).to_contain_text("投票成功")
    expect(page.locator("#ballot-voted")).to_be_visible()
    fits_the_phone(page)

    # The second window still shows the form; its paper is refused and changes nothing.
    for index in range(3):
        second.locator("fieldset.ballot-item").nth(index).get_by_text("反对", exact=True).tap()
    second.get_by_role("button", name="提交投票").tap()
    expect(second.locator("main")).to_contain_text("已经投过票")
    assert Voter.objects.filter(ballot=ballot).count() == 1
    assert VoteCount.objects.filter(ballot=ballot, choice="for").values_list("count", flat=True).count() == 3
    assert sum(VoteCount.objects.filter(ballot=ballot, choice="against").values_list("count", flat=True)) == 0
    assert sum(VoteCount.objects.filter(ballot=ballot, choice="for").values_list("count", flat=True)) == 2
    assert not Vote.objects.exists()  # a secret vote: nothing says how this deputy voted
