"""Demo machine clients: the city's 12345 hotline (Open311) with a few voters' issues it passed in, at several
stages of the opinion flow so that staff and unit pages show the channel, a webhook subscription with its
delivery log, and the demo clerk's unit's own system. Tokens exist only as hashes: staff rotate one in the
admin to try the API."""

import datetime

from django.utils import timezone

from liaison_stations import services as opinion_services
from liaison_stations.models import Opinion, OpinionCategory, Proposal, Station
from representatives.demo import DemoContext, builder

from . import services
from .models import ApiCall, ApiClient, Intake, Scope, WebhookDelivery, WebhookSubscription

# (caller's id, category, title, content, stage)
HOTLINE_CALLS = [
    ("12345-0001", OpinionCategory.URBAN, "小区路灯不亮", "来电反映：小区东门路灯已坏两周，夜间出行不便。", "received"),
    (
        "12345-0002",
        OpinionCategory.TRANSPORT,
        "公交站台缺少遮雨棚",
        "来电反映：公交站台没有遮雨棚，雨天候车困难。",
        "sorted",
    ),
    ("12345-0003", OpinionCategory.ENVIRONMENT, "河涌有异味", "来电反映：村边河涌夏季异味明显，请求清淤。", "assigned"),
    ("12345-0004", OpinionCategory.SAFETY, "路口缺少红绿灯", "来电反映：学校附近路口车流量大，缺少信号灯。", "closed"),
]
# Around the demo city's centre (WGS-84), so the coordinates intake has stations to choose from.
CENTRE = (22.58, 113.08)
PLACED_STATIONS = 40


@builder("api")
def build_api_clients(ctx: DemoContext) -> None:
    staff, clerk = ctx.accounts.get("staff"), ctx.accounts.get("clerk")
    if ctx.city is None or staff is None:
        return
    rng = ctx.rng("api")
    stations = list(
        Station.objects.filter(region__path__startswith=ctx.city.path, is_active=True).order_by("pk")[:PLACED_STATIONS]
    )
    if not stations:
        return
    for station in stations:
        station.latitude = round(CENTRE[0] + rng.uniform(-0.3, 0.3), 5)
        station.longitude = round(CENTRE[1] + rng.uniform(-0.3, 0.3), 5)
    Station.objects.bulk_update(stations, ["latitude", "longitude"])

    hotline = ApiClient(
        name="12345政务服务便民热线",
        region=ctx.city,
        scopes=[Scope.OPEN311, Scope.WRITE_OPINIONS, Scope.READ_PUBLIC],
        rate_limit=120,
    )
    services.client_save(client=hotline, by=staff)
    unit = clerk.unit if clerk is not None else None
    for index, (external_id, category, title, content, stage) in enumerate(HOTLINE_CALLS):
        station = stations[(index * 7) % len(stations)]
        opinion = services.opinion_intake(
            client=hotline,
            external_id=external_id,
            source=Opinion.Source.HOTLINE,
            station=station,
            voter_name="12345来电群众",
            voter_phone=f"1370000{rng.randint(1000, 9999)}",
            title=title,
            content=content,
            category=category,
            address=station.address,
            lat=station.latitude,
            lon=station.longitude,
        ).opinion
        ctx.created[Opinion] = ctx.created.get(Opinion, 0) + 1
        if stage == "received":
            continue
        opinion = opinion_services.opinion_sort(opinion=opinion, category=category, by=staff)
        if stage == "assigned" and unit is not None:
            opinion = opinion_services.opinion_propose(
                opinion=opinion, proposal=Proposal.REFER_UNIT, unit=unit, by=staff, note="12345转来，交单位办理。"
            )
            opinion_services.opinion_assign(opinion=opinion, by=staff)
        elif stage == "closed":
            opinion = opinion_services.opinion_propose(
                opinion=opinion, proposal=Proposal.ON_SPOT, answer="已联系交警部门，年内增设信号灯。", by=staff
            )
            opinion = opinion_services.opinion_feed_back(
                opinion=opinion, feedback="已电话告知来电群众办理结果。", resolution="in_progress", by=staff
            )
            opinion_services.opinion_close(opinion=opinion, by=staff)
    ctx.created[ApiClient] = ctx.created.get(ApiClient, 0) + 1

    # The hotline's status callbacks: subscribed after the steps above (nothing was queued for them), with one
    # delivery of each outcome in the log.
    subscription = WebhookSubscription.objects.create(
        client=hotline, url="https://12345.example.gov.cn/open311/callback"
    )
    intakes = list(Intake.objects.filter(client=hotline).select_related("opinion").order_by("pk")[:2])
    now = timezone.now()
    for intake, state, code in zip(
        intakes, (WebhookDelivery.State.DELIVERED, WebhookDelivery.State.PENDING), (200, 503), strict=False
    ):
        WebhookDelivery.objects.create(
            subscription=subscription,
            opinion=intake.opinion,
            payload={"event": "opinion.status_changed", "service_request_id": intake.opinion.reference},
            state=state,
            attempts=1,
            status_code=code,
            last_error="" if code == 200 else "HTTP 503",
            delivered_at=now if code == 200 else None,
            next_retry_at=None if code == 200 else now + datetime.timedelta(seconds=30),
        )
    for route, method, status in (("open311:requests", "POST", 201), ("open311:request", "GET", 200)):
        ApiCall.objects.create(client=hotline, route=route, method=method, status=status, duration_ms=12)

    if unit is not None:
        services.client_save(
            client=ApiClient(
                name=f"{unit.name}办件系统",
                region=ctx.city,
                unit=unit,
                scopes=[Scope.READ_UNIT, Scope.REPLY],
            ),
            by=staff,
        )
        ctx.created[ApiClient] += 1
