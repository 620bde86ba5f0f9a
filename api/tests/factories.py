"""Clients with a known token, made the way the admin makes them."""

from api import services
from api.models import ApiClient, Scope

ALL_SCOPES = list(Scope.values)


def make_client(*, region, scopes=None, unit=None, rate_limit: int = 1000, name: str = "") -> tuple[ApiClient, str]:
    client = ApiClient(
        name=name or f"客户端{ApiClient.objects.count() + 1}",
        region=region,
        unit=unit,
        scopes=list(ALL_SCOPES if scopes is None else scopes),
        rate_limit=rate_limit,
    )
    token = services.client_save(client=client, by=None)
    assert token is not None
    return client, token


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
