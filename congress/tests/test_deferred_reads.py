"""The suite's guard against list rows that read a column their query left out (congress/testing/deferred.py)."""

import pytest
from django.urls import reverse

from congress.testing.deferred import DeferredFieldRead
from core.pagination import shown
from liaison_stations.models import Opinion
from liaison_stations.tests.factories import OpinionFactory, StationFactory
from representatives.models import Deputy
from representatives.tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def test_reading_a_column_the_query_left_out_fails_and_names_it(regions):
    DeputyFactory(region=regions.town_a, work_unit="江门市第一中学")
    deputy = Deputy.objects.only("name").get()

    with pytest.raises(DeferredFieldRead, match=r"Deputy\.work_unit"):
        deputy.work_unit  # noqa: B018


def test_a_relation_whose_key_was_left_out_fails_too(regions):
    OpinionFactory(station=StationFactory(region=regions.town_a))
    opinion = Opinion.objects.only("title").get()

    with pytest.raises(DeferredFieldRead, match=r"Opinion\.station_id"):
        opinion.station  # noqa: B018


def test_columns_loaded_and_explicit_refreshes_still_work(regions):
    DeputyFactory(region=regions.town_a, name="李四", work_unit="江门市第一中学")
    deputy = Deputy.objects.only("name").get()

    assert deputy.name == "李四"
    deputy.refresh_from_db(fields=["work_unit"])
    assert deputy.work_unit == "江门市第一中学"


def test_shown_joins_the_relations_its_columns_name_and_loads_nothing_else(regions):
    station = StationFactory(region=regions.town_a, name="蓬江区白沙联络站")
    OpinionFactory(station=station, title="路灯不亮")
    opinion = shown(Opinion.objects.select_related("region", "deputy"), ("title", "station__name")).get()

    assert (opinion.title, opinion.station.name) == ("路灯不亮", "蓬江区白沙联络站")
    assert opinion.get_deferred_fields() >= {"content", "reply", "region_id", "deputy_id", "status"}
    assert Opinion.station.is_cached(opinion)
    assert not Opinion.region.is_cached(opinion)


def test_a_list_page_that_reads_a_column_it_left_out_fails(client, staff_a, regions, monkeypatch):
    from liaison_stations import selectors

    OpinionFactory(station=StationFactory(region=regions.town_a), supervised=True)
    monkeypatch.setattr(selectors, "STAFF_OPINION_COLUMNS", ("received_at", "title", "status", "station__name"))
    client.force_login(staff_a)

    with pytest.raises(DeferredFieldRead, match=r"Opinion\.supervised"):
        client.get(reverse("staff:opinions"))
