"""Open311 GeoReport v2 for the 12345 hotline (``/open311/v2/``): the categories as services, a voter's issue
posted as a service request (placed at a station, entering the opinion flow with the channel 12345, once per
caller's request id) and its status, in JSON or XML, errors in GeoReport's own format.

GeoReport fields: http://wiki.open311.org/GeoReport_v2 . The caller's own request id, which the spec leaves to
implementations, is ``attribute[request_id]`` (or ``request_id``, or an ``Idempotency-Key`` header).
"""

import datetime
from xml.etree import ElementTree as ET  # nosec B405 - builds XML to send; parses none

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from liaison_stations.models import Opinion, OpinionCategory
from representatives.services import TransitionError

from . import selectors, services
from .auth import ClientView, require_client
from .models import Scope

# GeoReport caps a list at 1,000 requests.
MAX_REQUESTS = 1000


def open311_status(state: str) -> str:
    return "open" if state in Opinion.OPEN_STATES else "closed"


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def service_rows() -> list[dict]:
    return [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": _("群众意见"),
        }
        for code, label in OpinionCategory.choices
    ]


def request_row(opinion: Opinion) -> dict:
    intake = opinion.intake
    stamps = [
        opinion.received_at,
        opinion.sorted_at,
        opinion.proposed_at,
        opinion.assigned_at,
        opinion.replied_at,
        opinion.fed_back_at,
        opinion.closed_at,
    ]
    notes = opinion.feedback or opinion.reply or str(opinion.get_status_display())
    station, unit = opinion.station, opinion.unit
    # The unit once the opinion is assigned to it, the station before.
    agency = unit.name if unit is not None and opinion.assigned_at else station.name if station is not None else ""
    return {
        "service_request_id": opinion.reference,
        "status": open311_status(opinion.status),
        "status_notes": notes,
        "service_name": str(opinion.get_category_display()) if opinion.category else "",
        "service_code": opinion.category,
        "description": opinion.content,
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": _iso(opinion.received_at),
        "updated_datetime": _iso(max(stamp for stamp in stamps if stamp)),
        "expected_datetime": opinion.deadline.isoformat() if opinion.deadline else None,
        "address": intake.address,
        "address_id": str(station.public_id) if station is not None else "",
        "zipcode": "",
        "lat": intake.latitude,
        "long": intake.longitude,
        "media_url": "",
    }


