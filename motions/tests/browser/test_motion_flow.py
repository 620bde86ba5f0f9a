"""One motion through the real pages: a deputy drafts it on a phone and invites co-signers; submission is refused
until enough have agreed; two co-signers agree on their phones; the deputy submits; the office registers it and
records the special committee's decision to turn it into a suggestion, and both pages link to each other."""

import re
from typing import cast

import pytest
from playwright.sync_api import expect

from congress.testing.browser import DESKTOP, PHONE, log_in, open_menu, screenshot
from motions.models import Motion
from suggestions.models import Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于制定潭江流域水环境保护条例的议案"


def alert(page):
    return page.get_by_role("alert")


def accept_confirms(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_a_motion_from_a_phone_draft_to_a_suggestion(new_page, world):
    world.rule(2)

    # 1. The deputy drafts the motion on a phone and invites two co-signers. ----------------------------------
    phone = new_page(**PHONE)
    accept_confirms(phone)
    log_in(phone, world.author)
    open_menu(phone)
    phone.locator("#main-nav").get_by_role("link", name="我的议案").tap()
    expect(phone.get_by_role("heading", name="我的议案")).to_be_visible()
    phone.get_by_role("link", name="起草议案").first.tap()
    phone.get_by_label("案由").fill(TITLE)
    phone.get_by_label("案据").fill("潭江流域跨多个县区，水环境保护缺少统一的地方性法规。")
    phone.get_by_label("方案").fill("制定条例，明确流域各方责任、排污管控和生态补偿。")
    phone.get_by_role("button", name="保存草稿").tap()
    expect(alert(phone)).to_contain_text("议案草稿已保存")
    expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()

    invite = phone.locator("#invite")
    invite.get_by_label("代表姓名或编号").fill("附议代表")
    invite.get_by_role("button", name="查找").tap()
    invite.get_by_role("checkbox", name=re.compile("附议代表0")).check()
    invite.get_by_role("checkbox", name=re.compile("附议代表1")).check()
    invite.get_by_role("button", name="邀请所选代表").tap()
    expect(alert(phone)).to_contain_text("已邀请 2 位代表附议")

    # Not enough seconds yet: refused with the numbers, nothing changes.
    phone.get_by_role("button", name="提交议案").tap()
    expect(alert(phone)).to_contain_text("附议代表人数不足")
    expect(alert(phone)).to_contain_text("还差 2 名")
    viewport = cast(dict, PHONE["viewport"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(phone, "motion-draft-phone")

    # 2. Both co-signers agree from the invitation on their home page. -----------------------------------------
    for seconder in world.seconders[:2]:
        page = new_page(**PHONE)
        log_in(page, seconder)
        page.get_by_role("link", name="待我确认的附议邀请").tap()
        invitation = page.locator(".list-group-item", has_text=TITLE)
        expect(invitation).to_contain_text("领衔代表：领衔代表")
        invitation.get_by_role("button", name="同意附议").tap()
        expect(alert(page)).to_contain_text("您已同意附议。")

    # 3. The deputy submits it. --------------------------------------------------------------------------------
    phone.reload()
    expect(phone.locator("[data-seconds]")).to_have_attribute("data-seconds", "2")
    phone.get_by_role("button", name="提交议案").tap()
    expect(alert(phone)).to_contain_text("议案第1号")
    expect(phone.get_by_role("button", name="提交议案")).to_have_count(0)
    motion = Motion.objects.get(title=TITLE)
    assert (motion.status, motion.number) == (Motion.Status.SUBMITTED, 1)

    # 4. The office registers it and records the committee's decision: handled as a suggestion. -----------------
    staff = new_page(**DESKTOP)
    log_in(staff, world.staff)
    staff.locator("#main-nav").get_by_role("button", name="代表建议").click()
    staff.locator("#main-nav").get_by_role("link", name="议案").click()
    row = staff.locator("tbody tr", has_text=TITLE)
    expect(row).to_contain_text("已提交")
    row.get_by_role("link", name=TITLE).click()
    staff.get_by_role("button", name="登记，提请大会主席团审议").click()
    expect(alert(staff)).to_contain_text("已登记")

    convert = staff.locator("#decide-convert")
    convert.get_by_label("专门委员会", exact=True).check()
    convert.get_by_role("button", name="记录决定").click()
    expect(alert(staff)).to_contain_text("请填写专门委员会的名称")
    convert = staff.locator("#decide-convert")
    convert.get_by_label("专门委员会名称").fill("法制委员会")
    convert.get_by_label("决定理由").fill("所提事项宜由政府部门研究办理。")
    convert.get_by_role("button", name="记录决定").click()
    expect(alert(staff)).to_contain_text("已转为代表建议")
    screenshot(staff, "motion-converted")

    motion.refresh_from_db()
    suggestion = Suggestion.objects.get()
    assert motion.status == Motion.Status.CONVERTED and motion.suggestion == suggestion
    staff.locator("[data-link=suggestion] a").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(staff.locator("[data-link=origin]")).to_contain_text("议案第1号")
    staff.locator("[data-link=origin] a").click()
    expect(staff.locator("[data-decision=converted]")).to_contain_text("法制委员会")
