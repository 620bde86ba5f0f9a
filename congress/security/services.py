"""State changes of a user's second factor; each is atomic and leaves a log line for the audit trail."""

import logging
from typing import Any

import django_otp
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

DEVICE_NAME = "authenticator"


@transaction.atomic
def pending_totp_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled, made once so that reloading the page keeps the same QR."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        logger.info("second factor enrolment started", extra={"user_id": user.pk})
    return device


@transaction.atomic
def confirm_totp_device(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a code from the app and count this session as verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(token):
        logger.warning("second factor enrolment code refused", extra={"user_id": request.user.pk})
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One confirmed device per account: enrolling again replaces the old phone.
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    django_otp.login(request, device)
    logger.info("second factor enrolled", extra={"user_id": request.user.pk})
    return True


@transaction.atomic
def verify_second_factor(request: HttpRequest, token: str) -> bool:
    device = django_otp.match_token(request.user, token)
    if device is None:
        logger.warning("second factor code refused", extra={"user_id": request.user.pk})
        return False
    django_otp.login(request, device)
    logger.info("second factor verified", extra={"user_id": request.user.pk})
    return True
