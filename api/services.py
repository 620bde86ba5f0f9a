"""State changes of the api app: clients' tokens (issue, rotate, revoke), opinions passed in by a client
(idempotent by the caller's own id), a unit system's reply, and the webhooks queued on an opinion's change of
state. Opinions themselves change only through ``liaison_stations.services``, with its state table."""

import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison_stations import services as opinion_services
from liaison_stations.models import Opinion, OpinionCategory, Station
from representatives.models import Role, User
from representatives.services import TransitionError

from .models import ApiClient, Intake, WebhookDelivery, WebhookSubscription


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


# Clients ---------------------------------------------------------------------------------------------------------


def _sync_service_user(client: ApiClient) -> None:
    """A unit's system acts as a unit clerk account of its own (no password, so nobody signs in with it): the
    state table's ``reply`` step and the StateLog then treat it as that unit, by the client's name."""
    active = client.is_active and client.revoked_at is None
    if client.unit_id is None:
        if client.service_user_id is not None:
            User.objects.filter(pk=client.service_user_id).update(is_active=False)
        return
    user = client.service_user
    if user is None:
        user = User(username=f"api-client-{client.pk}")
        user.set_unusable_password()
    user.role = Role.UNIT_CLERK
    user.unit_id = client.unit_id
    user.first_name = _("%(name)s（接口）") % {"name": client.name[:120]}
    user.is_active = active
    user.save()
    if client.service_user_id != user.pk:
        client.service_user = user
        ApiClient.objects.filter(pk=client.pk).update(service_user=user)


@transaction.atomic
def client_save(*, client: ApiClient, by) -> str | None:
    """Save a client from the admin; a new one gets its token, returned once (None when it already had one)."""
    token = None
    if client.pk is None:
        token = client.set_token()
        client.created_by = by
    client.scopes = sorted(set(client.scopes or []))
    client.save()
    _sync_service_user(client)
    return token


