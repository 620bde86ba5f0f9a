"""Property-based fuzzing of the station import: any file is answered, and a refused one changes nothing."""

import pytest
from auditlog.models import LogEntry
from hypothesis import given

from liaison_stations.models import Station, StationMember
from liaison_stations.resources import StationResource, import_stations
from representatives.tests.factories import DeputyFactory
from representatives.tests.test_fuzz_imports import FUZZ, file_strategy

STATION_HEADERS = [field.column_name for field in StationResource().get_export_fields()]
STATION_ROW = {
    "区域代码": "440703001",
    "名称": "白沙代表联络站",
    "类型": "代表联络站",
    "地址": "白沙街道一号",
    "开放时间": "每周三 9:00-12:00",
    "负责人": "陈主任",
    "联系电话": "0750-1234567",
    # A good row carries no stars: a new station has no "七有" checks to support them.
    "星级": "0",
    "在用": "是",
    "编入代表编号": "D1、D2",
}


def station_state():
    return (
        sorted(Station.objects.values_list("name", "region_id", "star_rating", "is_active")),
        sorted(StationMember.objects.values_list("station__name", "deputy__code")),
        LogEntry.objects.count(),
    )


@pytest.fixture
def deputies(regions):
    return [DeputyFactory(code=code, region=regions.town_a) for code in ("D1", "D2")]


@pytest.mark.django_db
@FUZZ
@given(upload=file_strategy(STATION_HEADERS, STATION_ROW))
def test_any_station_file_is_answered_and_a_refused_one_changes_nothing(deputies, staff_a, upload):
    before = station_state()
    outcome = import_stations(upload, user=staff_a)
    if not outcome.ok:
        assert outcome.errors
        assert station_state() == before
