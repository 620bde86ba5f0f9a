"""Stations, their members and voter opinions with their steps leave field-level history."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from liaison_stations import services, services_checks
from liaison_stations.models import Opinion, StationMember, Supervision
from liaison_stations.tests.factories import OpinionFactory, StationFactory, StationMemberFactory
from representatives.audit import REGION_KEY
from representatives.tests.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db


def test_a_supervision_step_is_recorded_with_its_actor_and_the_opinions_change(staff_a, regions):
    opinion = OpinionFactory(
        station=StationFactory(region=regions.town_a),
        status=Opinion.Status.ASSIGNED,
        unit=HandlingUnitFactory(region=regions.county_a),
        deadline=datetime.date.today() + datetime.timedelta(days=10),
    )

    with set_actor(staff_a):
        supervision = services.opinion_supervise(opinion=opinion, by=staff_a, note="请加快办理")

    step = LogEntry.objects.get_for_object(supervision).get()
    assert (step.action, step.actor) == (LogEntry.Action.CREATE, staff_a)
    assert step.changes_dict["note"] == ["None", "请加快办理"]
    assert step.additional_data == {REGION_KEY: regions.town_a.path}
    change = LogEntry.objects.get_for_object(opinion).get(action=LogEntry.Action.UPDATE)
    assert change.changes_dict["supervised"] == ["False", "True"]
    assert Supervision.objects.count() == 1


def test_taking_a_deputy_off_a_station_is_recorded_as_a_deletion_in_the_stations_region(staff_a, regions):
    member = StationMemberFactory(station=StationFactory(region=regions.town_a))

    with set_actor(staff_a):
        services_checks.station_remove_deputy(station=member.station, deputy=member.deputy, by=staff_a)

    assert not StationMember.objects.exists()
    entry = LogEntry.objects.get(
        content_type__model="stationmember", object_id=member.pk, action=LogEntry.Action.DELETE
    )
    assert entry.actor == staff_a
    assert entry.additional_data == {REGION_KEY: regions.town_a.path}
