"""The v1 JSON API: reads held to the client's region (and unit), opinions from other channels, a unit's
reply under the opinions' state table, and the documentation."""

import datetime
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison_stations import services as opinion_services
from liaison_stations.models import Opinion, Proposal
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory, OpinionFactory
from representatives.models import Deputy, StateLog
from representatives.tests.factories import DeputyFactory, HandlingUnitFactory, MembershipFactory

from .factories import auth, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(regions):
    return make_client(region=regions.county_a, scopes=["read_public"])


def assigned_opinion(station, unit, staff):
    opinion = cast(Opinion, OpinionFactory(station=station))
    opinion_services.opinion_sort(opinion=opinion, category="urban", by=staff)
    opinion_services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff)
    return opinion_services.opinion_assign(opinion=opinion, by=staff)


def test_public_reads_stay_in_the_clients_region(client, reader, regions, station_a, station_b):
    deputy_a = cast(Deputy, DeputyFactory(region=regions.town_a, name="张三"))
    MembershipFactory(deputy=deputy_a)
    deputy_b = cast(Deputy, DeputyFactory(region=regions.town_b, name="李四"))
    MembershipFactory(deputy=deputy_b)
    DutyShiftFactory(duty_day=DutyDayFactory(station=station_a, topic="接待"), deputy=deputy_a)
    DutyDayFactory(station=station_b)
    token = reader[1]

    deputies = client.get(reverse("api:deputies"), **auth(token)).json()
    assert [row["name"] for row in deputies["results"]] == ["张三"]
    assert set(deputies["results"][0]) >= {"public_id", "name", "region", "phone", "post"}
    assert "id_number" not in deputies["results"][0] and "home_address" not in deputies["results"][0]
    url_b = reverse("api:deputy", kwargs={"public_id": deputy_b.public_id})
    assert client.get(url_b, **auth(token)).status_code == 404

    stations = client.get(reverse("api:stations"), **auth(token)).json()["results"]
    assert [row["public_id"] for row in stations] == [str(station_a.public_id)]

    days = client.get(reverse("api:duty_days"), **auth(token)).json()["results"]
    assert [row["station"] for row in days] == [str(station_a.public_id)]
    assert days[0]["deputies"] == [{"public_id": str(deputy_a.public_id), "name": "张三"}]
    query = f"?station={station_b.public_id}"
    assert client.get(reverse("api:duty_days") + query, **auth(token)).status_code == 404
    assert client.get(reverse("api:duty_days") + "?date_from=tomorrow", **auth(token)).status_code == 400


def test_outcomes_are_the_published_ones_of_the_region(client, reader, station_a, station_b):
    now = timezone.now()
    shown = cast(Opinion, OpinionFactory(station=station_a, status="closed", published_at=now, public_summary="已修复"))
    OpinionFactory(station=station_a, status="closed")  # closed, not published
    OpinionFactory(station=station_b, status="closed", published_at=now, public_summary="另一区")
    rows = client.get(reverse("api:outcomes"), **auth(reader[1])).json()["results"]
    assert [row["reference"] for row in rows] == [shown.reference]
    assert "voter_name" not in rows[0] and "voter_phone" not in rows[0]


def test_a_unit_reads_what_is_assigned_to_it(client, unit_system, unit_a, station_a, staff_a, regions):
    mine = assigned_opinion(station_a, unit_a, staff_a)
    other_unit = HandlingUnitFactory(region=regions.county_a)
    assigned_opinion(station_a, other_unit, staff_a)
    OpinionFactory(station=station_a, unit=unit_a)  # not yet assigned: the office's business
    rows = client.get(reverse("api:unit_opinions"), **auth(unit_system[1])).json()["results"]
    assert [row["reference"] for row in rows] == [mine.reference]
    assert "voter_phone" not in rows[0]
    assert client.get(reverse("api:unit_suggestions"), **auth(unit_system[1])).json()["results"] == []


def test_a_unit_replies_through_the_state_table(client, unit_system, unit_a, station_a, staff_a):
    api_client, token = unit_system
    opinion = assigned_opinion(station_a, unit_a, staff_a)
    url = reverse("api:unit_opinion_reply", kwargs={"reference": opinion.reference})
    assert client.post(url, {"text": ""}, content_type="application/json", **auth(token)).status_code == 400
    response = client.post(url, {"text": "已安排维修。"}, content_type="application/json", **auth(token))
    assert response.status_code == 200 and response.json()["status"] == "replied"
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.REPLIED and opinion.reply == "已安排维修。"
    step = StateLog.objects.filter(object_id=opinion.pk, to_state="replied").get()
    assert step.actor_id == api_client.service_user_id and step.origin == StateLog.Origin.USER
    assert api_client.name in step.actor_label
    # The state table refuses a second reply.
    again = client.post(url, {"text": "再答复"}, content_type="application/json", **auth(token))
    assert again.status_code == 409 and again.json()["detail"]


