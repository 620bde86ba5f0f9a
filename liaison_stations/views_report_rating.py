"""Voters rate a deputy's report to voters (述职评议) on their phones from the meeting's QR code; the deputy and
the office open the rating and show its QR code from the activity record (a panel on its page)."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from representatives import services_ratings
from representatives.models import ActivityKind, ReportRating, ReportRatingPoll
from representatives.permissions import activities_for, deputy_required, staff_required
from representatives.qr import qr_svg_response
from representatives.services import TransitionError
from representatives.services import available_steps as activity_steps

from . import ratelimit
from .forms_report_rating import ReportRatingCodeForm, ReportRatingForm

DEVICE_COOKIE = "report_device"
DEVICE_SALT = "report-rating-device"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60
PENDING_SESSION_KEY = "report_rating_pending"


def rating_url(poll: ReportRatingPoll) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("public:report_rating", args=[poll.public_id])


def _poll(public_id) -> ReportRatingPoll:
    return get_object_or_404(ReportRatingPoll.objects.select_related("record__deputy"), public_id=public_id)


def _device_token(request) -> str:
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)


def _pending(request, poll) -> ReportRating | None:
    pk = request.session.get(PENDING_SESSION_KEY)
    if not pk:
        return None
    return poll.ratings.filter(pk=pk, verified_at__isnull=True).exclude(phone="").first()


@never_cache
@require_http_methods(["GET", "POST"])
def report_rating(request, public_id):
    if request.method == "POST" and not ratelimit.hit(request, "report_rating"):
        return render(request, "public/stations/rate_limited.html", status=429)
    poll = _poll(public_id)
    token = _device_token(request)
    form, code_form = ReportRatingForm(), ReportRatingCodeForm()
    if request.method == "POST" and request.POST.get("step") == "confirm":
        code_form = ReportRatingCodeForm(request.POST)
        pending = _pending(request, poll)
        if pending is None:
            messages.error(request, _("请重新评价。"))
            return redirect("public:report_rating", public_id=poll.public_id)
        if code_form.is_valid():
            try:
                services_ratings.rating_confirm(rating=pending, code=code_form.cleaned_data["code"])
            except TransitionError as exc:
                code_form.add_error("code", str(exc))
            else:
                request.session.pop(PENDING_SESSION_KEY, None)
                messages.success(request, _("感谢您的评价！"))
                return redirect("public:report_rating", public_id=poll.public_id)
    elif request.method == "POST":
        form = ReportRatingForm(request.POST)
        if form.is_spam():
            messages.success(request, _("感谢您的评价！"))
            return redirect("public:report_rating", public_id=poll.public_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rating = services_ratings.rating_submit(
                    poll=poll, device_token=token, value=data["value"], comment=data["comment"], phone=data["phone"]
                )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                if rating.phone:
                    request.session[PENDING_SESSION_KEY] = rating.pk
                    messages.info(request, _("验证码已发送到您的手机，请填写验证码完成评价。"))
                else:
                    messages.success(request, _("感谢您的评价！"))
                return redirect("public:report_rating", public_id=poll.public_id)
    device = services_ratings.device_hash(token) if token else None
    rated = device is not None and any(r.counted for r in poll.ratings.filter(device=device))
    response = render(
        request,
        "public/report_rating.html",
        {
            "poll": poll,
            "record": poll.record,
            "form": form,
            "code_form": code_form,
            "pending": _pending(request, poll),
            "rated": rated,
            "is_open": poll.is_open(),
        },
    )
    if not token:
        # The device's token: set before the first rating so that the rating names the device it came from.
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def report_rating_qr(request, public_id):
    return qr_svg_response(rating_url(_poll(public_id)))


# The deputy's and the office's side ----------------------------------------------------------------------------


def activity_panel(request, record):
    """On a report-to-voters record's page: open the voters' rating, or its QR code, link and counts."""
    if record.kind != ActivityKind.REPORT_TO_VOTERS:
        return None
    poll = ReportRatingPoll.objects.filter(record=record).first()
    can_open = poll is None and "open_rating" in activity_steps(request.user, record)
    if poll is None and not can_open:
        return None
    namespace = "me" if request.resolver_match and request.resolver_match.namespace == "me" else "staff"
    return (
        "includes/report_rating_panel.html",
        {
            "record": record,
            "poll": poll,
            "counts": services_ratings.poll_counts(poll) if poll else None,
            "comments": list(poll.ratings.filter(services_ratings.COUNTED).exclude(comment="")[:20]) if poll else [],
            "link": rating_url(poll) if poll else "",
            "open_url": reverse(f"{namespace}:report_rating_open", args=[record.pk]) if can_open else "",
        },
    )


def _open(request, pk, back: str):
    record = get_object_or_404(activities_for(request.user), pk=pk)
    try:
        services_ratings.poll_open(record=record, by=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("选民评议已开启，请在述职会上展示二维码。"))
    return redirect(back, pk=record.pk)


@deputy_required
@require_POST
def report_rating_open_me(request, pk):
    return _open(request, pk, "me:activity")


@staff_required
@require_POST
def report_rating_open_staff(request, pk):
    return _open(request, pk, "staff:activity")
