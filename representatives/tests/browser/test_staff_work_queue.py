"""Office staff start from the work queue: a count leads to exactly its rows, and the pending records are
confirmed in bulk from the filtered list."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from representatives import tallies
from representatives.models import ActivityRecord
from representatives.tests.factories import ActivityRecordFactory, DeputyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_click_through_the_queue_and_confirm_all_pending_in_bulk(desktop_page, regions, staff_a):
    page = desktop_page
    deputy = DeputyFactory(region=regions.town_a, name="李明")
    ActivityRecordFactory.create_batch(3, deputy=deputy)
    ActivityRecordFactory(deputy=deputy, status=ActivityRecord.Status.CONFIRMED)
    ActivityRecordFactory(deputy=DeputyFactory(region=regions.town_b))  # another county's: not ours
    tallies.flush()

    log_in(page, staff_a, next_url=reverse("staff:home"))
    entry = page.locator("[data-work-queue] a", has_text="待确认的履职记录")
    expect(entry.locator(".badge")).to_have_text("3")
    entry.click()

    expect(page).to_have_url(re.compile(r"status=pending"))
    expect(page.get_by_text("共 3 条")).to_be_visible()
    expect(page.locator("[data-bulk-item]")).to_have_count(3)
    page.get_by_label("选择符合筛选条件的全部 3 条").check()
    # Everything matching is chosen: the page's own boxes no longer matter.
    expect(page.locator("[data-bulk-item]").first).to_be_disabled()
    screenshot(page, "staff-bulk-confirm")
    page.get_by_role("button", name="确认所选").click()

    expect(page.get_by_role("alert").first).to_contain_text("已确认 3 条履职记录。")
    expect(page.get_by_text("共 0 条")).to_be_visible()
    assert ActivityRecord.objects.filter(status=ActivityRecord.Status.PENDING).count() == 1

    page.goto(reverse("staff:home"))
    expect(page.locator("[data-work-queue] a", has_text="待确认的履职记录").locator(".badge")).to_have_text("0")


def test_staff_return_ticked_records_with_one_reason(desktop_page, regions, staff_a):
    page = desktop_page
    deputy = DeputyFactory(region=regions.town_a, name="王芳")
    records = ActivityRecordFactory.create_batch(3, deputy=deputy)
    log_in(page, staff_a, next_url=reverse("staff:activities") + "?status=pending")

    # Returning without a reason is refused and changes nothing.
    page.locator(f'[data-bulk-item][value="{records[0].pk}"]').check()
    page.get_by_role("button", name="退回所选").click()
    expect(page.get_by_role("alert").first).to_contain_text("退回必须填写理由。")

    page.locator(f'[data-bulk-item][value="{records[0].pk}"]').check()
    page.locator(f'[data-bulk-item][value="{records[1].pk}"]').check()
    page.get_by_label("退回理由").fill("请补充活动照片")
    page.get_by_role("button", name="退回所选").click()
    expect(page.get_by_role("alert").first).to_contain_text("已退回 2 条履职记录。")
    statuses = sorted(ActivityRecord.objects.filter(deputy=deputy).values_list("status", flat=True))
    assert statuses == ["pending", "returned", "returned"]
