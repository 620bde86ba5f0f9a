"""One suggestion walked through the real pages by everyone who touches it, each logging in through the form.

The deputy drafts it on a phone, invites a co-signer and submits it; the co-signer accepts; the office registers
and assigns it; the lead unit replies (class B, with its stamped PDF); the deputy is not satisfied; and the
suggestion is back on the lead unit's list for a second round.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress.testing.browser import DESKTOP, PHONE, log_in, open_menu, screenshot
from representatives.tests.factories import ClerkFactory
from suggestions import services
from suggestions.models import Assignment, CoSigner, Evaluation, Suggestion, UnitRating
from suggestions.tests.factories import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于在白沙街道增设公交线路的建议"
COMMENT = "承诺时间太晚，群众等不了，请提前实施。"


def accept_confirms(page) -> list[str]:
    """Answer "OK" to every ``data-confirm`` dialog, as the person would; returns the messages seen."""
    seen: list[str] = []

    def accept(dialog):
        seen.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def alert(page):
    return page.get_by_role("alert")


def test_a_suggestion_from_draft_to_a_second_round(
    new_page, tmp_path, congress, author, cosigner, staff_a, lead_unit, co_unit, lead_clerk
):
    # 1. The deputy drafts the suggestion on a phone, invites a co-signer and submits it. -----------------------
    phone = new_page(**PHONE)
    confirms = accept_confirms(phone)
    log_in(phone, author)
    open_menu(phone)
    phone.locator("#main-nav").get_by_role("link", name="我的建议").tap()
    expect(phone.get_by_role("heading", name="我的建议")).to_be_visible()
    phone.get_by_role("link", name="起草建议").tap()
    expect(phone.get_by_role("heading", name="起草建议")).to_be_visible()

    phone.get_by_label("标题").fill(TITLE)
    phone.get_by_label("类别").select_option(label="交通运输")
    phone.get_by_label("内容").fill("白沙街道北片居民出行只有一条公交线路，高峰期候车超过半小时。建议增设线路。")
    phone.get_by_label("闭会期间").check()
    phone.get_by_role("button", name="保存草稿").tap()

    expect(alert(phone)).to_contain_text("建议草稿已保存")
    expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(phone.locator(".badge", has_text="草稿")).to_be_visible()

    invite = phone.locator("#invite")
    invite.get_by_label("代表姓名或编号").fill("联名")
    invite.get_by_role("button", name="查找").tap()
    invite.get_by_role("checkbox", name=re.compile("联名代表")).check()
    invite.get_by_role("button", name="邀请所选代表").tap()
    expect(alert(phone)).to_contain_text("已邀请 1 位代表联名")
    cosigners = phone.locator("#cosigners + ul")
    expect(cosigners).to_contain_text("联名代表")
    expect(cosigners).to_contain_text("待确认")

    phone.get_by_role("button", name="提交建议").tap()
    expect(alert(phone)).to_contain_text("建议已提交，编号第1号")
    assert confirms == ["提交后不能再修改，确定提交吗？"]
    expect(phone.locator(".badge", has_text="已提交")).to_be_visible()
    expect(phone.get_by_role("button", name="提交建议")).to_have_count(0)
    expect(phone.get_by_text(f"{timezone.localdate().year} · 第1号", exact=True)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    screenshot(phone, "suggestion-submitted-phone")
    suggestion = Suggestion.objects.get(title=TITLE)
    assert (suggestion.status, suggestion.number) == (Suggestion.Status.SUBMITTED, 1)

    # 2. The co-signer finds the invitation on their home page and accepts it. ---------------------------------
    co_page = new_page(**PHONE)
    log_in(co_page, cosigner)
    co_page.get_by_role("link", name="待我确认的联名邀请").tap()
    invitation = co_page.locator(".list-group-item", has_text=TITLE)
    expect(invitation).to_contain_text("领衔代表：领衔代表")
    expect(invitation).to_contain_text("已提交")
    invitation.get_by_role("button", name="同意联名").tap()
    expect(alert(co_page)).to_contain_text("您已同意联名。")
    expect(co_page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(co_page.locator("#cosigners + ul")).to_contain_text("已联名")
    assert suggestion.cosigners.get().status == CoSigner.Status.ACCEPTED

    # 3. The office registers it and assigns it to a lead unit with a co-unit. ---------------------------------
    staff = new_page(**DESKTOP)
    log_in(staff, staff_a)
    staff.locator("#main-nav").get_by_role("button", name="代表建议").click()
    staff.locator("#main-nav").get_by_role("link", name="代表建议").click()
    staff.get_by_label("标题、编号或代表").fill("公交线路")
    staff.get_by_role("button", name="查询").click()
    row = staff.locator("tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("领衔代表")
    expect(row.locator("td").nth(4)).to_have_text("已提交")
    row.get_by_role("link", name=TITLE).click()

    heading = staff.get_by_role("heading", level=1)
    expect(heading).to_contain_text("已提交")
    expect(staff.locator("dd", has_text="联名代表")).to_be_visible()
    register = staff.locator("form", has=staff.get_by_role("heading", name="立案", exact=True))
    register.get_by_role("button", name="提交").click()
    expect(alert(staff)).to_contain_text("建议已立案。")
    expect(heading).to_contain_text("已立案")

    assign = staff.locator("form", has=staff.get_by_role("heading", name="交办（主办、协办）"))
    # Units are searched, not listed (core/autocomplete.py): type part of the name, pick what the search finds.
    units = (("主办单位", "交通", "区交通运输局（蓬江区）"), ("协办单位", "财政", "区财政局（蓬江区）"))
    for label, term, found in units:
        search = assign.get_by_role("combobox", name=label, exact=True)
        search.click()
        search.press_sequentially(term)
        staff.get_by_role("option", name=found).click()
        search.press("Escape")
    assign.get_by_role("button", name="提交").click()
    expect(alert(staff)).to_contain_text("建议已交办。")
    expect(heading).to_contain_text("办理中")
    lead_card = staff.locator(".card", has=staff.locator(".card-header", has_text="区交通运输局"))
    expect(lead_card.locator(".card-header")).to_contain_text("主办")
    expect(lead_card.locator(".card-header .badge")).to_have_text("办理中")
    expect(staff.locator(".card-header", has_text="区财政局")).to_contain_text("协办")

    # 4. The lead unit's clerk replies: class B, a promised date, the text and the stamped PDF. ------------------
    clerk = new_page(**DESKTOP)
    clerk_confirms = accept_confirms(clerk)
    log_in(clerk, lead_clerk)
    clerk.locator("#main-nav").get_by_role("link", name="代表建议").click()
    expect(clerk.get_by_role("link", name="待我办理")).to_have_attribute("aria-current", "page")
    row = clerk.locator("tbody tr", has_text=TITLE)
    expect(row).to_contain_text("主办")
    expect(row).to_contain_text("首次办理")
    expect(row).to_contain_text("办理中")
    row.get_by_role("link", name=TITLE).click()

    expect(clerk.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(clerk.locator("p.text-muted", has_text="第1号")).to_contain_text("办理中")
    reply = clerk.locator("form[data-reply-form]")
    promised = timezone.localdate() + datetime.timedelta(days=180)
    # Until a class is chosen the class-specific fields stay hidden (static/js/suggestions.js).
    expect(reply.get_by_label("承诺完成时间")).to_be_hidden()
    reply.get_by_label("B类：正在解决或列入计划").check()
    expect(reply.get_by_label("承诺完成时间")).to_be_visible()
    expect(reply.get_by_label("留作参考的原因")).to_be_hidden()
    # The co-unit's opinion is not in yet: replying now needs the reason for not waiting (services.PART_STEPS).
    reply.get_by_label("未等协办意见先行答复的理由").fill("代表要求尽快答复，协办意见到后补充")
    reply.get_by_label("答复内容").fill("我局已将增设公交线路列入年度计划，预计半年内开通。")
    reply.get_by_label("承诺完成时间").fill(promised.isoformat())
    document = tmp_path / "答复函.pdf"
    document.write_bytes(PDF_BYTES)
    reply.get_by_label("答复函（盖章 PDF）").set_input_files(document)
    reply.get_by_role("button", name="提交答复").click()
    expect(alert(clerk)).to_contain_text("答复已提交，代表将收到通知并进行评价。")
    assert clerk_confirms == ["答复提交后不能修改，确定提交吗？"]
    expect(clerk.locator("p.text-muted", has_text="第1号")).to_contain_text("已答复")
    expect(clerk.get_by_role("heading", name="答复 · B类：正在解决或列入计划")).to_be_visible()
    expect(clerk.get_by_text(f"承诺完成时间：{promised.isoformat()}")).to_be_visible()
    expect(clerk.locator("form[data-reply-form]")).to_have_count(0)
    expect(clerk.get_by_text("未等协办单位意见先行答复，理由：代表要求尽快答复")).to_be_visible()
    # Nothing closes while a part is open: the co-unit gives its opinion before the deputy rates.
    services.co_opinion_submit(
        assignment=Assignment.objects.get(role=Assignment.Role.CO), by=ClerkFactory(unit=co_unit), text="同意。"
    )

    # 5. The deputy reads the reply on the phone and is not satisfied. ---------------------------------------
    rate_page = new_page(**PHONE)
    log_in(rate_page, author)
    rate_page.get_by_role("link", name="已答复、待我评价的建议").tap()
    rate_page.locator(".list-group-item", has_text=TITLE).tap()
    expect(rate_page.locator(".badge", has_text="已答复")).to_be_visible()
    expect(rate_page.get_by_text("B类：正在解决或列入计划")).to_be_visible()
    expect(rate_page.get_by_role("link", name="答复函（盖章 PDF）")).to_be_visible()
    # Each unit is rated on its own: the lead unit's reply is not satisfying, the co-unit's opinion is.
    rate = rate_page.locator("form#rate")
    lead_part = rate.locator("fieldset", has_text=lead_unit.name)
    lead_part.get_by_label("不满意", exact=True).check()
    lead_part.get_by_label("意见").fill(COMMENT)
    rate.locator("fieldset", has_text=co_unit.name).get_by_label("满意", exact=True).check()
    rate.get_by_role("button", name="提交评价").tap()
    expect(alert(rate_page)).to_contain_text("已收到您的评价，评价不满意的承办单位将重新办理。")
    expect(rate_page.locator(".badge", has_text="办理中")).to_be_visible()
    expect(rate_page.locator(".badge", has_text="第 2 轮办理")).to_be_visible()
    evaluation = rate_page.locator(".list-group-item", has_text=COMMENT)
    expect(evaluation).to_contain_text("不满意")
    expect(evaluation).to_contain_text("第 1 轮")
    expect(rate_page.locator("form#rate")).to_have_count(0)

    # 6. The lead unit finds it waiting again, marked as a second round. --------------------------------------
    again = new_page(**DESKTOP)
    log_in(again, lead_clerk)
    again.locator("#main-nav").get_by_role("link", name="代表建议").click()
    row = again.locator("tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("重新办理（第 2 轮）")
    expect(row).to_contain_text("办理中")
    row.get_by_role("link", name=TITLE).click()
    expect(again.locator("p.text-muted", has_text="第1号")).to_contain_text("办理中")
    expect(again.locator("p.text-muted .badge", has_text="重新办理（第 2 轮）")).to_be_visible()
    expect(again.locator(".list-group-item", has_text=COMMENT)).to_contain_text("不满意")
    expect(again.locator("form[data-reply-form]")).to_be_visible()
    screenshot(again, "suggestion-second-round-unit")

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.round) == (Suggestion.Status.ASSIGNED, 2)
    assert suggestion.evaluations.get().value == Evaluation.Value.UNSATISFIED
    assert suggestion.assignments.filter(unit=lead_unit, round=2, status=Assignment.Status.ACTIVE).exists()
    # Only the unit rated unsatisfied handles its part again.
    assert not suggestion.assignments.filter(unit=co_unit, round=2).exists()
    ratings = dict(UnitRating.objects.values_list("assignment__unit", "value"))
    assert ratings == {lead_unit.pk: Evaluation.Value.UNSATISFIED, co_unit.pk: Evaluation.Value.SATISFIED}
