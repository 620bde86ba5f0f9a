"""The key suggestions' page (重点督办) for leaders and the office, and 二次验收 after the reply.

Leaders lead the supervision of key suggestions; this page lists theirs (office staff see all of their
region's) with where each stands, and the acceptance page records the re-inspection after the unit replied.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.pagination import paginate, shown
from core.workflow import Action, perform
from representatives.permissions import region_reader_required

from . import exports, selectors, selectors_key
from .forms_acceptance import AcceptanceForm
from .services_acceptance import can_record_acceptance, supervision_accept


@region_reader_required
def key_suggestions(request):
    by_default = selectors_key.leads_by_default(request.user)
    show = request.GET.get("show", "mine" if by_default else "all")
    mine = show == "mine" and by_default
    queryset = selectors_key.key_suggestions(user=request.user, mine=mine)
    page = paginate(request, shown(queryset, selectors.KEY_SUGGESTION_COLUMNS))
    page.object_list = list(selectors.with_parts(page.object_list))
    for row in page.object_list:
        row.leader_name = exports.person_name(row.supervising_leader)
        row.current_parts = exports.ordered_parts(part for part in row.live_parts if part.round == row.round)
    return render(
        request,
        "staff/suggestions/key_suggestions.html",
        {"page": page, "mine": mine, "can_choose": by_default},
    )


def _run_accept(suggestion, data, by) -> str:
    supervision_accept(suggestion=suggestion, by=by, date=data["date"], result=data["result"], note=data["note"])
    return _("二次验收已记录。")


# 二次验收 (SUGGESTION_STEPS' ``accept``) on its own page: the form that parses it and the service behind it.
ACTIONS = {"accept": Action(AcceptanceForm, _run_accept)}


@region_reader_required
def acceptance(request, pk):
    suggestion = selectors.suggestion_detail(user=request.user, pk=pk)
    allowed = can_record_acceptance(request.user, suggestion)
    action = ACTIONS["accept"]
    form = action.form(request.POST or None, suggestion=suggestion)
    if request.method == "POST":
        if not allowed:
            messages.error(request, _("这件建议现在不能进行二次验收。"))
            return redirect("staff:suggestion", pk=suggestion.pk)
        if form.is_valid() and perform(request, action.run, suggestion, form.cleaned_data, request.user):
            return redirect("staff:suggestion", pk=suggestion.pk)
    return render(
        request,
        "staff/suggestions/acceptance_form.html",
        {"suggestion": suggestion, "form": form, "allowed": allowed},
        status=200 if request.method == "GET" or allowed else 403,
    )
