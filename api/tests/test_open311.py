"""Open311 GeoReport v2 for the 12345 hotline: the shapes the spec defines, the opinion flow behind them, the
caller's request id making a resend harmless, errors in GeoReport's format, the rate limit."""

from xml.etree import ElementTree as ET  # nosec B405 - parses our own test responses

import pytest
from django.urls import reverse

from api import auth
from api.models import Intake
from liaison_stations import services as opinion_services
from liaison_stations.models import Opinion, OpinionCategory, Proposal
from representatives.models import StateLog

from .factories import make_client

pytestmark = pytest.mark.django_db

# GeoReport v2 fields (http://wiki.open311.org/GeoReport_v2).
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
POST_FIELDS = {"service_request_id", "service_notice", "account_id"}


def services_url(fmt="json"):
    return reverse("open311:services", kwargs={"fmt": fmt})


def requests_url(fmt="json"):
    return reverse("open311:requests", kwargs={"fmt": fmt})


def request_url(reference, fmt="json"):
    return reverse("open311:request", kwargs={"service_request_id": reference, "fmt": fmt})


def post(client, token, **fields):
    data = {
        "api_key": token,
        "service_code": "transport",
        "description": "红绿灯坏了\n路口车辆拥堵。",
        "first_name": "先生",
        "last_name": "陈",
        "phone": "13711112222",
        "attribute[request_id]": "HL-2026-0001",
    }
    data.update(fields)
    # GeoReport posts form fields.
    return client.post(requests_url(), data)


def test_services_are_the_categories(client):
    rows = client.get(services_url()).json()
    assert [row["service_code"] for row in rows] == list(OpinionCategory.values)
    assert all(set(row) == SERVICE_FIELDS for row in rows)
    assert rows[0]["metadata"] is False and rows[0]["type"] == "realtime"


def test_services_in_xml(client):
    response = client.get(services_url("xml"))
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314  # nosec B314 - our own response
    assert root.tag == "services" and root[0].tag == "service"
    assert {child.tag for child in root[0]} == SERVICE_FIELDS


def test_post_enters_the_opinion_flow_with_the_hotline_channel(client, hotline, station_a):
    api_client, token = hotline
    response = post(client, token, address_id=str(station_a.public_id), address_string="白沙路1号")
    assert response.status_code == 201
    rows = response.json()
    assert len(rows) == 1 and set(rows[0]) == POST_FIELDS
    opinion = Opinion.objects.get()
    assert rows[0]["service_request_id"] == opinion.reference
    assert opinion.source == Opinion.Source.HOTLINE and opinion.category == "transport"
    assert opinion.station == station_a and opinion.region == station_a.region
    assert opinion.voter_name == "陈 先生" and opinion.title == "红绿灯坏了"
    assert opinion.status == Opinion.Status.RECEIVED
    step = StateLog.objects.get(object_id=opinion.pk)
    assert step.origin == StateLog.Origin.SYSTEM and "12345热线" in step.note
    assert Intake.objects.get().external_id == "HL-2026-0001"


def test_a_resend_returns_the_same_request_and_writes_nothing(client, hotline, station_a, regions):
    token = hotline[1]
    first = post(client, token, address_id=str(station_a.public_id))
    second = post(client, token, address_id=str(station_a.public_id), description="重发")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()[0]["service_request_id"] == second.json()[0]["service_request_id"]
    assert Opinion.objects.count() == 1 and Intake.objects.count() == 1
    # The same id from another client is that client's own request.
    _other, other_token = make_client(region=regions.county_a, scopes=["open311"])
    third = post(client, other_token, address_id=str(station_a.public_id))
    assert third.status_code == 201 and Opinion.objects.count() == 2


def test_placed_by_region_code_or_nearest_station(client, hotline, station_a, station_a2, regions):
    token = hotline[1]
    by_code = post(client, token, address_id=regions.town_a.code, **{"attribute[request_id]": "a"})
    near = post(client, token, lat="22.69", long="113.21", **{"attribute[request_id]": "b"})
    assert by_code.status_code == near.status_code == 201
    placed = dict(Intake.objects.values_list("external_id", "opinion__station_id"))
    assert placed == {"a": station_a.pk, "b": station_a2.pk}
    assert Intake.objects.get(external_id="b").latitude == 22.69


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"service_code": "nonsense"}, "service_code"),
        ({"description": ""}, "description"),
        ({"attribute[request_id]": ""}, "request_id"),
        ({"lat": "north"}, "lat"),
        ({}, "经纬度"),  # nowhere to place it
        ({"address_id": "440781001"}, "440781001"),  # a township of another county
    ],
)
def test_bad_requests_answer_in_georeport_error_format(client, hotline, station_a, station_b, fields, fragment):
    response = post(client, hotline[1], **fields)
    assert response.status_code == 400
    rows = response.json()
    assert rows[0]["code"] == 400 and fragment in rows[0]["description"]
    assert not Opinion.objects.exists()