def test_a_revoked_unit_system_cannot_reply(client, unit_system, unit_a, station_a, staff_a):
    from api import services

    opinion = assigned_opinion(station_a, unit_a, staff_a)
    services.client_revoke(client=unit_system[0], by=None)
    url = reverse("api:unit_opinion_reply", kwargs={"reference": opinion.reference})
    assert client.post(url, {"text": "x"}, content_type="application/json", **auth(unit_system[1])).status_code == 401
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ASSIGNED


def test_opinions_from_another_platform(client, regions, station_a, station_b):
    api_client, token = make_client(region=regions.county_a, scopes=["write_opinions"], name="政务平台")
    url = reverse("api:opinions")
    data = {
        "external_id": "GW-1",
        "station": str(station_a.public_id),
        "title": "噪音扰民",
        "content": "夜间施工噪音。",
        "voter_name": "赵六",
        "voter_phone": "13800000000",
        "category": "environment",
    }
    first = client.post(url, data, content_type="application/json", **auth(token))
    assert first.status_code == 201
    opinion = Opinion.objects.get()
    assert opinion.source == Opinion.Source.PLATFORM and opinion.station == station_a
    assert first.json()["reference"] == opinion.reference
    step = StateLog.objects.get(object_id=opinion.pk)
    assert step.origin == StateLog.Origin.SYSTEM and "政务平台" in step.note
    # A resend: the same opinion, nothing new.
    again = client.post(url, data, content_type="application/json", **auth(token))
    assert again.status_code == 200 and again.json()["reference"] == opinion.reference
    assert Opinion.objects.count() == 1
    # Outside the client's region: refused, nothing written.
    outside = dict(data, external_id="GW-2", station=str(station_b.public_id))
    refused = client.post(url, outside, content_type="application/json", **auth(token))
    assert refused.status_code == 400 and refused.json()["detail"]
    missing = dict(data, external_id="GW-3", title="")
    assert client.post(url, missing, content_type="application/json", **auth(token)).status_code == 400
    assert Opinion.objects.count() == 1
    # Its progress, for this client only.
    detail = reverse("api:opinion", kwargs={"reference": opinion.reference})
    assert client.get(detail, **auth(token)).json()["status"] == "received"
    _other, other_token = make_client(region=regions.county_a, scopes=["write_opinions"])
    assert client.get(detail, **auth(other_token)).status_code == 404


def test_opinion_placed_by_region_code_or_coordinates(client, regions, station_a, station_a2, station_b):
    _api_client, token = make_client(region=regions.county_a, scopes=["write_opinions"])
    url = reverse("api:opinions")
    base = {"title": "t", "content": "c"}
    by_code = client.post(
        url,
        dict(base, external_id="1", region_code=regions.town_a.code),
        content_type="application/json",
        **auth(token),
    )
    assert by_code.status_code == 201
    # Nearest to the point, among the client's region's stations (station_b is nearer but in county B).
    near = client.post(
        url, dict(base, external_id="2", lat=22.71, long=113.19), content_type="application/json", **auth(token)
    )
    assert near.status_code == 201
    placed = dict(Opinion.objects.values_list("intake__external_id", "station_id"))
    assert placed == {"1": station_a.pk, "2": station_a2.pk}
    far = client.post(
        url, dict(base, external_id="3", lat=22.25, long=112.78), content_type="application/json", **auth(token)
    )
    assert far.status_code == 201 and Opinion.objects.get(intake__external_id="3").station != station_b
    nowhere = client.post(url, dict(base, external_id="4"), content_type="application/json", **auth(token))
    assert nowhere.status_code == 400


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/deputies/", "/api/v1/opinions/", "/api/v1/unit/opinions/{reference}/reply/"):
        assert path in text
    docs = client.get(reverse("api:docs"))
    html = docs.content.decode()
    assert docs.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<style" not in html and "<script>" not in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_duty_days_filter_by_dates(client, reader, station_a):
    today = datetime.date(2026, 5, 1)
    DutyDayFactory(station=station_a, date=today)
    DutyDayFactory(station=station_a, date=today + datetime.timedelta(days=30))
    url = reverse("api:duty_days") + "?date_from=2026-05-15"
    rows = client.get(url, **auth(reader[1])).json()["results"]
    assert [row["date"] for row in rows] == ["2026-05-31"]
