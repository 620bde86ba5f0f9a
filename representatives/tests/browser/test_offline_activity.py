"""A deputy in a village with no signal logs an activity with a photo on a phone; it reaches the office once."""

import base64
import datetime
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress.testing.browser import log_in, screenshot
from representatives.models import ActivityRecord
from representatives.tests.factories import CongressFactory, DeputyUserFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The smallest valid PNG: one white pixel.
PHOTO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC")


@pytest.fixture
def deputy_user(regions, deputy_a):
    MembershipFactory(deputy=deputy_a, congress=CongressFactory(region=regions.county_a))
    return DeputyUserFactory(deputy=deputy_a, username="deputy_offline")


def fill_activity(page, place: str) -> None:
    page.get_by_label("类型").select_option(label="调研")
    page.get_by_label("日期").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("地点").fill(place)
    page.get_by_label("内容").fill("在没有信号的村里走访村民，了解灌溉水渠维修的意见。")


def test_an_activity_logged_offline_with_a_photo_arrives_once_when_the_network_returns(phone_page, deputy_user):
    page = phone_page
    log_in(page, deputy_user)
    page.goto("/me/activities/new/")
    expect(page.get_by_role("heading", name="登记履职")).to_be_visible()

    page.context.set_offline(True)
    fill_activity(page, "石门村村委会")
    page.get_by_label("附件").set_input_files(files=[{"name": "走访.png", "mimeType": "image/png", "buffer": PHOTO}])
    page.get_by_role("button", name="提交").tap()

    expect(page.get_by_role("alert")).to_contain_text("没有网络：这条记录已保存在手机上")
    queue = page.locator("[data-offline-queue]")
    expect(queue.locator("[data-status=waiting]")).to_have_count(1)
    expect(queue).to_contain_text("等待发送")
    assert not ActivityRecord.objects.exists()
    screenshot(page, "deputy-activity-offline-waiting")

    page.context.set_offline(False)
    expect(queue.locator("[data-status=sent]")).to_have_count(1)
    expect(queue).to_contain_text("已发送")

    record = ActivityRecord.objects.get(deputy=deputy_user.deputy)
    assert record.place == "石门村村委会"
    assert record.client_key is not None
    assert [a.original_name for a in record.attachments.all()] == ["走访.png"]

    # The phone tries again on every page (and every time the network returns): nothing is sent twice.
    page.reload()
    page.evaluate("window.congressOffline.flush()")
    expect(page.locator("[data-offline-queue] [data-status=sent]")).to_have_count(1)
    assert ActivityRecord.objects.filter(deputy=deputy_user.deputy).count() == 1


def test_the_same_entry_replayed_twice_is_recorded_once(phone_page, deputy_user):
    page = phone_page
    log_in(page, deputy_user)
    page.goto("/me/activities/new/")
    key = str(uuid.uuid4())
    statuses = page.evaluate(
        """async (key) => {
            const entry = {key, url: "/me/activities/new/", status: "waiting", created: new Date().toISOString(),
                           summary: "", files: [], fields: [["client_key", key], ["kind", "research"],
                           ["date", new Date(Date.now() - 864e5).toISOString().slice(0, 10)],
                           ["place", "东山村"], ["description", "重发两次"]]};
            // As when the answer to the first send was lost on the way back and the phone sent it again.
            const first = await window.congressOffline.send(entry);
            const second = await window.congressOffline.send(entry);
            return [first.status, second.status, first.record === second.record];
        }""",
        key,
    )
    assert statuses == ["sent", "sent", True]
    assert ActivityRecord.objects.filter(deputy=deputy_user.deputy, client_key=key).count() == 1


def test_the_activity_form_opens_with_no_network_once_the_app_was_opened(phone_page, deputy_user):
    page = phone_page
    log_in(page, deputy_user)
    page.goto("/me/")
    # The service worker installs on the first visit and keeps the shell and the form.
    # It takes over the open page at once (clients.claim), so no reload is needed.
    # (A function, not a string: the page's Content-Security-Policy forbids evaluating strings.)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    assert page.evaluate("async () => (await caches.keys()).some((name) => name.startsWith('congress-me-'))")

    page.context.set_offline(True)
    page.goto("/me/activities/new/")
    expect(page.get_by_role("heading", name="登记履职")).to_be_visible()
    expect(page.get_by_role("button", name="提交")).to_be_visible()