def test_errors_in_xml(client, hotline):
    response = client.post(requests_url("xml"), {"api_key": hotline[1], "service_code": "x"})
    root = ET.fromstring(response.content)  # noqa: S314  # nosec B314 - our own response
    assert response.status_code == 400 and root.tag == "errors"
    assert root[0].findtext("code") == "400" and root[0].findtext("description")
    unauthenticated = client.post(requests_url("xml"), {"service_code": "x"})
    assert unauthenticated.status_code == 401
    assert ET.fromstring(unauthenticated.content)[0].findtext("code") == "401"  # noqa: S314  # nosec B314


def test_key_without_the_open311_scope_is_refused(client, regions, station_a):
    _reader, token = make_client(region=regions.county_a, scopes=["read_public"])
    response = post(client, token, address_id=str(station_a.public_id))
    assert response.status_code == 403 and response.json()[0]["code"] == 403
    assert not Opinion.objects.exists()


def test_status_follows_the_opinion(client, hotline, station_a, staff_a, unit_a):
    token = hotline[1]
    reference = post(client, token, address_id=str(station_a.public_id)).json()[0]["service_request_id"]
    row = client.get(request_url(reference), {"api_key": token}).json()[0]
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["service_code"] == "transport"
    assert row["address_id"] == str(station_a.public_id) and row["agency_responsible"] == station_a.name

    opinion = Opinion.objects.get()
    opinion_services.opinion_sort(opinion=opinion, category="transport", by=staff_a)
    opinion_services.opinion_propose(opinion=opinion, proposal=Proposal.ON_SPOT, answer="已通知交警维修。", by=staff_a)
    row = client.get(request_url(reference), {"api_key": token}).json()[0]
    assert row["status"] == "open" and row["status_notes"] == "已通知交警维修。"
    # Closed once the office has told the voter the outcome (反馈), and after.
    opinion_services.opinion_feed_back(opinion=opinion, feedback="已修好。", by=staff_a)
    row = client.get(request_url(reference), {"api_key": token}).json()[0]
    assert row["status"] == "closed" and row["status_notes"] == "已修好。"
    opinion_services.opinion_close(opinion=opinion, by=staff_a)
    row = client.get(request_url(reference), {"api_key": token}).json()[0]
    assert row["status"] == "closed" and row["updated_datetime"] >= row["requested_datetime"]

    listed = client.get(requests_url(), {"api_key": token, "service_request_id": f"{reference},YJ9999999"}).json()
    assert [item["service_request_id"] for item in listed] == [reference]
    assert client.get(requests_url(), {"api_key": token, "status": "open"}).json() == []
    assert len(client.get(requests_url(), {"api_key": token, "status": "closed"}).json()) == 1
    assert client.get(requests_url(), {"api_key": token, "start_date": "2999-01-01"}).json() == []
    assert len(client.get(requests_url(), {"api_key": token, "end_date": "2999-01-01T00:00:00+08:00"}).json()) == 1
    bad = client.get(requests_url(), {"api_key": token, "start_date": "yesterday"})
    assert bad.status_code == 400 and "start_date" in bad.json()[0]["description"]
    xml = ET.fromstring(client.get(request_url(reference, "xml"), {"api_key": token}).content)  # noqa: S314  # nosec B314
    assert xml.tag == "service_requests" and xml[0].findtext("status") == "closed"


def test_another_clients_request_is_not_found(client, hotline, station_a, regions):
    reference = post(client, hotline[1], address_id=str(station_a.public_id)).json()[0]["service_request_id"]
    _other, other_token = make_client(region=regions.county_a, scopes=["open311"])
    response = client.get(request_url(reference), {"api_key": other_token})
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert client.get(requests_url(), {"api_key": other_token}).json() == []


def test_intake_is_rate_limited(client, clock, monkeypatch, regions, station_a):
    monkeypatch.setattr(auth, "now", clock)
    _api_client, token = make_client(region=regions.county_a, scopes=["open311"], rate_limit=2)
    assert post(client, token, address_id=str(station_a.public_id), **{"attribute[request_id]": "1"}).status_code == 201
    assert post(client, token, address_id=str(station_a.public_id), **{"attribute[request_id]": "2"}).status_code == 201
    refused = post(client, token, address_id=str(station_a.public_id), **{"attribute[request_id]": "3"})
    assert refused.status_code == 429 and refused.json()[0]["code"] == 429
    assert int(refused["Retry-After"]) == 60
    assert Opinion.objects.count() == 2
