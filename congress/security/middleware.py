from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import permissions


class StaffOTPMiddleware:
    """With STAFF_REQUIRE_OTP on, sends staff and leaders who have not confirmed a code this session to the
    code page (or to enrolment, if they have no device yet) before any staff page or the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not permissions.needs_otp(request.user, request.resolver_match):
            return None
        from django_otp import user_has_device

        target = "security:otp_verify" if user_has_device(request.user) else "security:otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
