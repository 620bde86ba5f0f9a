"""Thin views: check permission, call a selector or a service, render."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports as core_exports
from core.pagination import paginate, shown
from core.uploads import serve_private_file
from core.workflow import Action, perform

from . import panels, permissions, selectors, services, work_queue
from .exports import ROSTER_EXPORTS
from .forms import ActivityForm, ReturnForm
from .models import ActivityAttachment, ActivityRecord
from .panels import render_panels
from .privacy import mask_address, mask_id_number, mask_phone
from .qr import qr_svg_inline, qr_svg_response


def safe_next(request, default: str) -> str:
    """Where a form asked to go back to, if that is a page of this site; a crafted link cannot send the user
    elsewhere (an open redirect would lend the office's address to phishing)."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def home(request):
    user = request.user
    if permissions.sees_region_data(user):
        return redirect("staff:home")
    if permissions.is_deputy(user):
        return redirect("me:home")
    if permissions.is_unit_clerk(user):
        return redirect("unit:home")
    return render(request, "public/home.html")


# Public pages ---------------------------------------------------------------------------------------------


def public_directory(request):
    filterset = selectors.deputy_directory(filters=request.GET, public=True)
    page = paginate(request, shown(filterset.qs, selectors.PUBLIC_DIRECTORY_COLUMNS))
    page.object_list = selectors.deputy_page(page.object_list)
    return render(
        request,
        "public/deputy_directory.html",
        {"filter": filterset, "page": page},
    )


def public_profile(request, public_id):
    deputy = selectors.public_deputy(public_id)
    return render(request, "public/deputy_profile.html", {"deputy": deputy})


def public_profile_url(deputy) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("public:deputy", args=[deputy.public_id])


def deputy_qr(request, public_id):
    deputy = selectors.public_deputy(public_id)
    return qr_svg_response(public_profile_url(deputy))


def deputy_card(request, public_id):
    deputy = selectors.public_deputy(public_id)
    qr_svg = qr_svg_inline(public_profile_url(deputy))
    return render(request, "public/deputy_card.html", {"deputy": deputy, "qr_svg": qr_svg})


# The deputy's own pages -------------------------------------------------------------------------------------


@permissions.deputy_required
def my_home(request):
    deputy = selectors.deputy_for_user(user=request.user, pk=request.user.deputy_id)
    filterset = selectors.activity_list(user=request.user, deputy=deputy, filters=request.GET)
    page = paginate(request, selectors.with_attachment_counts(shown(filterset.qs, selectors.MY_ACTIVITY_COLUMNS)))
    return render(
        request,
        "me/home.html",
        {
            "deputy": deputy,
            "page": page,
            "panels": render_panels(panels.deputy_home_panels, request, deputy),
        },
    )


def _save_activity(request, form, record=None):
    try:
        if record is None:
            return services.activity_create(
                deputy=request.user.deputy,
                by=request.user,
                files=form.cleaned_data["attachments"],
                client_key=form.cleaned_data["client_key"],
                **form.activity_fields(),
            )
        return services.activity_update(
            record=record, by=request.user, files=form.cleaned_data["attachments"], **form.activity_fields()
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    except services.TransitionError as exc:
        form.add_error(None, str(exc))
    return None


@permissions.deputy_required
def activity_new(request):
    form = ActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = _save_activity(request, form)
        if record is not None:
            messages.success(request, _("履职记录已提交，等待工作人员确认。"))
            return redirect("me:activity", pk=record.pk)
    return render(request, "me/activity_form.html", {"form": form})


@permissions.deputy_required
def activity_edit(request, pk):
    record = selectors.activity_for_user(user=request.user, pk=pk)
    refusal = services.ACTIVITY_STEPS.refusal("edit", request.user, record)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("me:activity", pk=record.pk)
    form = ActivityForm(request.POST or None, request.FILES or None, instance=record)
    if request.method == "POST" and form.is_valid():
        saved = _save_activity(request, form, record=record)
        if saved is not None:
            messages.success(request, _("履职记录已修改，等待工作人员确认。"))
            return redirect("me:activity", pk=record.pk)
    return render(request, "me/activity_form.html", {"form": form, "record": record})


@permissions.deputy_required
def my_activity(request, pk):
    record = selectors.activity_for_user(user=request.user, pk=pk)
    return render(
        request,
        "me/activity_detail.html",
        {
            "record": record,
            "timeline": selectors.activity_timeline(record),
            "can_edit": "edit" in services.available_steps(request.user, record),
            "panels": render_panels(panels.activity_panels, request, record),
        },
    )


# The handling-unit portal: its start page gathers what the apps above assign to the unit ------------------


@permissions.unit_clerk_required
def unit_home(request):
    return render(
        request,
        "unit/home.html",
        {"unit": request.user.unit, "panels": render_panels(panels.unit_home_panels, request, request.user.unit)},
    )


# Office staff pages ------------------------------------------------------------------------------------------


@permissions.region_reader_required
def staff_home(request):
    return render(
        request,
        "staff/home.html",
        {
            "summary": selectors.staff_summary(user=request.user),
            "queue": work_queue.grouped(work_queue.items_for(request.user)),
            "panels": render_panels(panels.staff_home_panels, request),
        },
    )


@permissions.region_reader_required
def staff_directory(request):
    filterset = selectors.deputy_directory(user=request.user, filters=request.GET)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        return core_exports.respond(request, "representatives.directory", filterset.qs)
    if export in ROSTER_EXPORTS:
        return core_exports.respond(request, "representatives.roster", filterset.qs)
    page = paginate(request, shown(filterset.qs, selectors.STAFF_DIRECTORY_COLUMNS))
    page.object_list = selectors.deputy_page(page.object_list)
    return render(
        request,
        "staff/deputy_directory.html",
        {"filter": filterset, "page": page},
    )


@permissions.region_reader_required
def staff_deputy(request, pk):
    deputy = selectors.deputy_for_user(user=request.user, pk=pk)
    full = permissions.can_see_private_fields(request.user, deputy)
    masked = {
        # A phone the deputy published is public: every role sees it as the public does.
        "phone": deputy.phone if full or deputy.phone_public else mask_phone(deputy.phone),
        "id_number": deputy.id_number if full else mask_id_number(deputy.id_number),
        "home_address": deputy.home_address if full else mask_address(deputy.home_address),
    }
    recent = shown(selectors.activity_list(user=request.user, deputy=deputy).qs, selectors.DEPUTY_ACTIVITY_COLUMNS)[:10]
    return render(
        request,
        "staff/deputy_detail.html",
        {
            "deputy": deputy,
            "masked": masked,
            "recent": recent,
            "can_edit": permissions.can_edit_deputy(request.user, deputy),
        },
    )


@permissions.region_reader_required
def staff_activities(request):
    filterset = selectors.activity_list(user=request.user, filters=request.GET)
    if request.GET.get("export") in ("xlsx", "csv"):
        return core_exports.respond(request, "representatives.activities", filterset.qs)
    page = paginate(request, shown(filterset.qs, selectors.STAFF_ACTIVITY_COLUMNS))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "staff/activity_list.html",
        {
            "filter": filterset,
            "page": page,
            # Bulk confirm/return (views_bulk): office staff only; "all matching" when the list is the pending ones.
            "can_bulk": permissions.is_office_staff(request.user),
            "all_pending": filterset.form.cleaned_data.get("status") == ActivityRecord.Status.PENDING,
            "filters": filters.urlencode(),
        },
    )


@permissions.region_reader_required
def staff_activity(request, pk):
    record = selectors.activity_for_user(user=request.user, pk=pk)
    return render(
        request,
        "staff/activity_detail.html",
        {
            "record": record,
            "timeline": selectors.activity_timeline(record),
            "can_review": "confirm" in services.available_steps(request.user, record),
            "return_form": ReturnForm(),
            "panels": render_panels(panels.activity_panels, request, record),
        },
    )


def _run_confirm(record, data, by) -> str:
    services.activity_confirm(record=record, by=by)
    return _("已确认该履职记录。")


def _run_return(record, data, by) -> str:
    services.activity_return(record=record, by=by, reason=data["reason"])
    return _("已退回该履职记录。")


# The office's steps on an activity record: the form that parses each (confirming takes no input) and the one
# service call behind it. Which of them a record offers now is services.available_steps (services.ACTIVITY_STEPS).
ACTIVITY_ACTIONS = {"confirm": Action(forms.Form, _run_confirm), "return": Action(ReturnForm, _run_return)}


def _activity_step(request, pk, step, back: str):
    record = selectors.activity_for_user(user=request.user, pk=pk)
    refusal = services.ACTIVITY_STEPS.refusal(step, request.user, record)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(back)
    action = ACTIVITY_ACTIONS[step]
    form = action.form(request.POST)
    if not form.is_valid():
        messages.error(request, _("退回必须填写理由。"))  # the return's reason: the one field of these forms
        return redirect(back)
    perform(request, action.run, record, form.cleaned_data, request.user)
    return redirect(back)


@require_POST
@permissions.staff_required
def activity_confirm(request, pk):
    return _activity_step(request, pk, "confirm", safe_next(request, reverse("staff:activity", args=[pk])))


@require_POST
@permissions.staff_required
def activity_return(request, pk):
    return _activity_step(request, pk, "return", reverse("staff:activity", args=[pk]))


# The inbox ----------------------------------------------------------------------------------------------------


@permissions.login_required
def inbox(request):
    page = paginate(request, selectors.inbox_for(request.user))
    return render(request, "accounts/inbox.html", {"page": page})


@require_POST
@permissions.login_required
def inbox_read(request):
    services.notifications_mark_read(user=request.user, ids=request.POST.getlist("id"))
    return redirect(safe_next(request, reverse("inbox")))


# Attachments: never served from a public media URL --------------------------------------------------------------


def activity_attachment(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    attachment = get_object_or_404(ActivityAttachment.objects.select_related("record__deputy__region"), pk=pk)
    if not permissions.can_view_activity(request.user, attachment.record):
        # Someone else's file looks exactly like a missing one.
        raise Http404
    return serve_private_file(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)
