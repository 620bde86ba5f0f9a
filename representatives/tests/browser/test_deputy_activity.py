"""A deputy on a phone records an activity and finds it waiting for the office's confirmation."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from congress.testing.browser import log_in, open_menu, screenshot
from representatives.models import ActivityRecord
from representatives.tests.factories import CongressFactory, DeputyUserFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deputy_registers_an_activity_from_a_phone(phone_page, regions, deputy_a):
    page = phone_page
    MembershipFactory(deputy=deputy_a, congress=CongressFactory(region=regions.county_a))
    user = DeputyUserFactory(deputy=deputy_a, username="deputy_phone")
    day = timezone.localdate() - datetime.timedelta(days=2)

    log_in(page, user)
    expect(page.get_by_role("heading", name=deputy_a.name)).to_be_visible()

    # On a phone the menu is folded away behind the hamburger button.
    open_menu(page)
    page.locator("#main-nav").get_by_role("link", name="登记履职").tap()
    expect(page.get_by_role("heading", name="登记履职")).to_be_visible()

    page.get_by_label("类型").select_option(label="调研")
    page.get_by_label("日期").fill(day.isoformat())
    page.get_by_label("地点").fill("白沙街道社区服务中心")
    page.get_by_label("内容").fill("走访社区，了解老旧小区加装电梯的进展和群众意见。")
    page.get_by_role("button", name="提交").tap()

    expect(page.get_by_role("alert")).to_contain_text("履职记录已提交，等待工作人员确认。")
    page.get_by_role("link", name="返回").tap()

    expect(page).to_have_url(re.compile(re.escape(reverse("me:home")) + "$"))
    item = page.locator(".list-group-item", has_text="白沙街道社区服务中心")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("调研")
    expect(item).to_contain_text(day.strftime("%Y-%m-%d"))
    expect(item).to_contain_text("走访社区")
    expect(item.locator(".status-pending")).to_have_text("待确认")

    # The page fits the phone: nothing makes the user scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "deputy-activity-phone")

    record = ActivityRecord.objects.get(deputy=deputy_a)
    assert (record.status, record.kind, record.date) == (ActivityRecord.Status.PENDING, "research", day)
