"""Every machine-client route (``api:`` and ``open311:``) against every kind of caller: no token, a revoked
token, a token without the route's scope, a client of another region, a client of another unit (in the same
region), and the right client. A route without an entry fails ``test_every_api_route_has_an_entry``.

``allow`` is a 2xx that shows side A's object; ``hidden`` a 2xx list without it; ``not_found`` a 404;
``refused`` (bad input outside the client's region) a 400; ``unauthenticated`` a 401; ``forbidden`` a 403.
No refused or hidden answer may show side A's object.
"""

import json
from dataclasses import dataclass, field
from typing import cast

import pytest
from django.db import transaction
from django.urls import reverse

from api import services
from api.models import ApiClient, Intake, Scope
from api.tests.factories import ALL_SCOPES, auth, make_client
from congress.testing.matrix import PRIVATE, SCOPED, Side, World, all_routes, build_world
from liaison_stations.models import Opinion, Station
from representatives.models import HandlingUnit

KINDS = ("none", "revoked", "wrong_scope", "other_region", "other_unit", "right")


@dataclass(frozen=True)
class ApiCase:
    scope: str | None  # None: a public route
    kwargs: object = None  # callable(world) -> dict
    method: str = "get"
    data: object = None  # callable(world) -> dict
    marker: object = None  # callable(world) -> text that only a caller covering side A's object sees
    # Outcomes that differ from the defaults, by kind of caller.
    outcomes: dict[str, str] = field(default_factory=dict)
    json_body: bool = True
    # A public route that still reads a token presented to it (to log the call as the client's): a revoked
    # one is refused there too.
    reads_token: bool = True


def default_outcome(case: ApiCase, kind: str) -> str:
    if case.scope is None:
        return "unauthenticated" if kind == "revoked" and case.reads_token else "allow"
    if kind in ("none", "revoked"):
        return "unauthenticated"
    if kind == "wrong_scope":
        return "forbidden"
    return str(case.outcomes.get(kind, "allow"))


LIST_ELSEWHERE = {"other_region": "hidden"}
DETAIL_ELSEWHERE = {"other_region": "not_found"}
UNIT_LIST = {"other_region": "hidden", "other_unit": "hidden"}
UNIT_DETAIL = {"other_region": "not_found", "other_unit": "not_found"}
# Opinions a client passed in are that client's alone.
OWN_ONLY = {"other_region": "not_found", "other_unit": "not_found"}


def _deputy_name(world) -> str:
    return str(world["A"].deputy.name)


def _station_id(world):
    return str(world["A"].station.public_id)


def _opinion_in(world):
    return {
        "external_id": "matrix-1",
        "station": str(world["A"].station.public_id),
        "title": "路灯",
        "content": "路灯不亮",
        "voter_name": "市民",
    }


def _open311_in(world):
    return {
        "service_code": "urban",
        "description": "路灯不亮",
        "address_id": str(world["A"].station.public_id),
        "attribute[request_id]": "matrix-311",
    }


