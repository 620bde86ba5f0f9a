"""Voters on phones: writing to a deputy from the deputy's page (码上找代表), the deputy answering on a phone, and
rating a report meeting (述职评议) from its QR code."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.browser import PHONE, log_in, screenshot
from core.models import OutgoingMessage
from liaison_stations.models import Opinion
from representatives import services_ratings
from representatives.models import ActivityKind, ReportRating
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deputy(regions):
    deputy = DeputyFactory(region=regions.town_a, name="何晓梅", work_unit="白沙街道卫生服务中心", post="医生")
    MembershipFactory(deputy=deputy, congress=CongressFactory(region=regions.county_a))
    return deputy


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_voter_writes_to_a_deputy_from_the_profile_and_the_deputy_answers(phone_page, new_page, deputy):
    page = phone_page
    page.goto(reverse("public:deputy", args=[deputy.public_id]))
    page.get_by_role("link", name="给代表留言").tap()
    expect(page.get_by_role("heading", name="给何晓梅代表留言")).to_be_visible()
    fits_the_phone(page)

    page.get_by_label("您的姓名").fill("王五")
    page.get_by_label("手机号码（选填）").fill("0750-3123456")
    page.get_by_label("标题").fill("卫生站周末不开门")
    page.get_by_label("具体内容").fill("社区卫生站周末不开门，老人看病要跑很远。")
    page.get_by_role("button", name="提交留言").tap()
    expect(page.locator(".invalid-feedback")).to_contain_text("固定电话收不到短信")
    assert not Opinion.objects.exists()

    page.get_by_label("手机号码（选填）").fill("139 0000 1111")
    page.get_by_role("button", name="提交留言").tap()
    code = page.locator("#tracking-code")
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{12}$"))
    tracking_code = code.inner_text()
    expect(page.locator("main")).to_contain_text("以短信发到您填写的手机号码")
    fits_the_phone(page)
    screenshot(page, "deputy-message-done-phone")
    opinion = Opinion.objects.get()
    assert opinion.addressed_to == deputy and opinion.tracking_code == tracking_code
    assert OutgoingMessage.objects.filter(to="13900001111").exists()

    # The deputy, on a phone too, answers it.
    user = DeputyUserFactory(deputy=deputy)
    deputy_page = new_page(**PHONE)
    log_in(deputy_page, user, next_url=reverse("me:messages"))
    deputy_page.get_by_role("link", name=re.compile("卫生站周末不开门")).tap()
    deputy_page.get_by_label("答复内容").fill("已与街道沟通，下月起周六上午开诊。")
    deputy_page.get_by_role("button", name="发送答复").tap()
    expect(deputy_page.locator(".alert-success")).to_contain_text("答复已发送")
    fits_the_phone(deputy_page)

    # The voter reads the answer on the tracking page.
    page.get_by_role("link", name="查询办理进度").tap()
    expect(page.locator(".opinion-progress")).to_contain_text("已与街道沟通，下月起周六上午开诊。")
    expect(page.locator(".opinion-progress")).to_contain_text("代表答复")


def test_a_voter_rates_a_report_meeting_from_its_qr_code(phone_page, deputy, staff_a):
    record = ActivityRecordFactory(deputy=deputy, kind=ActivityKind.REPORT_TO_VOTERS, voters_attended=50)
    poll = services_ratings.poll_open(record=record, by=staff_a)
    page = phone_page
    page.goto(reverse("public:report_rating", args=[poll.public_id]))
    expect(page.get_by_role("heading", name="评议何晓梅代表述职")).to_be_visible()
    fits_the_phone(page)
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("意见和建议（选填）").fill("讲得实在。")
    page.get_by_label("手机号码（选填）").fill("13900002222")
    page.get_by_role("button", name="提交评价").tap()

    expect(page.get_by_label("短信验证码")).to_be_visible()
    sms = OutgoingMessage.objects.get(to="13900002222").body
    page.get_by_label("短信验证码").fill(re.search(r"\d{6}", sms).group())
    page.get_by_role("button", name="验证并提交评价").tap()
    expect(page.locator(".report-rated")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "report-rating-phone")
    assert services_ratings.poll_counts(poll) == {"total": 1, "satisfied": 1, "basic": 0, "unsatisfied": 0}

    # The same phone cannot rate again: the page says so instead of offering the form.
    page.reload()
    expect(page.locator(".report-rated")).to_be_visible()
    expect(page.get_by_role("button", name="提交评价")).to_have_count(0)
    assert ReportRating.objects.count() == 1
