"""The dashboard's figures lead to the lists that count them, and a deputy prints their annual file."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from representatives.models import ActivityKind
from representatives.tests.factories import ActivityRecordFactory, DeputyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def confirmed(deputy, n, **fields):
    today = timezone.localdate()
    return [
        ActivityRecordFactory(deputy=deputy, status="confirmed", date=today, place=f"活动地点{i}", **fields)
        for i in range(n)
    ]


def test_the_activities_figure_opens_the_list_it_counts(desktop_page, regions, staff_a):
    confirmed(DeputyFactory(region=regions.town_a, name="甲代表"), 2)
    confirmed(DeputyFactory(region=regions.county_a, name="乙代表"), 1, kind=ActivityKind.REPORT_TO_VOTERS)
    confirmed(DeputyFactory(region=regions.town_b, name="外区代表"), 4)  # another county: not counted
    ActivityRecordFactory(deputy=DeputyFactory(region=regions.town_a), date=timezone.localdate())  # pending

    page = desktop_page
    log_in(page, staff_a)
    page.goto(f"{reverse('staff:dashboard')}?year={timezone.localdate().year}")
    expect(page.get_by_role("heading", name="统计看板")).to_be_visible()
    card = page.locator("#dashboard-cards .card").filter(has_text="履职活动（已确认）")
    link = card.locator('.fs-3 a[data-figure="count"]')
    figure = link.inner_text().strip()
    assert figure == "3" == link.get_attribute("data-value")

    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path == reverse("staff:activities")
    expect(page.get_by_text(re.compile(rf"共\s*{figure}\s*条"))).to_be_visible()
    screenshot(page, "dashboard-activities-list")


def test_a_deputy_prints_their_file_on_a_phone(phone_page, deputy_user_a, deputy_a):
    confirmed(deputy_a, 2, kind=ActivityKind.RESEARCH)

    page = phone_page
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; }")
    log_in(page, deputy_user_a)
    page.goto(reverse("me:file"))
    expect(page.get_by_role("heading", name=re.compile("年度履职档案"))).to_be_visible()
    rows = page.locator('#activities tr[data-record="activity"]')
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("活动地点")

    page.get_by_role("button", name="打印").tap()
    page.wait_for_function("window.__printed > 0")
    assert page.evaluate("window.__printed") == 1

    navbar = page.locator(".navbar").first
    expect(navbar).to_be_visible()
    page.emulate_media(media="print")
    expect(navbar).to_be_hidden()
    screenshot(page, "deputy-file-print")
