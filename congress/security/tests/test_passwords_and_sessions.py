import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from congress import middleware
from congress.testing.browser import PASSWORD


@pytest.mark.parametrize(
    ("new_password", "code"),
    [
        ("Short1!x", "password_too_short"),
        ("1234567890123", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("staff_a-2026", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused_on_the_change_form(client, staff_a, new_password, code):
    client.force_login(staff_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["new_password2"]
    assert code in {error.code for error in errors}
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    staff_a.refresh_from_db()
    assert staff_a.check_password(PASSWORD)


def test_a_strong_password_is_accepted(client, staff_a):
    client.force_login(staff_a)
    strong = "绿水青山-2026-jiangmen"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.check_password(strong)


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_idle_session_ends(client, staff_a, settings, clock):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client.force_login(staff_a)
    assert client.get(reverse("staff:home")).status_code == 200

    clock.advance(30 * 60 + 1)
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not logged_in(client)


def test_activity_keeps_the_session_until_the_absolute_limit(client, staff_a, settings, clock):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client.force_login(staff_a)
    # A request every 20 minutes never lets the idle timeout run out...
    for _ in range(8 * 3):
        clock.advance(20 * 60)
        assert client.get(reverse("staff:home")).status_code == 200
    # ...but eight hours after the login the session ends however busy it was.
    clock.advance(20 * 60)
    assert client.get(reverse("staff:home")).status_code == 302
    assert not logged_in(client)


def test_last_seen_is_written_at_most_once_a_minute(client, staff_a, clock):
    client.force_login(staff_a)
    seen = client.session[middleware.SESSION_SEEN_KEY]
    clock.advance(30)
    client.get(reverse("staff:home"))
    assert client.session[middleware.SESSION_SEEN_KEY] == seen
    clock.advance(31)
    client.get(reverse("staff:home"))
    assert client.session[middleware.SESSION_SEEN_KEY] == int(clock())
