from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import permissions


class StaffOTPMiddleware:
    """With STAFF_REQUIRE_OTP on, sends staff and leaders who have not confirmed a code this session to the
    code page (or to enrolment, if they have no device yet) before any staff page or the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if not permissions.needs_otp(request.user, request.resolver_match):
            return None
        from django_otp import user_has_device

        target = "security:otp_verify" if user_has_device(request.user) else "security:otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
