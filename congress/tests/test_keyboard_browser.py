"""The main paths done with the keyboard alone, on the seeded demo: every control reached with Tab, in the
order of the page, each showing where the focus is, and no trap on the way (congress/testing/keyboard.py).

A voter sends an opinion and tracks it; a deputy logs an activity; the office assigns an opinion to a
handling unit; the unit's clerk replies.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from congress.testing.browser import DESKTOP, PHONE
from congress.testing.keyboard import tab_to
from liaison_stations.models import Opinion, Station
from representatives.demo import DEMO_PASSWORD
from representatives.models import ActivityRecord, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_into(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def press_on(page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def log_in_by_keyboard(page, username: str) -> None:
    page.goto("/accounts/login/")
    type_into(page, page.locator("#id_username"), username)
    type_into(page, page.locator("#id_password"), DEMO_PASSWORD)
    with page.expect_navigation():
        press_on(page, page.locator("main form button[type=submit]"))


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_main_paths_with_the_keyboard_alone(demo, new_page, subtests):
    with subtests.test(path="voter: opinion form and tracking"):
        page = new_page(**PHONE)
        station = Station.objects.filter(public_id__isnull=False).order_by("pk")[0]
        page.goto(f"/stations/{station.public_id}/")
        # The skip link comes first and takes the focus past the menu.
        press_on(page, page.locator("a[href='#main']"))
        with page.expect_navigation():
            press_on(page, page.locator(f"main a[href$='/stations/{station.public_id}/opinion/']").first)
        type_into(page, page.locator("#id_voter_name"), "李阿姨")
        type_into(page, page.locator("#id_voter_phone"), "13800138000")
        type_into(page, page.locator("#id_title"), "小区路灯不亮")
        type_into(page, page.locator("#id_content"), "幸福路 12 号门口的路灯坏了一个月，晚上出行不便。")
        with page.expect_navigation():
            press_on(page, page.locator("form.opinion-form button[type=submit]"))
        code = page.locator("#tracking-code").inner_text().strip()
        assert Opinion.objects.filter(title="小区路灯不亮", tracking_code=code).exists()
        with page.expect_navigation():
            press_on(page, page.locator("main a.btn-primary[href*='track']"))
        expect(page.locator("main")).to_contain_text("小区路灯不亮")

    with subtests.test(path="deputy: log an activity"):
        page = new_page(**PHONE)
        log_in_by_keyboard(page, "deputy")
        with page.expect_navigation():
            press_on(page, page.locator("main a[href$='/me/activities/new/']").first)
        tab_to(page, page.locator("#id_kind"))
        page.keyboard.press("ArrowDown")
        tab_to(page, page.locator("#id_date"))
        # Debian's Chromium lays out date fields month/day/year (its own locale, not the page's).
        page.keyboard.type("12012026")
        assert page.input_value("#id_date") == "2026-12-01", page.input_value("#id_date")
        type_into(page, page.locator("#id_place"), "键盘村委会")
        type_into(page, page.locator("#id_description"), "只用键盘登记的一次走访。")
        with page.expect_navigation():
            press_on(page, page.locator("main form button[type=submit]"))
        expect(page.get_by_role("alert").first).to_be_visible()
        record = ActivityRecord.objects.get(place="键盘村委会")
        assert record.status == ActivityRecord.Status.PENDING

    with subtests.test(path="staff: assign an opinion"):
        from liaison_stations import services
        from liaison_stations.models import Proposal
        from representatives.permissions import handling_units_for

        staff = User.objects.get(username="staff")
        opinion = Opinion.objects.filter(status=Opinion.Status.SORTED).order_by("pk")[0]
        unit = handling_units_for(staff).first()
        services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, by=staff, unit=unit)
        page = new_page(**DESKTOP)
        log_in_by_keyboard(page, "staff")
        page.goto(f"/staff/opinions/{opinion.pk}/")
        form = page.locator("form[action$='/assign/']")
        type_into(page, form.locator("input[name$='note'], textarea[name$='note']"), "请于十五个工作日内答复。")
        with page.expect_navigation():
            press_on(page, form.locator("button[type=submit]"))
        opinion.refresh_from_db()
        assert opinion.status == Opinion.Status.ASSIGNED

    with subtests.test(path="clerk: reply to an opinion"):
        clerk = User.objects.get(username="clerk")
        opinion = Opinion.objects.filter(status=Opinion.Status.ASSIGNED, unit=clerk.unit).order_by("pk")[0]
        page = new_page(**DESKTOP)
        log_in_by_keyboard(page, "clerk")
        page.goto(f"/unit/opinions/{opinion.pk}/")
        type_into(page, page.locator("#id_text"), "已派人维修，三日内修复。")
        with page.expect_navigation():
            press_on(page, page.locator("main form button[type=submit]"))
        opinion.refresh_from_db()
        assert opinion.status == Opinion.Status.REPLIED
        expect(page).to_have_url(re.compile(r"/unit/"))
