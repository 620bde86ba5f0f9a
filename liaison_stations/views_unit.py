"""The handling unit's side of voter opinions: what waits for it, and its replies."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagination import paginate, shown
from core.workflow import Action, perform
from representatives.panels import CountingPanel
from representatives.permissions import unit_clerk_required
from representatives.privacy import mask_phone

from . import permissions, selectors, services
from .forms import UnitReplyForm
from .models import Opinion


def _home_counts(request, unit):
    waiting = permissions.opinions_for(request.user).filter(status=Opinion.Status.ASSIGNED)
    today = timezone.localdate()
    return {
        "waiting": waiting,
        "overdue": waiting.filter(deadline__lt=today),
        "due_soon": waiting.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=3)),
    }


def _home_panel(request, unit, *, counts):
    return "unit/stations/panel.html", dict(counts)


unit_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)


@unit_clerk_required
def unit_opinions(request):
    # "Waiting for me" and "done" are two tabs of one list (Decidim's handlers asked for that split).
    tab = "done" if request.GET.get("tab") == "done" else "waiting"
    filterset = selectors.opinion_list(user=request.user, filters=request.GET)
    queryset = shown(filterset.qs, selectors.UNIT_OPINION_COLUMNS)
    if tab == "waiting":
        queryset = queryset.filter(status=Opinion.Status.ASSIGNED).order_by("deadline", "id")
    else:
        queryset = queryset.exclude(status=Opinion.Status.ASSIGNED)
    page = paginate(request, queryset)
    return render(
        request,
        "unit/stations/opinions.html",
        {
            "filter": filterset,
            "page": page,
            "tab": tab,
            "today": timezone.localdate(),
        },
    )


def _run_reply(opinion, data, by) -> str:
    services.opinion_reply(opinion=opinion, by=by, text=data["text"])
    return _("答复已提交。")


# The unit's step on an opinion: the form that parses it and the service behind it. Whether the opinion offers it
# now is services.available_steps (services.OPINION_STEPS), asked by the page and the POST.
ACTIONS = {"reply": Action(UnitReplyForm, _run_reply)}


@unit_clerk_required
def unit_opinion(request, pk):
    opinion = selectors.opinion_detail(user=request.user, pk=pk)
    action = ACTIONS["reply"]
    form = action.form(request.POST or None)
    if request.method == "POST":
        refusal = services.OPINION_STEPS.refusal("reply", request.user, opinion)
        if refusal is not None:
            # A stale page posting a reply the opinion no longer takes: say why rather than show field errors.
            messages.error(request, refusal)
            return redirect("unit:opinion", pk=opinion.pk)
        if form.is_valid():
            perform(request, action.run, opinion, form.cleaned_data, request.user)
            return redirect("unit:opinion", pk=opinion.pk)
    return render(
        request,
        "unit/stations/opinion.html",
        {
            "opinion": opinion,
            "form": form,
            "can_reply": "reply" in services.available_steps(request.user, opinion),
            "timeline": selectors.opinion_timeline(opinion),
            "voter_phone": mask_phone(opinion.voter_phone),
        },
    )
