"""The region figures' summary rows follow every change, equal a recount, and can be rebuilt and checked.

``tallies.check()`` recounts every source from the rows themselves and lists any stored counter that differs;
"exact" below means it lists nothing. ``tallies.flush()`` is what each change's commit runs (in a task, or in
the writer's request); tests call it where a commit would have happened.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from liaison_stations import selectors as station_selectors
from liaison_stations.models import Opinion, Rating, Station
from liaison_stations.tests.factories import DutyDayFactory, OpinionFactory, StationFactory, StationMemberFactory
from representatives import selectors, services, tallies, tasks
from representatives.models import ActivityKind, ActivityRecord, Deputy, Membership, Tally, TallyMark
from representatives.resources import import_roster
from representatives.tests.conftest import roster_row, roster_upload
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    MembershipFactory,
    RegionFactory,
)
from suggestions.models import Assignment, Evaluation, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CONFIRMED = ActivityRecord.Status.CONFIRMED


def exact():
    tallies.flush()
    differences = tallies.check()
    assert differences == [], "\n".join(differences)


@pytest.fixture
def data(regions, staff_a):
    """A little of everything each source counts, in both counties."""
    congress = CongressFactory(region=regions.county_a)
    deputies = [DeputyFactory(region=town) for town in (regions.town_a, regions.town_a, regions.town_b)]
    for deputy in deputies:
        MembershipFactory(deputy=deputy, congress=congress)
    station = StationFactory(region=regions.town_a)
    for deputy in deputies[:2]:
        StationMemberFactory(station=station, deputy=deputy)
        ActivityRecordFactory(deputy=deputy, kind=ActivityKind.REPORT_TO_VOTERS, voters_attended=9, status=CONFIRMED)
        ActivityRecordFactory(deputy=deputy, kind=ActivityKind.RESEARCH)
    DutyDayFactory(station=station, date=TODAY, status="held", voters_received=4)
    OpinionFactory(station=station, status=Opinion.Status.CLOSED, rating=Rating.SATISFIED)
    suggestion = SuggestionFactory(
        congress=congress, deputy=deputies[0], year=TODAY.year, status=Suggestion.Status.ASSIGNED
    )
    part = AssignmentFactory(suggestion=suggestion, deadline=TODAY - datetime.timedelta(days=3))
    return type("Data", (), {"congress": congress, "deputies": deputies, "station": station, "part": part})


def test_what_factories_and_services_write_is_counted_exactly(data, staff_a):
    exact()
    assert Tally.objects.exists()


def test_each_kind_of_change_leaves_the_tallies_exact(data, regions, staff_a):
    deputy = data.deputies[0]
    record = ActivityRecord.objects.filter(deputy=deputy, status=ActivityRecord.Status.PENDING).first()
    services.activity_confirm(record=record, by=staff_a)
    exact()
    # A deputy moves to another county: their seats, records and station membership go with them.
    deputy.region = regions.town_b
    deputy.save()
    exact()
    record.date = TODAY.replace(year=TODAY.year - 1)
    record.save()
    exact()
    Membership.objects.filter(deputy=data.deputies[1]).update(status="resigned", status_date=TODAY)  # no signal
    tallies.saved(Membership, updated=Membership.objects.filter(deputy=data.deputies[1]))
    exact()
    data.station.is_active = False
    data.station.save()
    exact()
    data.part.status = Assignment.Status.DONE
    data.part.done_at = timezone.now()
    data.part.save()
    Evaluation.objects.create(suggestion=data.part.suggestion, round=1, value=Evaluation.Value.BASIC)
    exact()
    Opinion.objects.first().delete()
    data.deputies[2].delete()
    exact()


def test_a_change_that_touches_no_counted_field_marks_nothing(data):
    tallies.flush()
    deputy = data.deputies[0]
    deputy.phone = "13800000000"
    deputy.save()
    record = ActivityRecord.objects.filter(deputy=deputy).first()
    record.place = "另一个地点"
    record.save(update_fields=["place"])
    assert not TallyMark.objects.exists()


def test_without_a_worker_the_commit_counts_the_change_again(data, settings, django_capture_on_commit_callbacks):
    settings.REFRESH_IN_BACKGROUND = False
    tallies.flush()
    with django_capture_on_commit_callbacks(execute=True):
        ActivityRecordFactory(deputy=data.deputies[0], status=CONFIRMED)
    assert not TallyMark.objects.exists()
    exact()


def test_with_a_worker_a_burst_of_commits_queues_one_recount(
    data, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REFRESH_IN_BACKGROUND = True
    queued = []
    monkeypatch.setattr(tasks.flush_tallies, "delay", lambda: queued.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        ActivityRecordFactory(deputy=data.deputies[0], status=CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        OpinionFactory(station=data.station)
    assert queued == [1]
    tasks.flush_tallies()  # what the worker runs
    assert not TallyMark.objects.exists()
    exact()


def test_a_page_counts_what_is_still_marked_when_no_recount_came(regions, staff_a):
    deputy = DeputyFactory(region=regions.town_a)
    ActivityRecordFactory(deputy=deputy)
    ActivityRecordFactory(deputy=deputy, status=CONFIRMED)
    assert TallyMark.objects.exists()
    summary = selectors.staff_summary(user=staff_a)
    assert (summary["deputies"], summary["pending_activities"], summary["confirmed_activities"]) == (1, 1, 1)


def test_kept_figures_last_until_the_data_changes(regions, staff_a, django_capture_on_commit_callbacks):
    deputy = DeputyFactory(region=regions.town_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert selectors.staff_summary(user=staff_a)["pending_activities"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        ActivityRecordFactory(deputy=deputy)
    with django_capture_on_commit_callbacks(execute=True):
        assert selectors.staff_summary(user=staff_a)["pending_activities"] == 1


def test_a_deputy_in_stations_of_two_townships_counts_once_in_their_own_region(regions, staff_a):
    # Deputies assigned count by the deputy's own region, so that the rows add up to the total (issue 14).
    town_a2 = RegionFactory.child_of(regions.county_a, code="440703002", name="荷塘镇")
    deputy = DeputyFactory(region=regions.town_a)
    MembershipFactory(deputy=deputy, congress=CongressFactory(region=regions.county_a))
    for town in (regions.town_a, town_a2, town_a2):
        StationMemberFactory(station=StationFactory(region=town), deputy=deputy)
    table, total = station_selectors.station_statistics(user=staff_a, region=None, date_from=None, date_to=None)
    assert [(row.region, row.stations, row.deputies_assigned) for row in table] == [
        (regions.town_a, 1, 1),
        (town_a2, 2, 0),
    ]
    assert (total.stations, total.deputies_assigned) == (3, 1)
    Station.objects.filter(region=regions.town_a).update(is_active=False)
    tallies.saved(Station, updated=Station.objects.filter(region=regions.town_a))
    _table, total = station_selectors.station_statistics(user=staff_a, region=None, date_from=None, date_to=None)
    assert (total.stations, total.deputies_assigned) == (2, 1)
    exact()


def test_days_of_a_month_counted_in_part_are_counted_from_the_rows(regions, staff_a):
    station = StationFactory(region=regions.town_a)
    local = timezone.get_current_timezone()
    for month, day in ((3, 4), (3, 5), (3, 20), (4, 10), (5, 31), (6, 1)):
        moment = datetime.datetime(2025, month, day, 23, 30, tzinfo=local)
        OpinionFactory(station=station, received_at=moment)
        DutyDayFactory(station=station, date=moment.date(), status="held", voters_received=1)

    def collected(start, end):
        _table, total = station_selectors.station_statistics(user=staff_a, region=None, date_from=start, date_to=end)
        assert total.duty_days_held == total.opinions_collected
        return total.opinions_collected

    assert collected(datetime.date(2025, 3, 5), datetime.date(2025, 5, 31)) == 4
    assert collected(datetime.date(2025, 3, 5), datetime.date(2025, 3, 20)) == 2
    assert collected(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)) == 3
    assert collected(datetime.date(2025, 4, 1), None) == 3
    assert collected(None, datetime.date(2025, 3, 4)) == 1
    assert collected(datetime.date(2025, 6, 2), datetime.date(2025, 3, 1)) == 0


def test_a_passed_deadline_counts_from_the_next_day_without_any_write(regions, staff_a):
    congress = CongressFactory(region=regions.county_a)
    deadline = datetime.date(2025, 6, 30)
    suggestion = SuggestionFactory(congress=congress, year=2025, status=Suggestion.Status.ASSIGNED)
    AssignmentFactory(suggestion=suggestion, deadline=deadline)
    where = station_selectors.statistics_scope(user=staff_a, scope_root=regions.county_a)

    def figures(today):
        found = tallies.sums({"suggestions": Q(year=2025)}, where=where, today=today)
        return found.total("suggestions", "due"), found.total("suggestions", "overdue")

    assert figures(deadline) == (0, 0)
    assert figures(deadline + datetime.timedelta(days=1)) == (1, 1)


def test_the_check_finds_a_counter_that_differs_and_the_command_rebuilds_it(data):
    exact()
    tally = Tally.objects.filter(source="activities").first()
    tally.value += 1
    tally.save()
    with pytest.raises(CommandError):
        call_command("recount_tallies", "--check", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("recount_tallies", stdout=out)
    assert "activities" in out.getvalue()
    exact()


def test_bulk_writes_mark_what_they_change(regions, staff_a, data):
    tallies.flush()
    Deputy.objects.bulk_create([Deputy(code="B1", name="甲", gender="M", region=regions.town_b)])
    tallies.saved(Deputy, created=Deputy.objects.filter(code="B1"))
    assert TallyMark.objects.exists()
    exact()


def test_a_roster_import_is_counted(regions, staff_a, congress_a, groups):
    assert import_roster(roster_upload([roster_row()]), user=staff_a).ok
    exact()
    assert selectors.staff_summary(user=staff_a)["deputies"] == 1


def test_the_demo_seed_leaves_exact_tallies():
    call_command("seed_demo", deputies=40, stdout=io.StringIO())
    assert not TallyMark.objects.exists()
    exact()


def test_only_the_recounted_buckets_are_rewritten(regions, staff_a):
    county_b_deputy = DeputyFactory(region=regions.town_b)
    ActivityRecordFactory(deputy=county_b_deputy)
    tallies.flush()
    kept = set(Tally.objects.filter(region=regions.town_b).values_list("pk", flat=True))
    ActivityRecordFactory(deputy=DeputyFactory(region=regions.town_a))
    tallies.flush()
    assert set(Tally.objects.filter(region=regions.town_b).values_list("pk", flat=True)) == kept
