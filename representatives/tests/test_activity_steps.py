"""The activity record's state table: the deputy edits until confirmed, the region's office confirms or
returns what is pending; the services refuse anything else."""

import pytest

from representatives import services
from representatives.models import ActivityRecord
from representatives.tests.factories import ActivityRecordFactory, LeaderFactory

P = ActivityRecord.Status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "deputy_steps", "office_steps"),
    [
        (P.PENDING, ["edit"], ["confirm", "return"]),
        (P.RETURNED, ["edit"], []),
        (P.CONFIRMED, [], []),
    ],
)
def test_each_state_offers_the_deputy_and_the_office_their_steps(
    status, deputy_steps, office_steps, deputy_a, deputy_user_a, staff_a, staff_b, regions
):
    reason = "请补充材料" if status == P.RETURNED else ""
    record = ActivityRecordFactory(deputy=deputy_a, status=status, return_reason=reason)
    assert services.available_steps(deputy_user_a, record) == deputy_steps
    assert services.available_steps(staff_a, record) == office_steps
    for nobody in (staff_b, LeaderFactory(region=regions.county_a)):
        assert services.available_steps(nobody, record) == []


@pytest.mark.django_db
def test_a_confirmed_record_is_not_confirmed_again_nor_edited(deputy_a, deputy_user_a, staff_a):
    record = ActivityRecordFactory(deputy=deputy_a, status=P.CONFIRMED)
    with pytest.raises(services.TransitionError, match="只有待确认的记录可以确认"):
        services.activity_confirm(record=record, by=staff_a)
    with pytest.raises(services.TransitionError, match="已确认的履职记录不能再修改"):
        services.activity_update(record=record, by=deputy_user_a, place="改")
