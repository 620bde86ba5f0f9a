"""A deputy reads their term report on a phone; office staff decide an award and the public site shows it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from evaluations import awards
from evaluations.models import Nomination
from representatives.models import ActivityRecord, Level
from representatives.tests.factories import ActivityRecordFactory, CongressFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THIS_YEAR = timezone.localdate().year


def test_a_deputy_reads_their_term_report_on_a_phone(phone_page, regions, deputy_a, deputy_user_a):
    congress = CongressFactory(
        region=regions.county_a,
        level=Level.COUNTY,
        start_date=datetime.date(THIS_YEAR - 1, 1, 1),
        end_date=datetime.date(THIS_YEAR + 3, 12, 31),
    )
    MembershipFactory(deputy=deputy_a, congress=congress)
    for year in (THIS_YEAR - 1, THIS_YEAR):
        ActivityRecordFactory(deputy=deputy_a, date=datetime.date(year, 1, 5), status=ActivityRecord.Status.CONFIRMED)

    page = phone_page
    log_in(page, deputy_user_a)
    page.get_by_role("link", name="任期履职报告").tap()
    expect(page.get_by_role("heading", name=f"{deputy_a.name} 任期履职报告")).to_be_visible()
    total = page.locator("tr[data-row=activities]")
    expect(total.locator("td")).to_have_text(["1", "1", "2"])
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    screenshot(page, "term-report-phone")


def test_staff_award_a_nominee_and_the_public_site_shows_it(desktop_page, new_page, staff_a, deputy_a):
    year = THIS_YEAR - 1
    awards.nominate(by=staff_a, year=year, category=Nomination.Category.DEPUTY, nominee=deputy_a, reason="进站 12 次")

    page = desktop_page
    log_in(page, staff_a)
    page.goto(f"{reverse('staff:awards')}?year={year}")
    row = page.locator("tr[data-nomination]", has_text=deputy_a.name)
    row.get_by_label("评选意见").fill("经主任会议研究，评为优秀。")
    row.get_by_role("button", name="评为优秀").click()
    expect(page.get_by_role("alert").first).to_contain_text("已评为优秀")
    page.locator("tr[data-nomination]", has_text=deputy_a.name).get_by_role("button", name="公布").click()
    expect(page.get_by_role("alert").first).to_contain_text("已在公开网站公布")

    visitor = new_page()
    visitor.goto(f"{reverse('public:awards')}?year={year}")
    expect(visitor.get_by_text(deputy_a.name)).to_be_visible()
    expect(visitor.get_by_text("经主任会议研究，评为优秀。")).to_be_visible()