def _xml(root: str, item: str, rows: list[dict]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for key, value in row.items():
            child = ET.SubElement(element, key)
            if value is not None:
                child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


XML_NAMES = {"services": ("services", "service"), "requests": ("service_requests", "request")}


class Open311View(ClientView):
    """Answers in the format the path asks for (``.json``/``.xml``); errors as GeoReport's
    ``[{"code": …, "description": …}]``."""

    kind = "requests"

    def respond(self, rows: list[dict], code: int = 200):
        if self.kwargs.get("fmt") == "xml":
            root, item = XML_NAMES[self.kind]
            return HttpResponse(_xml(root, item, rows), status=code, content_type="text/xml; charset=utf-8")
        return Response(rows, status=code)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        detail = getattr(exc, "detail", None) or str(exc)
        if isinstance(detail, dict):
            detail = "; ".join(
                f"{key}: {' '.join(map(str, value if isinstance(value, list) else [value]))}"
                for key, value in detail.items()
            )
        elif isinstance(detail, list):
            detail = " ".join(map(str, detail))
        rows = [{"code": response.status_code, "description": str(detail)}]
        if self.kwargs.get("fmt") == "xml":
            body = _xml("errors", "error", rows)
            xml = HttpResponse(body, status=response.status_code, content_type="text/xml; charset=utf-8")
            for header in ("Retry-After", "WWW-Authenticate"):
                if header in response:
                    xml[header] = response[header]
            return xml
        response.data = rows
        return response

    def error(self, code: int, description: str):
        rows = [{"code": code, "description": description}]
        if self.kwargs.get("fmt") == "xml":
            return HttpResponse(_xml("errors", "error", rows), status=code, content_type="text/xml; charset=utf-8")
        return Response(rows, status=code)


@extend_schema(exclude=True)
class ServiceList(Open311View):
    """GET services: the opinion categories. Public, as in GeoReport (no key)."""

    kind = "services"

    def get(self, request, fmt):
        return self.respond(service_rows())


def _param(request, *names: str) -> str:
    for name in names:
        value = request.data.get(name) if hasattr(request.data, "get") else None
        if value in (None, ""):
            value = request.query_params.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _float(request, name: str) -> float | None:
    value = _param(request, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise exceptions.ValidationError(_("%(name)s 须为数字。") % {"name": name}) from None
    limit = 90 if name == "lat" else 180
    if not -limit <= number <= limit:
        raise exceptions.ValidationError(_("%(name)s 超出范围。") % {"name": name})
    return number


@extend_schema(exclude=True)
class RequestList(Open311View):
    """POST requests: a voter's issue from the hotline; GET requests: this client's requests."""

    required_scope = Scope.OPEN311

    def post(self, request, fmt):
        client = require_client(request)
        code = _param(request, "service_code")
        if code not in OpinionCategory.values:
            return self.error(400, _("service_code 无效：请从 services 列表中选择。"))
        description = _param(request, "description")
        if not description:
            return self.error(400, _("description 不能为空。"))
        external_id = _param(request, "attribute[request_id]", "request_id") or request.headers.get(
            "Idempotency-Key", ""
        )
        if not external_id:
            return self.error(400, _("须给出对方请求编号 attribute[request_id]，重发时据此避免重复受理。"))
        lat, lon = _float(request, "lat"), _float(request, "long")
        address_id = _param(request, "address_id")
        try:
            station = services.place_station(
                client=client,
                station_id=address_id if _looks_like_uuid(address_id) else None,
                region_code="" if _looks_like_uuid(address_id) else address_id,
                lat=lat,
                lon=lon,
            )
            name = " ".join(part for part in (_param(request, "last_name"), _param(request, "first_name")) if part)
            received = services.opinion_intake(
                client=client,
                external_id=external_id,
                source=Opinion.Source.HOTLINE,
                station=station,
                voter_name=name[:50],
                voter_phone=_param(request, "phone")[:20],
                title=(_param(request, "title") or description.splitlines()[0])[:100],
                content=description[:3000],
                category=code,
                address=_param(request, "address_string"),
                lat=lat,
                lon=lon,
            )
        except TransitionError as exc:
            return self.error(400, str(exc))
        row = {"service_request_id": received.opinion.reference, "service_notice": "", "account_id": None}
        return self.respond([row], 201 if received.created else 200)

    def get(self, request, fmt):
        client = require_client(request)
        opinions = selectors.own_opinions(client).select_related("intake").order_by("-received_at", "-id")
        ids = [part.strip() for part in request.query_params.get("service_request_id", "").split(",") if part.strip()]
        if ids:
            pks = [pk for pk in (Opinion.pk_from_reference(value) for value in ids) if pk is not None]
            opinions = opinions.filter(pk__in=pks)
        else:
            wanted = request.query_params.get("status", "")
            if wanted == "open":
                opinions = opinions.filter(status__in=Opinion.OPEN_STATES)
            elif wanted == "closed":
                opinions = opinions.exclude(status__in=Opinion.OPEN_STATES)
            if request.query_params.get("service_code"):
                opinions = opinions.filter(category__in=request.query_params["service_code"].split(","))
            start, end = _moment(request, "start_date"), _moment(request, "end_date")
            if start is not None:
                opinions = opinions.filter(received_at__gte=start)
            if end is not None:
                opinions = opinions.filter(received_at__lte=end)
        return self.respond([request_row(opinion) for opinion in opinions[:MAX_REQUESTS]])


def _moment(request, name: str) -> datetime.datetime | None:
    """A w3 datetime filter of GeoReport (``2026-05-01T00:00:00+08:00``; a date alone is its midnight)."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise exceptions.ValidationError(_("%(name)s 须为 ISO 8601 日期时间。") % {"name": name}) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _looks_like_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@extend_schema(exclude=True)
class RequestDetail(Open311View):
    """GET requests/<id>: one of this client's requests (another client's is not found)."""

    required_scope = Scope.OPEN311

    def get(self, request, service_request_id, fmt):
        opinion = selectors.opinion_by_reference(selectors.own_opinions(require_client(request)), service_request_id)
        if opinion is None:
            return self.error(status.HTTP_404_NOT_FOUND, _("没有这个服务请求。"))
        return self.respond([request_row(opinion)])
