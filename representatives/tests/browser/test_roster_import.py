"""Office staff import a deputy roster through the admin, then find the new deputies in their directory."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from representatives.models import Deputy, Membership
from representatives.tests.factories import CongressFactory, DeputyFactory, MembershipFactory, StaffFactory

from .roster import roster_row, roster_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_import_a_roster_and_find_the_deputies_in_their_directory(desktop_page, regions):
    page = desktop_page
    congress = CongressFactory(region=regions.county_a, term_number=16, code="440703-16")
    staff = StaffFactory(region=regions.county_a, username="roster_clerk")
    # Same family name as one of the rows, but in the other county: the filter would match, the scope must not.
    other_county = DeputyFactory(region=regions.town_b, name="李春明", code="440781-0007")
    MembershipFactory(deputy=other_county, congress=CongressFactory(region=regions.county_b))
    roster = roster_xlsx(
        [
            roster_row(code="440703-0001", name="李春华", region=regions.town_a, congress=congress),
            roster_row(code="440703-0002", name="陈志强", gender="男", region=regions.town_a, congress=congress),
            roster_row(code="440703-0003", name="黄丽", region=regions.county_a, congress=congress, 选区="第二选区"),
        ]
    )

    log_in(page, staff)
    page.locator("#main-nav").get_by_role("button", name="代表", exact=True).click()
    page.get_by_role("link", name="代表名录").click()
    page.get_by_role("link", name="导入名册").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:representatives_membership_import")) + "$"))

    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "蓬江区第十六届代表名册.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": roster,
            }
        ]
    )
    # The roster form reads the format from the file and hides the select; pick xlsx if it ever shows one.
    file_format = page.locator("select[name=format]")
    if file_format.count():
        file_format.select_option(label="xlsx")
    page.get_by_role("button", name="提交", exact=True).click()

    preview = page.locator("table.import-preview")
    expect(preview).to_be_visible()
    for name in ("李春华", "陈志强", "黄丽"):
        expect(preview).to_contain_text(name)
    assert not Deputy.objects.filter(code__startswith="440703-").exists(), "the preview must not write anything"

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messagelist .success")).to_contain_text("新增 3 条")
    assert Membership.objects.filter(congress=congress).count() == 3

    page.goto(reverse("staff:directory"))
    page.get_by_label("姓名或编号", exact=True).fill("李春")
    page.get_by_label("层级", exact=True).select_option(label="县级")
    page.get_by_role("button", name="查询").click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李春华")
    expect(rows.first).to_contain_text("440703-0001")
    expect(rows.first).to_contain_text("白沙街道")
    expect(page.locator("main")).not_to_contain_text("李春明")
    expect(page.locator("main")).to_contain_text("共 1 名代表")
    screenshot(page, "roster-import-staff-directory")

    # The imported row opens the deputy's record with the seat from the roster.
    rows.first.get_by_role("link", name="李春华").click()
    expect(page.locator("main")).to_contain_text("蓬江区第十六届人民代表大会")
