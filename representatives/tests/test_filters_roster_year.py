"""The deputy list's filters for the year's figures: the roster as it stood in a year (served at any time during
it), reports to voters in a year, and a region's own deputies (the region table's own row)."""

import datetime

import pytest

from representatives import selectors, tallies
from representatives.models import ActivityKind, ActivityRecord, Level, Membership
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    MembershipFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
S = Membership.Status


@pytest.fixture
def roster(regions):
    congress = CongressFactory(
        region=regions.county_a,
        level=Level.COUNTY,
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    earlier = CongressFactory(
        region=regions.county_a,
        level=Level.COUNTY,
        term_number=1,
        code="earlier",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )
    d = {name: DeputyFactory(region=regions.town_a, name=name) for name in ("serving", "left_2026", "left_2024", "old")}
    d["county"] = DeputyFactory(region=regions.county_a, name="county")
    MembershipFactory(deputy=d["serving"], congress=congress)
    MembershipFactory(
        deputy=d["left_2026"], congress=congress, status=S.RESIGNED, status_date=datetime.date(2026, 2, 1)
    )
    MembershipFactory(
        deputy=d["left_2024"], congress=congress, status=S.TERMINATED, status_date=datetime.date(2024, 5, 1)
    )
    MembershipFactory(deputy=d["old"], congress=earlier, status=S.TERM_ENDED, status_date=datetime.date(2021, 12, 31))
    MembershipFactory(deputy=d["county"], congress=congress, election=Membership.Election.INDIRECT)
    for deputy, when, status in (
        (d["left_2026"], datetime.date(2025, 5, 1), ActivityRecord.Status.CONFIRMED),
        (d["serving"], datetime.date(2025, 6, 1), ActivityRecord.Status.PENDING),
        (d["serving"], datetime.date(2024, 6, 1), ActivityRecord.Status.CONFIRMED),
    ):
        ActivityRecordFactory(deputy=deputy, kind=ActivityKind.REPORT_TO_VOTERS, date=when, status=status)
    return d


def names(user, **filters):
    filterset = selectors.deputy_directory(user=user, filters={key: str(value) for key, value in filters.items()})
    assert not filterset.form.errors
    return sorted(filterset.qs.values_list("name", flat=True))


class TestServedIn:
    def test_a_year_lists_everyone_who_held_a_seat_on_some_day_of_it(self, roster, regions):
        staff = StaffFactory(region=regions.county_a)
        assert names(staff, served_in=2025) == ["county", "left_2026", "serving"]
        assert names(staff, served_in=2024) == ["county", "left_2024", "left_2026", "serving"]
        assert names(staff, served_in=2021) == ["old"]

    def test_served_in_holds_for_the_same_seat_as_the_election_filter(self, roster, regions):
        staff = StaffFactory(region=regions.county_a)
        assert names(staff, served_in=2025, election="direct") == ["left_2026", "serving"]

    def test_the_figures_count_the_same_roster(self, roster, regions):
        tallies.rebuild(["roster"])
        found = tallies.sums(
            {"roster": tallies.Q(year=2025)}, where=tallies.Q(region__path__startswith=regions.county_a.path)
        )
        assert (found.total("roster", "served"), found.total("roster", "direct")) == (3, 2)
        found = tallies.sums(
            {"roster": tallies.Q(year=2021)}, where=tallies.Q(region__path__startswith=regions.county_a.path)
        )
        assert found.total("roster", "served") == 1


class TestReports:
    def test_reported_in_lists_deputies_with_a_confirmed_report_dated_in_the_year(self, roster, regions):
        staff = StaffFactory(region=regions.county_a)
        # The deputy who left in February 2026 still reported in 2025; a pending report does not count.
        assert names(staff, served_in=2025, election="direct", reported_in=2025) == ["left_2026"]
        assert names(staff, served_in=2024, election="direct", reported_in=2024) == ["serving"]

    def test_not_reported_in_lists_the_others(self, roster, regions):
        staff = StaffFactory(region=regions.county_a)
        assert names(staff, served_in=2025, election="direct", not_reported_in=2025) == ["serving"]


class TestOwn:
    def test_own_lists_only_the_deputies_of_the_region_itself(self, roster, regions):
        staff = StaffFactory(region=regions.county_a)
        assert names(staff, region=regions.county_a.pk, own="on") == ["county"]
        assert len(names(staff, region=regions.county_a.pk)) == 5

    def test_own_on_the_activity_list_keeps_the_region_itself(self, roster, regions):
        staff = StaffFactory(region=regions.county_a)
        ActivityRecordFactory(deputy=roster["county"])
        own = selectors.activity_list(user=staff, filters={"region": str(regions.county_a.pk), "own": "on"}).qs
        every = selectors.activity_list(user=staff, filters={"region": str(regions.county_a.pk)}).qs
        assert (own.count(), every.count()) == (1, 4)
