"""A duty day's voters are counted once: in a station's and a region's totals however many deputies were on
duty, while each deputy's file gives the voters received at the days the deputy served, labelled as such."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import dashboard
from evaluations.deputy_file import deputy_file
from liaison_stations import selectors, services
from liaison_stations.tests.factories import StationFactory, StationMemberFactory
from representatives.tests.factories import CongressFactory, DeputyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


@pytest.fixture
def duty(regions, staff_a):
    """Two deputies on duty on one day with 10 voters; on a second day (5 voters) only the first one came."""
    congress = CongressFactory(region=regions.county_a)
    first, second = DeputyFactory(region=regions.town_a, name="张三"), DeputyFactory(region=regions.town_a, name="李四")
    for deputy in (first, second):
        MembershipFactory(deputy=deputy, congress=congress)
    station = StationFactory(region=regions.town_a)
    for deputy in (first, second):
        StationMemberFactory(station=station, deputy=deputy)
    for date, attended, voters in (
        (datetime.date(YEAR, 5, 8), [first, second], 10),
        (datetime.date(YEAR, 5, 22), [first], 5),
    ):
        day = services.duty_day_plan(station=station, date=date, deputies=[first, second], by=staff_a)
        services.duty_day_record(
            duty_day=day,
            attended_deputy_ids=[deputy.pk for deputy in attended],
            voters_received=voters,
            summary="",
            by=staff_a,
        )
    return type("Duty", (), {"first": first, "second": second, "station": station})


def year_figures(user, region):
    return selectors.station_statistics(
        user=user, region=region, date_from=datetime.date(YEAR, 1, 1), date_to=datetime.date(YEAR, 12, 31)
    )


def test_the_station_and_region_totals_count_each_duty_day_once(staff_a, city_staff, regions, duty):
    table, total = year_figures(staff_a, regions.town_a)
    assert (table[0].duty_days_held, table[0].voters_received) == (2, 15)
    assert (total.duty_days_held, total.voters_received) == (2, 15)
    _table, county = year_figures(staff_a, None)
    assert county.voters_received == 15
    city_table, city = year_figures(city_staff, None)
    assert city.voters_received == 15 and [row.voters_received for row in city_table] == [15, 0]


def test_the_dashboards_figure_counts_each_duty_day_once(staff_a, regions, duty):
    figures = dashboard.compute(user=staff_a, region=regions.county_a, year=YEAR)
    assert figures.total.stations.voters_received == 15


def test_each_deputys_file_gives_the_voters_at_the_days_they_served(duty):
    assert deputy_file(duty.first, YEAR).voters_at_days_served == 15
    assert deputy_file(duty.second, YEAR).voters_at_days_served == 10
    # Adding the files up would count the shared day twice (25, not 15): why the files say what they count.
    assert sum(deputy_file(deputy, YEAR).voters_at_days_served for deputy in (duty.first, duty.second)) == 25


def test_the_file_labels_the_figure_as_the_days_served(client, staff_a, duty):
    client.force_login(staff_a)
    body = client.get(reverse("staff:deputy_file", args=[duty.second.pk, YEAR])).content.decode()
    assert "在其值班的接待日共接待选民 10 人次" in body
    assert "不是本人单独接待的人次" in body
