"""A voter on a phone looks a deputy up in the public directory and opens their profile with its QR code."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.browser import screenshot
from representatives.tests.factories import CongressFactory, DeputyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def serving(regions):
    congress = CongressFactory(region=regions.county_a)
    deputy = DeputyFactory(region=regions.town_a, name="何晓梅", work_unit="白沙街道卫生服务中心", post="医生")
    MembershipFactory(deputy=deputy, congress=congress, district="第三选区")
    MembershipFactory(deputy=DeputyFactory(region=regions.town_a, name="周建国"), congress=congress)
    return deputy


def test_a_voter_finds_a_deputy_and_their_qr_code_on_a_phone(phone_page, serving):
    page = phone_page
    page.goto(reverse("public:directory"))
    page.get_by_label("姓名或编号", exact=True).fill("晓梅")
    page.get_by_role("button", name="查询").tap()

    cards = page.locator(".deputy-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("白沙街道卫生服务中心 医生")

    qr_url = reverse("public:deputy_qr", args=[serving.public_id])
    with page.expect_response(lambda response: response.url.endswith(qr_url)) as qr:
        cards.first.get_by_role("link", name="何晓梅").tap()
    expect(page.get_by_role("heading", name="何晓梅")).to_be_visible()
    expect(page.locator("main")).to_contain_text("第三选区")
    assert qr.value.status == 200
    assert qr.value.headers["content-type"] == "image/svg+xml"
    expect(page.get_by_role("img", name="代表主页二维码")).to_be_visible()
    # Nothing on the profile is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "public-profile-phone")


def test_the_qr_code_is_drawn(phone_page, serving):
    page = phone_page
    page.goto(reverse("public:deputy", args=[serving.public_id]))
    image = page.get_by_role("img", name="代表主页二维码")
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    # A 200 is not enough: the browser must be able to draw the SVG it was sent.
    assert image.evaluate("img => img.naturalWidth") > 0, "the browser could not render the QR code"
