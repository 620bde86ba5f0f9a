"""Office pages for motions: the list and its Excel export, one motion with the decision to record, and the
number of co-signers per congress.

Staff and leaders of a region read; staff act. Motions outside the user's region come through scoped
selectors, so they are "not found", not "forbidden". Each step is one service call.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports as core_exports
from core.pagination import paginate
from core.workflow import Action, perform
from representatives.permissions import is_office_staff, region_reader_required, staff_required

from . import permissions, selectors, services
from .forms import DecisionForm, RuleForm, VersionForm


@region_reader_required
def motions(request):
    filterset = selectors.motion_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "motions.list", filterset.qs)
    return render(
        request,
        "staff/motions/list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs), "can_set_rules": is_office_staff(request.user)},
    )


DECISIONS = ("list", "not_list", "convert")


def _render_detail(request, item, bound=None):
    steps = services.available_steps(request.user, item)
    decision_forms = {
        step: (
            bound
            if bound is not None and bound.step == step
            else DecisionForm(step=step, initial={"version": item.version})
        )
        for step in DECISIONS
        if step in steps
    }
    cosigners = selectors.cosigners_of(item)
    return render(
        request,
        "staff/motions/detail.html",
        {
            "motion": item,
            "cosigners": cosigners,
            "accepted": sum(1 for c in cosigners if c.status == "accepted"),
            "required": selectors.required_cosigners(item.congress),
            "can_register": "register" in steps,
            "decision_forms": [(step, decision_forms[step]) for step in DECISIONS if step in decision_forms],
            "timeline": selectors.motion_timeline(item),
        },
        status=400 if bound is not None else 200,
    )


@region_reader_required
def motion(request, pk):
    return _render_detail(request, selectors.motion_detail(user=request.user, pk=pk))


def _register(item, data, by):
    registered = services.motion_register(motion=item, by=by, expected_version=data["version"])
    return _("议案%(label)s已登记，请在大会主席团或专门委员会作出决定后记录。") % {"label": registered.number_label}


def _decide(service, message):
    def run(item, data, by):
        fields = {name: data[name] for name in ("body", "committee", "reason") if name in data}
        if "session" in data:
            fields["session"] = data["session"]
        decided = service(motion=item, by=by, expected_version=data["version"], **fields)
        if decided.suggestion_id:
            return message % {"label": decided.suggestion.number_label}
        return message

    return run


# The office's steps: the form that parses each and the one service behind it (services.MOTION_STEPS decides).
ACTIONS = {
    "register": Action(lambda data: VersionForm(data), _register),
    "list": Action(
        lambda data: DecisionForm(data, step="list"), _decide(services.motion_list, _("已记录：列入大会议程。"))
    ),
    "not_list": Action(
        lambda data: DecisionForm(data, step="not_list"),
        _decide(services.motion_not_list, _("已记录：不列入大会议程。")),
    ),
    "convert": Action(
        lambda data: DecisionForm(data, step="convert"),
        _decide(services.motion_convert, _("已转为代表建议（%(label)s），请在建议中登记立案和交办。")),
    ),
}


@staff_required
@require_POST
def motion_action(request, pk, action):
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    item = selectors.motion_detail(user=request.user, pk=pk)
    refusal = services.MOTION_STEPS.refusal(action, request.user, item)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("staff:motion", pk=item.pk)
    form = step.form(request.POST)
    if not form.is_valid():
        if isinstance(form, DecisionForm) and "version" not in form.errors:
            return _render_detail(request, item, bound=form)
        messages.error(request, _("页面已过期，请刷新后再操作。"))
        return redirect("staff:motion", pk=item.pk)
    perform(request, step.run, item, form.cleaned_data, request.user)
    return redirect("staff:motion", pk=item.pk)


@staff_required
def motion_rules(request):
    """附议人数: one row per congress of the office's region; a row's form sets that congress's number."""
    bound = None
    if request.method == "POST":
        bound = RuleForm(request.POST)
        if bound.is_valid():
            congress = get_object_or_404(permissions.congresses_for(request.user), pk=bound.cleaned_data["congress"])
            try:
                services.motion_rule_set(
                    congress=congress, by=request.user, min_cosigners=bound.cleaned_data["min_cosigners"]
                )
            except services.TransitionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("已设置：%(congress)s的议案须至少 %(n)d 名代表附议。")
                    % {"congress": congress, "n": bound.cleaned_data["min_cosigners"]},
                )
                return redirect(request.get_full_path())
    page = paginate(request, selectors.congresses_with_rules(request.user))
    rows = [
        (
            congress,
            number,
            own,
            bound
            if bound is not None and str(bound.data.get("congress")) == str(congress.pk)
            else RuleForm(initial={"congress": congress.pk, "min_cosigners": number}, prefix=None),
        )
        for congress, number, own in selectors.rules_of(page.object_list)
    ]
    return render(
        request, "staff/motions/rules.html", {"page": page, "rows": rows}, status=400 if bound is not None else 200
    )
