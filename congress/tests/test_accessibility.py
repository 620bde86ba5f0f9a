"""Accessibility that the server decides: the large-type mode set from its cookie before any script runs, and
form errors tied to their fields (aria-invalid, aria-describedby to an element that exists, role=alert)."""

import re
from typing import cast

import pytest
from django.urls import reverse

from liaison_stations.models import Station
from liaison_stations.tests.factories import StationFactory

pytestmark = pytest.mark.django_db


def first(pattern: str, body: str) -> str:
    match = re.search(pattern, body)
    assert match, pattern
    return match.group(0)


def html_tag(body: str) -> str:
    return first(r"<html[^>]*>", body)


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
    station = cast(Station, StationFactory(region=regions.town_a))
    url = reverse("public:opinion_form", args=[station.public_id])
    body = client.post(url, {"voter_name": "李阿姨", "voter_phone": "13800138000", "title": "", "content": "x"}).content
    body = body.decode()
    field = first(r"<input[^>]*name=\"title\"[^>]*>", body)
    assert 'aria-invalid="true"' in field
    described_by = first(r'aria-describedby="[^"]+"', field).split('"')[1].split()
    assert "id_title_error" in described_by
    for element_id in described_by:
        assert f'id="{element_id}"' in body, element_id
    assert re.search(r'<div class="invalid-feedback d-block" id="id_title_error" role="alert">', body)
    # A field without an error is not marked.
    name = first(r"<input[^>]*name=\"voter_name\"[^>]*>", body)
    assert "aria-invalid" not in name
