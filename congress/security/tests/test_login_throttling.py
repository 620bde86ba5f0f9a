"""django-axes: the Nth wrong password for one user name from one address locks that pair."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from congress.testing.browser import PASSWORD as PASSWORD_FOR_TESTS
from representatives.tests.factories import StaffFactory

ADDRESS = "198.51.100.7"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, username, password, address=ADDRESS):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_fifth_failure_locks_even_the_right_password(client, regions):
    user = StaffFactory(region=regions.county_a)
    for _ in range(4):
        response = attempt(client, user.username, "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    locked = attempt(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()

    refused = attempt(client, user.username, PASSWORD_FOR_TESTS)
    assert refused.status_code == 429
    assert not logged_in(client)


def test_lockout_is_per_user_and_address(client, regions):
    user = StaffFactory(region=regions.county_a)
    for _ in range(5):
        attempt(client, user.username, "wrong-password")
    # The same account from another office's address, and another account from the locked address, still work.
    assert attempt(client, user.username, PASSWORD_FOR_TESTS, address="203.0.113.5").status_code == 302
    client.logout()
    other = StaffFactory(region=regions.county_a)
    assert attempt(client, other.username, PASSWORD_FOR_TESTS).status_code == 302
    assert logged_in(client)


def test_success_resets_the_count(client, regions):
    user = StaffFactory(region=regions.county_a)
    for _ in range(4):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD_FOR_TESTS).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    client.logout()
    # Four more failures would have been the 8th in a row without the reset; the account is still open.
    for _ in range(4):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD_FOR_TESTS).status_code == 302


def test_staff_unlock_their_regions_accounts_in_the_admin(client, regions, staff_a, staff_b):
    deputy_user = StaffFactory(region=regions.town_a, username="locked_user")
    for _ in range(5):
        attempt(client, deputy_user.username, "wrong-password")
    lock = AccessAttempt.objects.get(username="locked_user")
    changelist = reverse("admin:axes_accessattempt_changelist")

    client.force_login(staff_b)
    assert "locked_user" not in client.get(changelist).content.decode()
    assert client.post(reverse("admin:axes_accessattempt_delete", args=[lock.pk]), {"post": "yes"}).status_code in (
        302,
        403,
    )
    assert AccessAttempt.objects.filter(pk=lock.pk).exists()

    client.force_login(staff_a)
    assert "locked_user" in client.get(changelist).content.decode()
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[lock.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=lock.pk).exists()

    client.logout()
    assert attempt(client, "locked_user", PASSWORD_FOR_TESTS).status_code == 302
