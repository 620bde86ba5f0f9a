from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device, offset_steps=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps):06d}"


@pytest.fixture
def otp_required(settings):
    settings.STAFF_REQUIRE_OTP = True
    # django-otp delays a retry after a wrong code; the tests do not wait for it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_off_by_default(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("staff:home")).status_code == 200


def test_staff_without_a_device_are_sent_to_enrolment_then_let_in(client, staff_a, otp_required):
    client.force_login(staff_a)
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("security:otp_setup")
    assert parse_qs(location.query)["next"] == [reverse("staff:home")]

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff_a, confirmed=False)
    # Reloading shows the same key, not a new device each time.
    client.get(response["Location"])
    assert TOTPDevice.objects.filter(user=staff_a).count() == 1

    wrong = client.post(response["Location"], {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(response["Location"], {"token": code_for(device), "next": reverse("staff:home")})
    assert done.status_code == 302
    assert done["Location"] == reverse("staff:home")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("staff:home")).status_code == 200


def test_enrolled_staff_confirm_a_code_each_session(client, staff_a, otp_required):
    device = TOTPDevice.objects.create(user=staff_a, name="phone", confirmed=True)
    client.force_login(staff_a)
    for guarded in (reverse("staff:home"), reverse("admin:index")):
        response = client.get(guarded)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("security:otp_verify")

    verify = reverse("security:otp_verify")
    refused = client.post(verify, {"token": code_for(device, offset_steps=-10), "next": reverse("admin:index")})
    assert refused.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302

    accepted = client.post(verify, {"token": code_for(device), "next": reverse("admin:index")})
    assert accepted["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("staff:home")).status_code == 200


def test_a_foreign_next_is_not_followed(client, staff_a, otp_required):
    device = TOTPDevice.objects.create(user=staff_a, name="phone", confirmed=True)
    client.force_login(staff_a)
    response = client.post(reverse("security:otp_verify"), {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_deputies_are_not_asked(client, deputy_user_a, otp_required):
    client.force_login(deputy_user_a)
    assert client.get(reverse("me:home")).status_code == 200
    assert client.get(reverse("security:otp_setup")).status_code == 403


def test_leaders_are_asked_too(client, regions, otp_required):
    from representatives.tests.factories import LeaderFactory

    leader = LeaderFactory(region=regions.city)
    client.force_login(leader)
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("security:otp_setup")
