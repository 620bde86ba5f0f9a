"""The staff start page as a work queue: each count is the number of rows its link lists, scoped to the
user's region and role, in a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison_stations.models import Opinion
from liaison_stations.tests.factories import OpinionFactory, StationFactory
from representatives import tallies
from representatives.models import ActivityRecord
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    HandlingUnitFactory,
    LeaderFactory,
)
from suggestions.models import Assignment, CoSigner, Reply, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def build_side(region, unit, *, size=1):
    """Something waiting at every step, ``size`` times over, in ``region``."""
    today = timezone.localdate()
    congress = CongressFactory(region=region)
    station = StationFactory(region=region)
    for _ in range(size):
        deputy = DeputyFactory(region=region)
        ActivityRecordFactory(deputy=deputy)
        ActivityRecordFactory(deputy=deputy, status=ActivityRecord.Status.CONFIRMED)
        OpinionFactory(station=station)
        OpinionFactory(station=station, status=Opinion.Status.REPLIED, unit=unit)
        OpinionFactory(
            station=station, status=Opinion.Status.ASSIGNED, unit=unit, deadline=today - datetime.timedelta(days=3)
        )
        submitted = SuggestionFactory(congress=congress, deputy=deputy, status=Suggestion.Status.SUBMITTED)
        CoSigner.objects.create(suggestion=submitted, deputy=DeputyFactory(region=region))
        AssignmentFactory(
            suggestion__congress=congress,
            suggestion__deputy=deputy,
            unit=unit,
            status=Assignment.Status.REASSIGN_REQUESTED,
        )
        AssignmentFactory(
            suggestion__congress=congress,
            suggestion__deputy=deputy,
            unit=unit,
            deadline=today - datetime.timedelta(days=1),
        )
        promised = AssignmentFactory(
            suggestion__congress=congress, suggestion__deputy=deputy, unit=unit, status=Assignment.Status.DONE
        )
        Reply.objects.create(
            assignment=promised, reply_class="B", text="列入明年计划", promised_date=today - datetime.timedelta(days=1)
        )
    tallies.flush()


@pytest.fixture
def both_sides(regions):
    unit_a = HandlingUnitFactory(region=regions.county_a, name="甲县交通局")
    unit_b = HandlingUnitFactory(region=regions.county_b, name="乙县交通局")
    build_side(regions.town_a, unit_a)
    build_side(regions.town_b, unit_b, size=2)
    return unit_a, unit_b


def queue_of(client, user):
    client.force_login(user)
    response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    return {entry.label: entry for _group, items in response.context["queue"] for entry in items}


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_each_count_is_the_number_of_rows_its_link_lists(client, staff_a, both_sides):
    queue = queue_of(client, staff_a)
    expected_nonzero = {
        "待确认的履职记录",
        "待梳理的意见",
        "待反馈的意见",
        "待立案的建议",
        "联名邀请未答复的建议",
        "单位申请调整的建议",
        "B类承诺到期未确认",
        "甲县交通局：逾期意见",
        "甲县交通局：逾期建议",
    }
    assert expected_nonzero <= set(queue)
    for label, entry in queue.items():
        assert listed(client, entry.url) == entry.count, label
        if label in expected_nonzero:
            # County A's staff see county A's one of each, never county B's two.
            assert entry.count == 1, label


def test_the_other_side_and_the_city_see_their_own_counts(client, staff_b, city_staff, both_sides):
    queue = queue_of(client, staff_b)
    assert queue["待确认的履职记录"].count == 2
    assert "甲县交通局：逾期建议" not in queue
    assert queue["乙县交通局：逾期建议"].count == 2
    city = queue_of(client, city_staff)
    assert city["待立案的建议"].count == 3
    for entry in city.values():
        assert listed(client, entry.url) == entry.count, entry.label


def test_leaders_see_what_they_lead_not_the_office_steps(client, regions, both_sides):
    leader = LeaderFactory(region=regions.county_a)
    SuggestionFactory(
        congress__region=regions.county_a,
        status=Suggestion.Status.ASSIGNED,
        is_key=True,
        supervising_leader=leader,
    )
    queue = queue_of(client, leader)
    assert "待确认的履职记录" not in queue
    assert "待立案的建议" not in queue
    mine = queue["我领衔督办的重点建议（未办结）"]
    assert mine.count == 1
    assert listed(client, mine.url) == 1


def test_counts_are_shown_with_thousands_separators(client, staff_a, regions, monkeypatch):
    from representatives import work_queue

    monkeypatch.setattr(work_queue, "count_of", lambda **kwargs: 1169)
    client.force_login(staff_a)
    assert "1,169" in client.get(reverse("staff:home")).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_work_queue_runs_a_constant_number_of_queries(
    client, city_staff, regions, size, django_assert_max_num_queries
):
    build_side(regions.town_a, HandlingUnitFactory(region=regions.county_a), size=size)
    build_side(regions.town_b, HandlingUnitFactory(region=regions.county_b), size=size)
    client.force_login(city_staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("staff:home")).status_code == 200