@transaction.atomic
def client_rotate(*, client: ApiClient, by) -> str:
    """A new token; the old one stops working at once. Returned once, never stored in clear."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _require(client.revoked_at is None, _("已吊销的客户端不能更换令牌。"))
    token = client.set_token()
    client.save(update_fields=["token_hash", "token_hint", "token_issued_at"])
    return token


@transaction.atomic
def client_revoke(*, client: ApiClient, by) -> ApiClient:
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.is_active = False
        client.save(update_fields=["revoked_at", "is_active"])
        _sync_service_user(client)
    return client


# Opinions passed in ------------------------------------------------------------------------------------------------


@dataclass
class Received:
    opinion: Opinion
    created: bool


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def client_stations(client: ApiClient):
    return Station.objects.filter(is_active=True, region__path__startswith=client.region.path).select_related("region")


def place_station(
    *, client: ApiClient, station_id=None, region_code: str = "", lat: float | None = None, lon: float | None = None
) -> Station:
    """The station an issue goes to: the one named, else the first of the region named by its code, else the
    nearest (with coordinates) in the client's region. Always inside the client's region."""
    stations = client_stations(client)
    if station_id:
        station = stations.filter(public_id=station_id).first()
        _require(station is not None, _("联络站不存在或不在本客户端的数据范围内。"))
        return station
    if region_code:
        station = stations.filter(region__code=region_code).order_by("pk").first() or (
            stations.filter(region__path__startswith=_region_path(region_code)).order_by("region__path", "pk").first()
        )
        _require(station is not None, _("区划代码 %(code)s 在本客户端的数据范围内没有联络站。") % {"code": region_code})
        return station
    _require(lat is not None and lon is not None, _("须给出联络站、区划代码或经纬度之一。"))
    assert lat is not None and lon is not None
    placed = [
        (_haversine_km(lat, lon, s_lat, s_lon), pk)
        for pk, s_lat, s_lon in stations.filter(latitude__isnull=False, longitude__isnull=False).values_list(
            "pk", "latitude", "longitude"
        )
    ]
    _require(bool(placed), _("本客户端的数据范围内没有标注位置的联络站。"))
    return stations.get(pk=min(placed)[1])


def _region_path(code: str) -> str:
    from representatives.models import Region

    path = Region.objects.filter(code=code).values_list("path", flat=True).first()
    # An unknown code matches nothing (a path never starts with this).
    return path or "\x00"


def opinion_intake(
    *,
    client: ApiClient,
    external_id: str,
    source: str,
    station: Station,
    voter_name: str,
    voter_phone: str,
    title: str,
    content: str,
    category: str = "",
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Received:
    """Pass a voter's issue into the opinion flow, once per (client, caller's id): a resend, even one that
    races the first send, returns the opinion the first wrote."""
    _require(bool(external_id.strip()), _("须给出对方编号（请求编号），重发时据此避免重复受理。"))
    _require(client.region.contains(station.region), _("联络站不在本客户端的数据范围内。"))
    _require(category in ("", *OpinionCategory.values), _("未知的类别。"))
    external_id = external_id.strip()[:100]
    existing = Intake.objects.filter(client=client, external_id=external_id).select_related("opinion").first()
    if existing is not None:
        return Received(existing.opinion, False)
    try:
        with transaction.atomic():
            opinion = opinion_services.opinion_receive(
                source=source,
                station=station,
                voter_name=voter_name or _("12345来电群众"),
                voter_phone=voter_phone,
                title=title,
                content=content,
                category=category,
                via=_("接口客户端：%(name)s") % {"name": client.name},
            )
            Intake.objects.create(
                client=client,
                external_id=external_id,
                opinion=opinion,
                address=address[:300],
                latitude=lat,
                longitude=lon,
            )
    except IntegrityError:
        # A concurrent send with the same id committed first (the unique constraint waited for it): that one
        # stands, this one's opinion was rolled back with the savepoint.
        existing = Intake.objects.filter(client=client, external_id=external_id).select_related("opinion").first()
        if existing is None:
            raise
        return Received(existing.opinion, False)
    return Received(opinion, True)


def opinion_reply(*, client: ApiClient, opinion: Opinion, text: str) -> Opinion:
    """A unit's system answers an opinion assigned to its unit: the same ``reply`` step a clerk takes, under
    the same state table, by the client's own unit account."""
    _require(client.unit_id is not None and client.service_user_id is not None, _("这个客户端不代表承办单位。"))
    return opinion_services.opinion_reply(opinion=opinion, by=client.service_user, text=text)


# Webhooks ---------------------------------------------------------------------------------------------------------


def opinion_payload(opinion: Opinion, intake: Intake, from_state: str, to_state: str) -> dict:
    from .open311 import open311_status

    return {
        "event": "opinion.status_changed",
        "service_request_id": opinion.reference,
        "external_id": intake.external_id,
        "from_status": from_state,
        "status": to_state,
        "open311_status": open311_status(to_state),
        "changed_at": timezone.now().isoformat(),
    }


def on_status_change(opinion: Opinion, from_state: str, to_state: str) -> None:
    """Registered in ``liaison_stations.services.status_listeners``: queue one delivery per active subscription
    of the client that passed the opinion in, sent after the commit (a rolled-back change sends nothing)."""
    if opinion.source not in (Opinion.Source.HOTLINE, Opinion.Source.PLATFORM):
        return  # only machine channels have a client to tell; costs other opinions no query
    intake = Intake.objects.filter(opinion=opinion).first()
    if intake is None:
        return
    payload = opinion_payload(opinion, intake, from_state, to_state)
    deliveries = [
        WebhookDelivery.objects.create(subscription=subscription, opinion=opinion, payload=payload)
        for subscription in WebhookSubscription.objects.filter(client_id=intake.client_id, is_active=True)
    ]
    if deliveries:
        from . import tasks

        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: [tasks.deliver_webhook.delay(pk) for pk in ids])
