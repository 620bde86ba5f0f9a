"""A deputy's own suggestions: drafting, co-signing, following the handling and rating the reply."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.pagination import paginate, shown
from core.text import join_clauses
from core.workflow import Action, perform
from representatives.panels import CountingPanel
from representatives.permissions import deputy_required

from . import origins, permissions, selectors, services
from .forms_deputy import (
    InviteForm,
    RateForm,
    SuggestionEditForm,
    SuggestionForm,
    VersionForm,
    invitable_deputies,
    search_deputies,
)
from .models import CoSigner, Suggestion

S = Suggestion.Status

TABS = {
    "mine": gettext_lazy("我领衔的"),
    "cosigned": gettext_lazy("我联名的"),
    "invited": gettext_lazy("待我确认"),
}

# cosign_respond refuses once the suggestion is registered, so later invitations are no longer waiting.
ANSWERABLE_STATES = services.COSIGN_OPEN_STATES


def _open_invitations(deputy):
    return selectors.invitations_for(deputy).filter(suggestion__status__in=ANSWERABLE_STATES)


def _list_url(tab: str, **params) -> str:
    return f"{reverse('me:suggestions')}?{urlencode({'tab': tab, **params})}"


def _home_counts(request, deputy):
    own = Suggestion.objects.filter(deputy=deputy)
    return {
        "invitations": _open_invitations(deputy),
        "to_rate": own.filter(status=S.REPLIED),
        "drafts": own.filter(status=S.DRAFT),
    }


def _home_panel(request, deputy, *, counts):
    """What waits for the deputy: invitations to answer, replies to rate, drafts not yet submitted."""
    return (
        "me/suggestions/panel.html",
        {
            **counts,
            "invited_url": _list_url("invited"),
            "to_rate_url": _list_url("mine", status=S.REPLIED),
            "drafts_url": _list_url("mine", status=S.DRAFT),
        },
    )


deputy_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)


@deputy_required
def suggestions(request):
    user = request.user
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "mine"
    status = request.GET.get("status") if request.GET.get("status") in S.values else ""
    if tab == "invited":
        queryset = shown(_open_invitations(user.deputy_id), selectors.INVITATION_COLUMNS).order_by("-invited_at", "-id")
    else:
        if tab == "mine":
            queryset = Suggestion.objects.filter(deputy_id=user.deputy_id)
        else:
            queryset = permissions.suggestions_for(user).filter(
                cosigners__deputy_id=user.deputy_id, cosigners__status=CoSigner.Status.ACCEPTED
            )
        queryset = shown(queryset, selectors.DEPUTY_SUGGESTION_COLUMNS).order_by("-id")
        if status:
            queryset = queryset.filter(status=status)
    return render(
        request,
        "me/suggestions/list.html",
        {
            "tab": tab,
            "tabs": [(key, label, _list_url(key)) for key, label in TABS.items()],
            "status": status,
            "statuses": S.choices,
            "waiting": _open_invitations(user.deputy_id).count(),
            "page": paginate(request, queryset),
        },
    )


def _save_draft(request, form, suggestion=None):
    files = form.cleaned_data["attachments"]
    try:
        if suggestion is None:
            return services.suggestion_create(
                deputy=request.user.deputy,
                congress=form.cleaned_data["congress"],
                by=request.user,
                files=files,
                **form.draft_fields(),
            )
        return services.suggestion_update(
            suggestion=suggestion,
            by=request.user,
            files=files,
            expected_version=form.cleaned_data["version"],
            **form.draft_fields(),
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
    except services.TransitionError as exc:
        form.add_error(None, str(exc))
    return None


@deputy_required
def suggestion_new(request):
    congresses = services.serving_congresses(request.user.deputy)
    if not congresses.exists():
        return render(request, "me/suggestions/form.html", {"no_seat": True})
    form = SuggestionForm(request.POST or None, request.FILES or None, congresses=congresses)
    if request.method == "POST" and form.is_valid():
        created = _save_draft(request, form)
        if created is not None:
            messages.success(request, _("建议草稿已保存。可以继续邀请代表联名，确认无误后提交。"))
            return redirect("me:suggestion", pk=created.pk)
    return render(request, "me/suggestions/form.html", {"form": form})


@deputy_required
def suggestion_edit(request, pk):
    item = selectors.suggestion_detail(user=request.user, pk=pk)
    refusal = services.SUGGESTION_STEPS.refusal("edit", request.user, item)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("me:suggestion", pk=item.pk)
    attachments = list(item.attachments.all())
    form = SuggestionEditForm(
        request.POST or None,
        request.FILES or None,
        instance=item,
        congresses=services.serving_congresses(request.user.deputy),
        initial={"version": item.version},
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_draft(request, form, suggestion=item)
        if saved is not None:
            messages.success(request, _("建议草稿已修改。"))
            return redirect("me:suggestion", pk=item.pk)
    return render(request, "me/suggestions/form.html", {"form": form, "suggestion": item, "attachments": attachments})


def _render_detail(request, item, *, rate_form=None):
    user = request.user
    cosigners = list(item.cosigners.all())
    my_cosign = next((c for c in cosigners if c.deputy_id == user.deputy_id), None)
    steps = services.available_steps(user, item)
    if my_cosign is not None and "answer" in services.available_steps(user, my_cosign):
        steps.append("answer")
    can_invite = "invite" in steps
    search = request.GET.get("q", "").strip()[:50] if can_invite else ""
    parts = selectors.parts_for(user=user, suggestion=item)
    return render(
        request,
        "me/suggestions/detail.html",
        {
            "suggestion": item,
            "is_author": permissions.is_author(user, item),
            "cosigners": cosigners,
            "my_cosign": my_cosign,
            "steps": steps,
            "can_answer": "answer" in steps,
            "can_edit": "edit" in steps,
            "can_invite": can_invite,
            "search": search,
            "candidates": list(search_deputies(invitable_deputies(item), search)) if search else [],
            "rate_form": rate_form
            or (
                RateForm(initial={"version": item.version}, parts=selectors.parts_to_rate(item, parts))
                if "rate" in steps
                else None
            ),
            "parts": parts,
            "timeline": selectors.suggestion_timeline(item),
            "origins": origins.origins_of(item, "me"),
        },
    )


@deputy_required
def suggestion(request, pk):
    return _render_detail(request, selectors.suggestion_detail(user=request.user, pk=pk))


def _stale_page(request):
    messages.error(request, _("页面已过期，请刷新后再操作。"))


def _submit(item, data, by):
    submitted = services.suggestion_submit(suggestion=item, by=by, expected_version=data["version"])
    return _("建议已提交，编号%(label)s，等待工作人员审查立案。") % {"label": submitted.number_label}


def _invite(item, data, by):
    count = services.cosigners_invite(suggestion=item, deputies=data["deputies"], by=by)
    return _("已邀请 %(n)d 位代表联名，等待他们确认。") % {"n": count}


def _rate(item, data, by):
    rated = services.parts_rate(suggestion=item, by=by, ratings=data["ratings"], expected_version=data["version"])
    if rated.status == S.CLOSED:
        return _("感谢评价，建议已办结。")
    if rated.status == S.ASSIGNED:
        return _("已收到您的评价，评价不满意的承办单位将重新办理。")
    return _("已收到您的评价。")


# The deputy's steps: the form that parses each and the one service call behind it. Which of them the page
# offers is services.available_steps (services.SUGGESTION_STEPS); each service requires the step again.
ACTIONS = {
    "submit": Action(lambda item, data: VersionForm(data), _submit),
    "invite": Action(lambda item, data: InviteForm(data, suggestion=item), _invite),
    "rate": Action(lambda item, data: RateForm(data, parts=selectors.parts_to_rate(item)), _rate),
}


def _invalid(request, item, action, form):
    if "version" in form.errors:
        _stale_page(request)
    elif action == "invite":
        messages.error(request, join_clauses(form.errors["deputies"]))
    elif action == "rate":
        return _render_detail(request, item, rate_form=form)
    else:
        _stale_page(request)
    return redirect("me:suggestion", pk=item.pk)


@deputy_required
@require_POST
def suggestion_action(request, pk, action):
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    item = selectors.suggestion_detail(user=request.user, pk=pk)
    refusal = services.SUGGESTION_STEPS.refusal(action, request.user, item)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("me:suggestion", pk=item.pk)
    form = step.form(item, request.POST)
    if not form.is_valid():
        return _invalid(request, item, action, form)
    perform(request, step.run, item, form.cleaned_data, request.user)
    return redirect("me:suggestion", pk=item.pk)


@deputy_required
@require_POST
def cosign_respond(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise Http404
    cosigner = get_object_or_404(CoSigner, pk=pk, deputy_id=request.user.deputy_id)
    accept = answer == "accept"
    try:
        services.cosign_respond(cosigner=cosigner, by=request.user, accept=accept)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        if permissions.suggestions_for(request.user).filter(pk=cosigner.suggestion_id).exists():
            return redirect("me:suggestion", pk=cosigner.suggestion_id)
        return redirect(_list_url("invited"))
    if accept:
        messages.success(request, _("您已同意联名。"))
        return redirect("me:suggestion", pk=cosigner.suggestion_id)
    # A declined suggestion is no longer visible to the deputy, so its page would answer 404.
    messages.success(request, _("您已谢绝联名。"))
    return redirect(_list_url("invited"))
