"""The office's confirm and return of an activity record go through the state table (services.ACTIVITY_STEPS)
and ACTIONS: a step the record no longer offers is refused with the table's reason, a return without a reason
writes nothing, and each step taken says so."""

from typing import cast

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from representatives.models import ActivityRecord
from representatives.tests.factories import ActivityRecordFactory

pytestmark = pytest.mark.django_db
P = ActivityRecord.Status


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def record_of(deputy, status) -> ActivityRecord:
    return cast(ActivityRecord, ActivityRecordFactory(deputy=deputy, status=status))


def test_confirming_a_confirmed_record_is_refused_with_the_tables_reason(client, deputy_a, staff_a):
    record = record_of(deputy_a, P.CONFIRMED)
    client.force_login(staff_a)
    response = client.post(reverse("staff:activity_confirm", args=[record.pk]))
    assert response.status_code == 302 and texts(response) == ["只有待确认的记录可以确认。"]


def test_a_return_without_a_reason_writes_nothing(client, deputy_a, staff_a):
    record = record_of(deputy_a, P.PENDING)
    client.force_login(staff_a)
    response = client.post(reverse("staff:activity_return", args=[record.pk]), {"reason": ""})
    assert texts(response) == ["退回必须填写理由。"]
    record.refresh_from_db()
    assert record.status == P.PENDING


@pytest.mark.parametrize(
    ("url_name", "data", "status", "message"),
    [
        ("staff:activity_confirm", {}, P.CONFIRMED, "已确认该履职记录。"),
        ("staff:activity_return", {"reason": "缺少照片"}, P.RETURNED, "已退回该履职记录。"),
    ],
)
def test_the_office_confirms_or_returns_a_pending_record(client, deputy_a, staff_a, url_name, data, status, message):
    record = record_of(deputy_a, P.PENDING)
    client.force_login(staff_a)
    response = client.post(reverse(url_name, args=[record.pk]), data)
    assert response.status_code == 302 and texts(response) == [message]
    record.refresh_from_db()
    assert record.status == status
