"""A deputy's own motions: drafting on a phone, inviting co-signers, answering invitations, following the decision."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.pagination import paginate
from core.text import join_clauses
from core.workflow import Action, perform
from representatives.panels import CountingPanel
from representatives.permissions import deputy_required

from . import permissions, selectors, services
from .forms import InviteForm, MotionEditForm, MotionForm, VersionForm, search_deputies
from .models import Motion, MotionCoSigner

M = Motion.Status

TABS = {
    "mine": gettext_lazy("我领衔的"),
    "seconded": gettext_lazy("我附议的"),
    "invited": gettext_lazy("待我确认"),
}


def _list_url(tab: str) -> str:
    return f"{reverse('me:motions')}?{urlencode({'tab': tab})}"


def _home_counts(request, deputy):
    return selectors.home_figures(deputy.pk)


def _home_panel(request, deputy, *, counts):
    """Invitations to second a motion waiting for the deputy, and their own drafts; nothing when there are none."""
    return (
        "me/motions/panel.html",
        {
            "invitations": counts["invitations"],
            "drafts": counts["drafts"],
            "invited_url": _list_url("invited"),
            "mine_url": _list_url("mine"),
        },
    )


deputy_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)


@deputy_required
def motions(request):
    deputy_id = request.user.deputy_id
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "mine"
    queryset: QuerySet[Any]
    if tab == "invited":
        queryset = selectors.invitations_for(deputy_id)
    elif tab == "seconded":
        queryset = selectors.seconded_motions(deputy_id)
    else:
        queryset = selectors.own_motions(deputy_id)
    return render(
        request,
        "me/motions/list.html",
        {
            "tab": tab,
            "tabs": [(key, label, _list_url(key)) for key, label in TABS.items()],
            "waiting": selectors.invitations_for(deputy_id).count(),
            "page": paginate(request, queryset),
        },
    )


def _save_draft(request, form, motion=None):
    try:
        if motion is None:
            return services.motion_create(
                deputy=request.user.deputy,
                congress=form.cleaned_data["congress"],
                by=request.user,
                **form.draft_fields(),
            )
        return services.motion_update(
            motion=motion, by=request.user, expected_version=form.cleaned_data["version"], **form.draft_fields()
        )
    except services.TransitionError as exc:
        form.add_error(None, str(exc))
    return None


@deputy_required
def motion_new(request):
    congresses = selectors.serving_congresses(request.user.deputy)
    if not congresses.exists():
        return render(request, "me/motions/form.html", {"no_seat": True})
    form = MotionForm(request.POST or None, congresses=congresses)
    if request.method == "POST" and form.is_valid():
        created = _save_draft(request, form)
        if created is not None:
            messages.success(request, _("议案草稿已保存。请邀请代表附议，人数达到要求后提交。"))
            return redirect("me:motion", pk=created.pk)
    return render(request, "me/motions/form.html", {"form": form})


@deputy_required
def motion_edit(request, pk):
    item = selectors.motion_detail(user=request.user, pk=pk)
    refusal = services.MOTION_STEPS.refusal("edit", request.user, item)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("me:motion", pk=item.pk)
    form = MotionEditForm(
        request.POST or None,
        instance=item,
        congresses=selectors.serving_congresses(request.user.deputy),
        initial={"version": item.version},
    )
    if request.method == "POST" and form.is_valid() and _save_draft(request, form, motion=item) is not None:
        messages.success(request, _("议案草稿已修改。"))
        return redirect("me:motion", pk=item.pk)
    return render(request, "me/motions/form.html", {"form": form, "motion": item})


@deputy_required
def motion(request, pk):
    user = request.user
    item = selectors.motion_detail(user=user, pk=pk)
    cosigners = selectors.cosigners_of(item)
    mine = next((c for c in cosigners if c.deputy_id == user.deputy_id), None)
    steps = services.available_steps(user, item)
    can_answer = mine is not None and "answer" in services.available_steps(user, mine)
    search = request.GET.get("q", "").strip()[:50] if "invite" in steps else ""
    accepted = sum(1 for c in cosigners if c.status == MotionCoSigner.Status.ACCEPTED)
    return render(
        request,
        "me/motions/detail.html",
        {
            "motion": item,
            "is_author": permissions.is_author(user, item),
            "cosigners": cosigners,
            "my_cosign": mine,
            "can_answer": can_answer,
            "can_edit": "edit" in steps,
            "can_invite": "invite" in steps,
            "can_submit": "submit" in steps,
            "accepted": accepted,
            "required": selectors.required_cosigners(item.congress),
            "search": search,
            "candidates": list(search_deputies(selectors.invitable_deputies(item), search)) if search else [],
            "timeline": selectors.motion_timeline(item),
        },
    )


def _submit(item, data, by):
    submitted = services.motion_submit(motion=item, by=by, expected_version=data["version"])
    return _("议案已提交，编号%(label)s，等待工作人员登记后提请大会主席团审议。") % {"label": submitted.number_label}


def _invite(item, data, by):
    count = services.motion_invite(motion=item, deputies=data["deputies"], by=by)
    return _("已邀请 %(n)d 位代表附议，等待他们确认。") % {"n": count}


# The deputy's steps: the form that parses each and the one service behind it (services.MOTION_STEPS decides).
ACTIONS = {
    "submit": Action(lambda item, data: VersionForm(data), _submit),
    "invite": Action(lambda item, data: InviteForm(data, invitable=selectors.invitable_deputies(item)), _invite),
}


@deputy_required
@require_POST
def motion_action(request, pk, action):
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    item = selectors.motion_detail(user=request.user, pk=pk)
    refusal = services.MOTION_STEPS.refusal(action, request.user, item)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("me:motion", pk=item.pk)
    form = step.form(item, request.POST)
    if not form.is_valid():
        if "deputies" in form.errors:
            messages.error(request, join_clauses(form.errors["deputies"]))
        else:
            messages.error(request, _("页面已过期，请刷新后再操作。"))
        return redirect("me:motion", pk=item.pk)
    perform(request, step.run, item, form.cleaned_data, request.user)
    return redirect("me:motion", pk=item.pk)


@deputy_required
@require_POST
def motion_cosign(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise Http404
    cosigner = get_object_or_404(MotionCoSigner, pk=pk, deputy_id=request.user.deputy_id)
    accept = answer == "accept"
    try:
        services.motion_cosign_respond(cosigner=cosigner, by=request.user, accept=accept)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        if permissions.motions_for(request.user).filter(pk=cosigner.motion_id).exists():
            return redirect("me:motion", pk=cosigner.motion_id)
        return redirect(_list_url("invited"))
    if accept:
        messages.success(request, _("您已同意附议。"))
        return redirect("me:motion", pk=cosigner.motion_id)
    # A declined motion is no longer visible to the deputy, so its page would answer 404.
    messages.success(request, _("您已谢绝附议。"))
    return redirect(_list_url("invited"))
