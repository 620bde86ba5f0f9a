"""Voters' phones: in full in the opinion download only for the office that handles the opinion, and logged."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison_stations.tests.factories import OpinionFactory, StationFactory
from representatives.models import ExportLog
from representatives.tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db


def phones_in(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("联系电话")
    return [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def opinion(regions):
    return OpinionFactory(station=StationFactory(region=regions.town_a), voter_phone="13900001111")


def test_the_handling_office_downloads_voters_phones_in_full_and_the_download_is_logged(client, opinion, staff_a):
    client.force_login(staff_a)

    response = client.get(reverse("staff:opinions"), {"export": "xlsx", "status": "received"})

    assert phones_in(response) == ["13900001111"]
    log = ExportLog.objects.get()
    assert (log.user, log.export, log.rows, log.personal_rows) == (staff_a, "选民意见", 1, 1)
    assert "status=received" in log.filters


def test_a_leader_downloads_voters_phones_masked_and_nothing_is_logged(client, opinion, regions):
    client.force_login(LeaderFactory(region=regions.city))

    response = client.get(reverse("staff:opinions"), {"export": "xlsx"})

    assert phones_in(response) == ["139****1111"]
    assert not ExportLog.objects.exists()