TABLE = {
    "api:schema": ApiCase(scope=None, json_body=False, reads_token=False),
    "api:docs": ApiCase(scope=None, json_body=False, reads_token=False),
    "api:deputies": ApiCase(Scope.READ_PUBLIC, marker=_deputy_name, outcomes=LIST_ELSEWHERE),
    "api:deputy": ApiCase(
        Scope.READ_PUBLIC,
        kwargs=lambda world: {"public_id": world["A"].deputy.public_id},
        marker=_deputy_name,
        outcomes=DETAIL_ELSEWHERE,
    ),
    "api:stations": ApiCase(Scope.READ_PUBLIC, marker=_station_id, outcomes=LIST_ELSEWHERE),
    "api:station": ApiCase(
        Scope.READ_PUBLIC,
        kwargs=lambda world: {"public_id": world["A"].station.public_id},
        marker=_station_id,
        outcomes=DETAIL_ELSEWHERE,
    ),
    "api:duty_days": ApiCase(Scope.READ_PUBLIC, marker=_station_id, outcomes=LIST_ELSEWHERE),
    "api:outcomes": ApiCase(
        Scope.READ_PUBLIC, marker=lambda world: world.published_a.public_summary, outcomes=LIST_ELSEWHERE
    ),
    "api:opinions": ApiCase(
        Scope.WRITE_OPINIONS,
        method="post",
        data=_opinion_in,
        marker=lambda world: "matrix-1",
        outcomes={"other_region": "refused"},
    ),
    "api:opinion": ApiCase(
        Scope.WRITE_OPINIONS,
        kwargs=lambda world: {"reference": world.intake_a.opinion.reference},
        marker=lambda world: world.intake_a.external_id,
        outcomes=OWN_ONLY,
    ),
    "api:unit_opinions": ApiCase(
        Scope.READ_UNIT, marker=lambda world: world["A"].opinion.reference, outcomes=UNIT_LIST
    ),
    "api:unit_opinion": ApiCase(
        Scope.READ_UNIT,
        kwargs=lambda world: {"reference": world["A"].opinion.reference},
        marker=lambda world: world["A"].opinion.reference,
        outcomes=UNIT_DETAIL,
    ),
    "api:unit_opinion_reply": ApiCase(
        Scope.REPLY,
        method="post",
        kwargs=lambda world: {"reference": world["A"].opinion.reference},
        data=lambda world: {"text": "已修复"},
        marker=lambda world: world["A"].opinion.reference,
        outcomes=UNIT_DETAIL,
    ),
    "api:unit_suggestions": ApiCase(
        Scope.READ_UNIT, marker=lambda world: world["A"].suggestion.title, outcomes=UNIT_LIST
    ),
    "open311:services": ApiCase(scope=None, kwargs=lambda world: {"fmt": "json"}),
    "open311:requests": [
        ApiCase(
            Scope.OPEN311,
            kwargs=lambda world: {"fmt": "json"},
            marker=lambda world: world.intake_a.opinion.reference,
            outcomes={"other_region": "hidden", "other_unit": "hidden"},
        ),
        ApiCase(
            Scope.OPEN311,
            method="post",
            kwargs=lambda world: {"fmt": "json"},
            data=_open311_in,
            marker=lambda world: "YJ",
            outcomes={"other_region": "refused"},
        ),
    ],
    "open311:request": ApiCase(
        Scope.OPEN311,
        kwargs=lambda world: {"service_request_id": world.intake_a.opinion.reference, "fmt": "json"},
        marker=lambda world: world.intake_a.opinion.reference,
        outcomes=OWN_ONLY,
    ),
}

API_NAMESPACES = ("api:", "open311:")


def api_route_keys() -> set[str]:
    return {route.key for route in all_routes() if route.key.startswith(API_NAMESPACES)}


def test_every_api_route_has_an_entry():
    missing = sorted(api_route_keys() - set(TABLE))
    assert not missing, f"API routes without an entry in the API permission matrix: {missing}"


def test_no_entry_for_a_missing_api_route():
    stale = sorted(set(TABLE) - api_route_keys())
    assert not stale, f"API matrix entries for routes that no longer exist: {stale}"


def test_every_scope_is_asked_by_some_route():
    asked = {case.scope for entry in TABLE.values() for case in (entry if isinstance(entry, list) else [entry])}
    assert set(Scope.values) <= asked


