"""Accessibility that the server decides: the large-type mode set from its cookie before any script runs, and
form errors tied to their fields (aria-invalid, aria-describedby to an element that exists, role=alert)."""

import re

import pytest
from django.urls import reverse

from liaison_stations.tests.factories import StationFactory

pytestmark = pytest.mark.django_db


def html_tag(body: str) -> str:
    return re.search(r"<html[^>]*>", body).group(0)


def test_the_large_type_mode_is_set_by_the_server_from_its_cookie(client):
    standard = client.get(reverse("home")).content.decode()
    assert "large-type" not in html_tag(standard)
    assert 'aria-pressed="false"' in standard

    client.cookies["large_type"] = "1"
    large = client.get(reverse("home")).content.decode()
    assert 'class="large-type"' in html_tag(large)
    assert 'aria-pressed="true"' in large
    assert "data-large-type-switch" in large

    # Switched off again: the cookie stays, with 0.
    client.cookies["large_type"] = "0"
    assert "large-type" not in html_tag(client.get(reverse("home")).content.decode())


def test_a_form_error_is_announced_and_tied_to_its_field(client, regions):
    station = StationFactory(region=regions.town_a)
    url = reverse("public:opinion_form", args=[station.public_id])
    body = client.post(url, {"voter_name": "李阿姨", "voter_phone": "13800138000", "title": "", "content": "x"}).content
    body = body.decode()
    field = re.search(r"<input[^>]*name=\"title\"[^>]*>", body).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert "id_title_error" in described_by
    for element_id in described_by:
        assert f'id="{element_id}"' in body, element_id
    assert re.search(r'<div class="invalid-feedback d-block" id="id_title_error" role="alert">', body)
    # A field without an error is not marked.
    name = re.search(r"<input[^>]*name=\"voter_name\"[^>]*>", body).group(0)
    assert "aria-invalid" not in name
