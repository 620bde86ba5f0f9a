"""Tokens (hashed, shown once, rotated, revoked), scopes, the rate limit and the call log."""

import pytest
from django.urls import reverse

from api import auth, services
from api.models import ApiCall, ApiClient, hash_token
from representatives.models import Role

from .factories import make_client

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def reader(regions):
    return make_client(region=regions.county_a, scopes=["read_public"], rate_limit=3)


def test_token_is_stored_hashed(reader):
    client, token = reader
    client.refresh_from_db()
    assert token.startswith("co_") and len(token) > 40
    assert client.token_hash == hash_token(token) and token not in client.token_hash
    assert client.token_hint == token[:9]


def test_no_token_bad_token_and_wrong_scope(client, reader):
    url = reverse("api:deputies")
    assert client.get(url).status_code == 401
    assert client.get(url)["WWW-Authenticate"].startswith("Bearer")
    assert client.get(url, **bearer("co_nonsense")).status_code == 401
    assert client.get(reverse("api:unit_opinions"), **bearer(reader[1])).status_code == 403
    assert client.get(url, **bearer(reader[1])).status_code == 200


def test_rotate_invalidates_the_old_token(client, reader):
    api_client, old = reader
    new = services.client_rotate(client=api_client, by=None)
    url = reverse("api:stations")
    assert client.get(url, **bearer(old)).status_code == 401
    assert client.get(url, **bearer(new)).status_code == 200


def test_revoke_refuses_the_token_and_cannot_be_rotated(client, reader):
    api_client, token = reader
    services.client_revoke(client=api_client, by=None)
    assert client.get(reverse("api:stations"), **bearer(token)).status_code == 401
    with pytest.raises(services.TransitionError):
        services.client_rotate(client=api_client, by=None)


def test_rate_limit_per_client_with_retry_after(client, clock, monkeypatch, reader, regions):
    monkeypatch.setattr(auth, "now", clock)
    url = reverse("api:stations")
    other, other_token = make_client(region=regions.county_a, scopes=["read_public"], rate_limit=3)
    for _ in range(3):
        assert client.get(url, **bearer(reader[1])).status_code == 200
    clock.advance(20)
    refused = client.get(url, **bearer(reader[1]))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    # Another client has its own count.
    assert client.get(url, **bearer(other_token)).status_code == 200
    clock.advance(40)
    assert client.get(url, **bearer(reader[1])).status_code == 200


def test_every_call_is_logged(client, reader):
    api_client, token = reader
    client.get(reverse("api:stations"), **bearer(token))
    client.get(reverse("api:unit_opinions"), **bearer(token))
    client.get(reverse("api:stations"))
    calls = list(ApiCall.objects.order_by("id").values_list("client_id", "route", "method", "status"))
    assert calls == [
        (api_client.pk, "api:stations", "GET", 200),
        (api_client.pk, "api:unit_opinions", "GET", 403),
        (None, "api:stations", "GET", 401),
    ]


def test_a_unit_client_acts_through_its_own_unit_account(unit_system, unit_a):
    api_client, _token = unit_system
    user = api_client.service_user
    assert user.role == Role.UNIT_CLERK and user.unit_id == unit_a.pk and user.is_active
    assert not user.has_usable_password()
    services.client_revoke(client=api_client, by=None)
    user.refresh_from_db()
    assert not user.is_active


def test_admin_shows_the_token_once_and_rotates_and_revokes(client, staff_a, regions):
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "name": "政务服务平台",
            "region": regions.county_a.pk,
            "scopes": ["read_public", "write_opinions"],
            "rate_limit": 60,
            "is_active": "on",
            "subscriptions-TOTAL_FORMS": 0,
            "subscriptions-INITIAL_FORMS": 0,
        },
        follow=True,
    )
    api_client = ApiClient.objects.get(name="政务服务平台")
    shown = [str(m) for m in response.context["messages"]]
    token = next(word for m in shown for word in m.replace("：", " ").split() if word.startswith("co_"))
    assert api_client.token_hash == hash_token(token)
    assert api_client.scopes == ["read_public", "write_opinions"]
    # Shown once: the change page does not show it again.
    assert token not in client.get(reverse("admin:api_apiclient_change", args=[api_client.pk])).content.decode()

    changelist = reverse("admin:api_apiclient_changelist")
    response = client.post(changelist, {"action": "rotate_token", "_selected_action": [api_client.pk]}, follow=True)
    api_client.refresh_from_db()
    assert api_client.token_hash != hash_token(token)
    client.post(changelist, {"action": "revoke", "_selected_action": [api_client.pk]})
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None and not api_client.is_active


def test_admin_refuses_a_region_outside_the_staff_members(client, staff_a, regions):
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "name": "越权",
            "region": regions.county_b.pk,
            "scopes": ["read_public"],
            "rate_limit": 60,
            "subscriptions-TOTAL_FORMS": 0,
            "subscriptions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form again, with the choice refused
    assert not ApiClient.objects.filter(name="越权").exists()


def test_unit_scopes_need_a_unit(client, staff_a, regions):
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "name": "无单位",
            "region": regions.county_a.pk,
            "scopes": ["reply"],
            "rate_limit": 60,
            "subscriptions-TOTAL_FORMS": 0,
            "subscriptions-INITIAL_FORMS": 0,
        },
    )
    assert "读取或答复交办事项须选定承办单位。" in response.content.decode()
    assert not ApiClient.objects.filter(name="无单位").exists()


def test_call_log_is_read_only_in_the_admin(client, staff_a, reader):
    client.get(reverse("api:stations"), **bearer(reader[1]))
    client.force_login(staff_a)
    call = ApiCall.objects.get()
    assert client.get(reverse("admin:api_apicall_changelist")).status_code == 200
    assert client.get(reverse("admin:api_apicall_add")).status_code == 403
    assert client.post(reverse("admin:api_apicall_delete", args=[call.pk]), {"post": "yes"}).status_code == 403
    assert ApiCall.objects.filter(pk=call.pk).exists()