@dataclass
class ApiWorld:
    """The site matrix's world, plus side A's published outcome, the clients of each kind (client, token) and
    one opinion the right client passed in."""

    base: World
    published_a: Opinion
    clients: dict[str, tuple[ApiClient, str]]
    intake_a: Intake

    def __getitem__(self, tag: str) -> Side:
        return self.base[tag]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back at the end; each request runs in a savepoint of its own."""
    from liaison_stations.tests.factories import OpinionFactory
    from representatives.tests.factories import HandlingUnitFactory

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            side_a, side_b = built["A"], built["B"]
            published = cast(
                Opinion,
                OpinionFactory(
                    station=side_a.station,
                    status=Opinion.Status.CLOSED,
                    public_summary=f"{SCOPED['A']}已修复路灯",
                    title=f"{PRIVATE['A']}公示",
                ),
            )
            Opinion.objects.filter(pk=published.pk).update(published_at=published.received_at)
            published.refresh_from_db()
            station = cast(Station, side_a.station)
            unit_a, unit_b = cast(HandlingUnit, side_a.unit), cast(HandlingUnit, side_b.unit)
            other_unit = cast(HandlingUnit, HandlingUnitFactory(region=side_a.county, name="另一承办单位"))
            clients = {}
            clients["right"] = make_client(region=side_a.county, unit=unit_a, name="right")
            revoked, revoked_token = make_client(region=side_a.county, unit=unit_a, name="revoked")
            services.client_revoke(client=revoked, by=None)
            clients["revoked"] = (revoked, revoked_token)
            clients["other_region"] = make_client(region=side_b.county, unit=unit_b, name="other_region")
            clients["other_unit"] = make_client(region=side_a.county, unit=other_unit, name="other_unit")
            # For each scope, a client of side A's region and unit granted every other scope.
            for scope in ALL_SCOPES:
                clients[f"wrong:{scope}"] = make_client(
                    region=side_a.county, unit=unit_a, scopes=[s for s in ALL_SCOPES if s != scope], name=scope
                )
            intake = Intake.objects.get(
                opinion=services.opinion_intake(
                    client=clients["right"][0],
                    external_id="seen-before",
                    source=Opinion.Source.HOTLINE,
                    station=station,
                    voter_name="市民",
                    voter_phone="",
                    title="井盖缺失",
                    content="井盖缺失",
                ).opinion
            )
            yield ApiWorld(base=built, published_a=published, clients=clients, intake_a=intake)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _wrong_scope_client(world, scope):
    return world.clients[f"wrong:{scope}"]


def _params():
    for key, entry in TABLE.items():
        for index, case in enumerate(entry if isinstance(entry, list) else [entry]):
            yield pytest.param(key, index, id=f"{key}-{case.method}")


def _body(response) -> str:
    text: str = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "index"), list(_params()))
def test_api_route(world, client, subtests, key, index):
    entry = TABLE[key]
    case = (entry if isinstance(entry, list) else [entry])[index]
    url = reverse(key, kwargs=case.kwargs(world) if case.kwargs else None)
    marker = case.marker(world) if case.marker else None
    for kind in KINDS:
        with subtests.test(kind=kind):
            headers = {}
            if kind == "wrong_scope" and case.scope is not None:
                headers = auth(_wrong_scope_client(world, case.scope)[1])
            elif kind in world.clients:
                headers = auth(world.clients[kind][1])
            elif kind == "wrong_scope":
                headers = auth(world.clients["right"][1])
            with transaction.atomic():
                if case.method == "post":
                    response = client.post(url, case.data(world), content_type="application/json", **headers)
                else:
                    response = client.get(url, **headers)
                transaction.set_rollback(True)
            outcome = default_outcome(case, kind)
            what = f"{case.method.upper()} {url} as {kind} (expected {outcome})"
            status = response.status_code
            body = _body(response)
            expected_status = {
                "unauthenticated": (401,),
                "forbidden": (403,),
                "not_found": (404,),
                "refused": (400,),
                "hidden": (200,),
                "allow": (200, 201),
            }[outcome]
            assert status in expected_status, f"{what}: got {status} {body[:200]}"
            if marker and outcome != "allow":
                assert marker not in body, f"{what}: shows side A's object"
            if marker and outcome == "allow":
                assert marker in body, f"{what}: does not show side A's object"
            if kind != "other_region":  # the one caller whose region is side B's
                assert PRIVATE["B"] not in body and SCOPED["B"] not in body, f"{what}: shows side B's data"
            if case.json_body and status >= 400 and key.startswith("open311:"):
                # GeoReport's error format.
                rows = json.loads(response.content)
                assert rows[0]["code"] == status and rows[0]["description"], what
