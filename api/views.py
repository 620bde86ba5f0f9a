"""The versioned JSON API (``/api/v1/``). Each view names the one scope it needs (``api.auth.ClientView``
checks the token, the scope and the rate limit, and logs the call); reads come from ``selectors`` held to the
client's region, writes go through ``services``."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from liaison_stations.models import Opinion
from representatives.services import TransitionError

from . import selectors, serializers, services
from .auth import ClientView, require_client
from .models import Scope


class Page(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


class ListView(ClientView):
    serializer_class: type = serializers.DeputySerializer

    def rows(self, request, client):  # pragma: no cover - every list names its rows
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        paginator = Page()
        page = paginator.paginate_queryset(self.rows(request, require_client(request), **kwargs), request, view=self)
        return paginator.get_paginated_response(self.serializer_class(page, many=True).data)


def _one(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def _uuid_or_404(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _date(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("日期格式应为 YYYY-MM-DD。")}) from None


# Public reads ---------------------------------------------------------------------------------------------------


@extend_schema(tags=["public"], responses=serializers.DeputySerializer(many=True))
class DeputyList(ListView):
    required_scope = Scope.READ_PUBLIC
    serializer_class = serializers.DeputySerializer

    def rows(self, request, client):
        return selectors.deputies(client)


@extend_schema(tags=["public"], responses=serializers.DeputySerializer)
class DeputyDetail(ClientView):
    required_scope = Scope.READ_PUBLIC

    def get(self, request, public_id):
        deputy = _one(selectors.deputies(require_client(request)), public_id=_uuid_or_404(public_id))
        return Response(serializers.DeputySerializer(deputy).data)


@extend_schema(tags=["public"], responses=serializers.StationSerializer(many=True))
class StationList(ListView):
    required_scope = Scope.READ_PUBLIC
    serializer_class = serializers.StationSerializer

    def rows(self, request, client):
        return selectors.stations(client)


@extend_schema(tags=["public"], responses=serializers.StationSerializer)
class StationDetail(ClientView):
    required_scope = Scope.READ_PUBLIC

    def get(self, request, public_id):
        station = _one(selectors.stations(require_client(request)), public_id=_uuid_or_404(public_id))
        return Response(serializers.StationSerializer(station).data)


@extend_schema(
    tags=["public"],
    parameters=[
        OpenApiParameter("station", str, description="public_id"),
        OpenApiParameter("date_from", datetime.date),
        OpenApiParameter("date_to", datetime.date),
    ],
    responses=serializers.DutyDaySerializer(many=True),
)
class DutyDayList(ListView):
    required_scope = Scope.READ_PUBLIC
    serializer_class = serializers.DutyDaySerializer

    def rows(self, request, client):
        station = None
        if request.query_params.get("station"):
            station = _one(selectors.stations(client), public_id=_uuid_or_404(request.query_params["station"]))
        return selectors.duty_days(
            client, station=station, date_from=_date(request, "date_from"), date_to=_date(request, "date_to")
        )


@extend_schema(tags=["public"], responses=serializers.OutcomeSerializer(many=True))
class OutcomeList(ListView):
    required_scope = Scope.READ_PUBLIC
    serializer_class = serializers.OutcomeSerializer

    def rows(self, request, client):
        return selectors.outcomes(client)


# A unit's own system ---------------------------------------------------------------------------------------------


@extend_schema(tags=["unit"], responses=serializers.UnitOpinionSerializer(many=True))
class UnitOpinionList(ListView):
    required_scope = Scope.READ_UNIT
    unit_only = True
    serializer_class = serializers.UnitOpinionSerializer

    def rows(self, request, client):
        return selectors.unit_opinions(client)


@extend_schema(tags=["unit"], responses=serializers.UnitOpinionSerializer)
class UnitOpinionDetail(ClientView):
    required_scope = Scope.READ_UNIT
    unit_only = True

    def get(self, request, reference):
        opinion = selectors.opinion_by_reference(selectors.unit_opinions(require_client(request)), reference)
        if opinion is None:
            raise Http404
        return Response(serializers.UnitOpinionSerializer(opinion).data)


@extend_schema(tags=["unit"], request=serializers.ReplySerializer, responses=serializers.UnitOpinionSerializer)
class UnitOpinionReply(ClientView):
    """答复: the unit's answer to an opinion assigned to it (the clerk's ``reply`` step, same rules)."""

    required_scope = Scope.REPLY
    unit_only = True

    def post(self, request, reference):
        client = require_client(request)
        opinion = selectors.opinion_by_reference(selectors.unit_opinions(client), reference)
        if opinion is None:
            raise Http404
        form = serializers.ReplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            opinion = services.opinion_reply(client=client, opinion=opinion, text=form.validated_data["text"])
        except TransitionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        opinion = selectors.unit_opinions(client).get(pk=opinion.pk)
        return Response(serializers.UnitOpinionSerializer(opinion).data)


@extend_schema(tags=["unit"], responses=serializers.UnitSuggestionSerializer(many=True))
class UnitSuggestionList(ListView):
    required_scope = Scope.READ_UNIT
    unit_only = True
    serializer_class = serializers.UnitSuggestionSerializer

    def rows(self, request, client):
        return selectors.unit_suggestions(client)


# Opinions from other channels ---------------------------------------------------------------------------------


@extend_schema(
    tags=["opinions"],
    request=serializers.OpinionInSerializer,
    responses={201: serializers.OpinionStatusSerializer, 200: serializers.OpinionStatusSerializer},
)
class OpinionCreate(ClientView):
    """A voter's issue from another platform: placed at a station of the client's region (named, by region code
    or nearest to the coordinates), once per ``external_id`` (a resend answers 200 with the same opinion)."""

    required_scope = Scope.WRITE_OPINIONS

    def post(self, request):
        client = require_client(request)
        form = serializers.OpinionInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            station = services.place_station(
                client=client,
                station_id=data.get("station"),
                region_code=data.get("region_code", ""),
                lat=data.get("lat"),
                lon=data.get("long"),
            )
            received = services.opinion_intake(
                client=client,
                external_id=data["external_id"],
                source=Opinion.Source.PLATFORM,
                station=station,
                voter_name=data["voter_name"],
                voter_phone=data["voter_phone"],
                title=data["title"],
                content=data["content"],
                category=data["category"],
                lat=data.get("lat"),
                lon=data.get("long"),
            )
        except TransitionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        opinion = selectors.own_opinions(client).get(pk=received.opinion.pk)
        return Response(
            serializers.OpinionStatusSerializer(opinion).data,
            status=status.HTTP_201_CREATED if received.created else status.HTTP_200_OK,
        )


@extend_schema(tags=["opinions"], responses=serializers.OpinionStatusSerializer)
class OpinionDetail(ClientView):
    """The progress of an opinion this client passed in."""

    required_scope = Scope.WRITE_OPINIONS

    def get(self, request, reference):
        opinion = selectors.opinion_by_reference(selectors.own_opinions(require_client(request)), reference)
        if opinion is None:
            raise Http404
        return Response(serializers.OpinionStatusSerializer(opinion).data)


# Schema and documentation ------------------------------------------------------------------------------------------


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored assets, its start script served as a file (no inline script or style)."""

    authentication_classes: list = []
    permission_classes: list = []
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
