from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from representatives import permissions as base
from representatives.qr import qr_svg_inline

from . import services
from .forms import TokenForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@base.region_reader_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR (or type the key), then confirm one code from it."""
    if user_has_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]  # django-otp's
        # Replacing a device needs the current one; a lost phone is reset by a superuser in the admin.
        return redirect(f"{reverse('security:otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = services.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(request, device, form.cleaned_data["token"]):
            messages.success(request, _("已启用二次验证。"))
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确，请核对手机时间后重试。"))
    return render(
        request,
        "security/otp_setup.html",
        {
            "form": form,
            "qr": qr_svg_inline(device.config_url, scale=4),
            "secret": _grouped(device),
            "next": _next_url(request),
            "replacing": user_has_device(request.user),
        },
    )


@base.region_reader_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect("security:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或尝试过于频繁，请稍后重试。"))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next_url(request)})


def _grouped(device: Any) -> str:
    """The base32 key in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def lockout(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a page that says why and what to do."""
    cooloff = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "accounts/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
        },
        status=429,
    )
