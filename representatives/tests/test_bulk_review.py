"""Bulk confirm and return from the staff activity list: each record through the single-record service, in
the reviewer's scope, skipped and reported when no longer pending; bad input writes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from representatives.models import ActivityRecord, StateLog
from representatives.tests.factories import ActivityRecordFactory, DeputyFactory, LeaderFactory

pytestmark = pytest.mark.django_db
URL = reverse("staff:activity_bulk")
PENDING = ActivityRecord.Status.PENDING


def post(client, user, **data):
    client.force_login(user)
    response = client.post(URL, data)
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def statuses(records):
    return [ActivityRecord.objects.get(pk=record.pk).status for record in records]


@pytest.fixture
def records(deputy_a):
    return ActivityRecordFactory.create_batch(3, deputy=deputy_a)


def test_confirming_the_ticked_records_confirms_each_and_logs_it(client, staff_a, records):
    chosen = records[:2]
    shown = post(client, staff_a, action="confirm", scope="selected", id=[r.pk for r in chosen])
    assert statuses(records) == ["confirmed", "confirmed", "pending"]
    assert StateLog.objects.filter(to_state="confirmed").count() == 2
    assert "已确认 2 条履职记录。" in shown


def test_returning_all_matching_the_filter_uses_one_reason(client, staff_a, records, regions):
    elsewhere = ActivityRecordFactory(deputy=DeputyFactory(region=regions.town_b))
    post(client, staff_a, action="return", scope="matching", filters="status=pending", reason="请补充照片")
    assert statuses(records) == ["returned"] * 3
    assert {ActivityRecord.objects.get(pk=r.pk).return_reason for r in records} == {"请补充照片"}
    # The other county's record was never in this reviewer's list.
    assert statuses([elsewhere]) == [PENDING]


def test_all_matching_honours_the_lists_other_filters(client, staff_a, records):
    post(client, staff_a, action="confirm", scope="matching", filters=f"status=pending&q={records[0].deputy.name}x")
    assert statuses(records) == [PENDING] * 3


def test_records_no_longer_pending_are_skipped_and_reported(client, staff_a, records):
    records[0].status = ActivityRecord.Status.CONFIRMED
    records[0].save()
    shown = post(client, staff_a, action="return", scope="selected", id=[r.pk for r in records], reason="缺材料")
    assert statuses(records) == ["confirmed", "returned", "returned"]
    assert "已退回 2 条履职记录。" in shown
    assert any("1 条记录未处理" in message and f"#{records[0].pk}" in message for message in shown)


def test_another_countys_records_are_not_found_and_not_touched(client, staff_b, records):
    shown = post(client, staff_b, action="confirm", scope="selected", id=[r.pk for r in records])
    assert statuses(records) == [PENDING] * 3
    assert any("3 条所选记录不存在或不在您的范围内" in message for message in shown)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "return", "scope": "selected", "reason": "  "},  # no reason
        {"action": "return", "scope": "matching", "filters": "status=pending"},  # no reason
        {"action": "delete", "scope": "matching", "filters": "status=pending"},  # unknown action
        {"action": "confirm", "scope": "selected"},  # nothing ticked
        {"action": "confirm", "scope": "everything", "filters": "status=pending"},  # unknown scope
        {"action": "confirm", "scope": "selected", "id": ["1; drop table"]},
    ],
)
def test_bad_input_writes_nothing(client, staff_a, records, data):
    if data.get("scope") == "selected" and data.get("action") == "return":
        data = {**data, "id": [r.pk for r in records]}
    shown = post(client, staff_a, **data)
    assert statuses(records) == [PENDING] * 3
    assert not StateLog.objects.exists()
    assert shown


def test_leaders_may_not_review_in_bulk(client, regions, records):
    client.force_login(LeaderFactory(region=regions.county_a))
    assert client.post(URL, {"action": "confirm", "scope": "matching", "filters": "status=pending"}).status_code == 403
    assert statuses(records) == [PENDING] * 3


def test_a_limit_per_request_leaves_the_rest_for_the_next(client, staff_a, records, monkeypatch):
    from representatives import services_bulk

    monkeypatch.setattr(services_bulk, "BULK_LIMIT", 2)
    shown = post(client, staff_a, action="confirm", scope="matching", filters="status=pending")
    assert sorted(statuses(records)) == ["confirmed", "confirmed", "pending"]
    assert any("还有 1 条" in message for message in shown)


def test_the_list_offers_bulk_review_to_staff_only(client, staff_a, regions, records):
    client.force_login(staff_a)
    page = client.get(reverse("staff:activities"), {"status": "pending"}).content.decode()
    assert 'name="id"' in page and "bulk-all-matching" in page
    client.force_login(LeaderFactory(region=regions.county_a))
    assert "bulk-review" not in client.get(reverse("staff:activities")).content.decode()
