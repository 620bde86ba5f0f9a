"""The gate of every API route: the client's token (a bearer header, or Open311's ``api_key``), the one scope
the route asks for, the client's rate limit (a per-minute window in the shared cache) and the call log.

Every view of the app derives from :class:`ClientView`, which names these classes itself, so a new route
cannot forget them and nothing depends on project-wide REST framework defaults."""

import logging
import math
import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from liaison_stations.ratelimit import client_ip

from .models import ApiCall, ApiClient, hash_token

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def now() -> float:
    """The clock the rate-limit windows are cut from; tests patch it to step past a window."""
    return time.time()


class ClientPrincipal(AnonymousUser):
    """What ``request.user`` is on an API route: the client, never a person's account (no id, no role, no
    permissions, so nothing that reads ``request.user`` after the view mistakes it for one)."""

    role = ""
    region_id = unit_id = deputy_id = None

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    @property
    def is_authenticated(self):  # type: ignore[override]
        return True

    @property
    def is_anonymous(self):  # type: ignore[override]
        return False

    def __str__(self) -> str:
        return str(self.client)


def presented_token(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return value.strip()
    # Open311 GeoReport v2 passes the key as a parameter: in the query, or in the POST's form body.
    key = request.query_params.get("api_key", "")
    if not key and request.method == "POST":
        try:
            key = request.data.get("api_key", "") if hasattr(request.data, "get") else ""
        except exceptions.ParseError:
            key = ""
    return str(key).strip()


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = presented_token(request)
        if not token:
            return None
        client = (
            ApiClient.objects.select_related("region", "unit", "service_user")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if client is None or not client.is_active or client.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已更换或已吊销。"))
        request._request.api_client = client
        return ClientPrincipal(client), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def client_of(request) -> ApiClient | None:
    return getattr(request._request if hasattr(request, "_request") else request, "api_client", None)


def require_client(request) -> ApiClient:
    """The calling client, on a route whose ``HasScope`` has already asked for one."""
    client = client_of(request)
    if client is None:
        raise exceptions.NotAuthenticated(_("须提供接口令牌。"))
    return client


class HasScope(BasePermission):
    """The route's ``required_scope`` granted to the client; a unit's routes also need the client to be a unit's."""

    message = _("这个客户端没有获准调用该接口。")

    def has_permission(self, request, view):
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True  # a public route (the schema, the docs, Open311's service list)
        client = client_of(request)
        if client is None:
            raise exceptions.NotAuthenticated(_("须提供接口令牌。"))
        if getattr(view, "unit_only", False) and client.unit_id is None:
            return False
        return client.has_scope(scope)


class ClientRateThrottle(BaseThrottle):
    """At most ``client.rate_limit`` calls per minute per client, counted in the shared cache (Redis when
    configured) so every web server counts together. Calls without a client are not counted here."""

    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True
        moment = now()
        window = int(moment // WINDOW_SECONDS)
        key = f"api:rate:{client.pk}:{window}"
        self.remaining = WINDOW_SECONDS - (moment % WINDOW_SECONDS)
        try:
            count = 1 if cache.add(key, 1, WINDOW_SECONDS * 2) else cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS * 2)
            count = 1
        return count <= client.rate_limit

    def wait(self):
        return math.ceil(self.remaining)


class ClientView(APIView):
    """Token authentication, one scope, the client's rate limit and a row in ``ApiCall`` for every call."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    required_scope: str | None = None
    unit_only = False

    def initial(self, request, *args, **kwargs):
        self._started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        started = getattr(self, "_started", None)
        match = request.resolver_match
        try:
            ApiCall.objects.create(
                client=client_of(request),
                route=(match.view_name if match else request.path)[:200],
                method=request.method[:10],
                status=response.status_code,
                duration_ms=int((time.monotonic() - started) * 1000) if started else 0,
                ip=client_ip(request)[:45],
            )
        except Exception:  # the log must never turn a served call into an error
            logger.exception("could not log an API call")
        return response
