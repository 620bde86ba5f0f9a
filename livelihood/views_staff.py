"""Staff pages of 民生实事: the year's projects, the votes on them, who voted, and each project's year.

Staff and leaders of a region read; office staff of the congress's region propose projects, set up, open and
close votes, withdraw or complete projects and record inspections. Another region's rows are "not found".
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports as core_exports
from core.pagination import paginate
from core.workflow import Action, perform
from representatives.permissions import handling_units_for, region_reader_required, staff_required

from . import exports, permissions, selectors, services
from .forms import BallotForm, CompleteForm, EmptyForm, InspectionForm, ProjectForm, ReasonForm


@region_reader_required
def project_list(request):
    filterset = selectors.project_list(user=request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return core_exports.respond(request, "livelihood.projects", filterset.qs)
    return render(
        request,
        "staff/livelihood/project_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


@staff_required
def project_new(request):
    form = ProjectForm(
        request.POST or None, congresses=selectors.congresses_for(request.user), units=handling_units_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                congress=form.cleaned_data["congress"],
                year=form.cleaned_data["year"],
                by=request.user,
                **form.project_data(),
            )
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:livelihood_project", pk=project.pk)
    return render(request, "staff/livelihood/project_form.html", {"form": form, "project": None})


def _project_page(request, project, bound=None, status=200):
    steps = services.available_steps(request.user, project)
    forms = {
        step: (bound[1] if bound and bound[0] == step else ACTIONS[step].form(None, step))
        for step in steps
        if step in ACTIONS
    }
    return render(
        request,
        "staff/livelihood/project_detail.html",
        {
            "project": project,
            "steps": steps,
            "forms": forms,
            "reports": project.progress_reports.all(),
            "inspections": project.inspections.all(),
            "timeline": selectors.project_timeline(project),
        },
        status=status,
    )


@region_reader_required
def project_detail(request, pk):
    return _project_page(request, selectors.project_detail(user=request.user, pk=pk))


@staff_required
def project_edit(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    if not permissions.can_manage(request.user, project):
        raise PermissionDenied
    form = ProjectForm(
        request.POST or None,
        instance=project,
        congresses=selectors.congresses_for(request.user),
        units=handling_units_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **form.project_data())
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:livelihood_project", pk=project.pk)
    return render(request, "staff/livelihood/project_form.html", {"form": form, "project": project})


def _withdraw(request, project, form) -> str:
    services.project_withdraw(project=project, by=request.user, reason=form.cleaned_data["reason"])
    return _("项目已撤回。")


def _complete(request, project, form) -> str:
    services.project_complete(
        project=project, by=request.user, date=form.cleaned_data["date"], note=form.cleaned_data["note"]
    )
    return _("项目已确认完成。")


def _inspect(request, project, form) -> str:
    services.inspection_record(project=project, by=request.user, **form.cleaned_data)
    return _("代表视察已登记。")


ACTIONS = {
    "withdraw": Action(lambda data, prefix: ReasonForm(data, prefix=prefix), _withdraw),
    "complete": Action(lambda data, prefix: CompleteForm(data, prefix=prefix), _complete),
    "inspect": Action(lambda data, prefix: InspectionForm(data, prefix=prefix), _inspect),
}


@require_POST
@region_reader_required
def project_action(request, pk, action):
    project = selectors.project_detail(user=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    # Someone who may never take the step is refused; one who may, but not in this state, is told why.
    if not services.PROJECT_STEPS.steps[action].who(request.user, project):
        raise PermissionDenied
    form = ACTIONS[action].form(request.POST, action)
    if not form.is_valid():
        return _project_page(request, project, bound=(action, form), status=400)
    perform(request, ACTIONS[action].run, request, project, form)
    return redirect("staff:livelihood_project", pk=project.pk)


# --- ballots ------------------------------------------------------------------------------------------------


@region_reader_required
def ballot_list(request):
    filterset = selectors.ballot_list(user=request.user, filters=request.GET)
    return render(
        request,
        "staff/livelihood/ballot_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


@staff_required
def ballot_new(request):
    form = BallotForm(request.POST or None, congresses=selectors.congresses_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            ballot = services.ballot_create(
                congress=form.cleaned_data["congress"],
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
                by=request.user,
                **form.rule_data(),
            )
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:livelihood_ballot", pk=ballot.pk)
    return render(request, "staff/livelihood/ballot_form.html", {"form": form, "ballot": None})


@region_reader_required
def ballot_detail(request, pk):
    ballot = selectors.ballot_detail(user=request.user, pk=pk)
    # The counts stay sealed while voting is open: read beside the roll's voting times they would tell who
    # chose what, and a running count sways those still to vote.
    closed = ballot.status == ballot.Status.CLOSED
    results = selectors.ballot_results(ballot) if closed else []
    if request.GET.get("export") == "xlsx":
        if not closed:
            raise Http404
        return exports.ballot_xlsx(ballot, results)
    return render(
        request,
        "staff/livelihood/ballot_detail.html",
        {
            "ballot": ballot,
            "steps": services.available_steps(request.user, ballot),
            "results": results,
            "items": [] if closed else services.ballot_items(ballot).select_related("unit"),
            "timeline": selectors.ballot_timeline(ballot),
        },
    )


@staff_required
def ballot_edit(request, pk):
    ballot = selectors.ballot_detail(user=request.user, pk=pk)
    if not permissions.can_manage(request.user, ballot):
        raise PermissionDenied
    form = BallotForm(request.POST or None, instance=ballot, congresses=selectors.congresses_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_update(ballot=ballot, by=request.user, **form.rule_data())
        except services.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("staff:livelihood_ballot", pk=ballot.pk)
    return render(request, "staff/livelihood/ballot_form.html", {"form": form, "ballot": ballot})


def _open(request, ballot, form) -> str:
    services.ballot_open(ballot=ballot, by=request.user)
    return _("投票已开始，代表可以在手机或电脑上投票。")


def _close(request, ballot, form) -> str:
    ballot = services.ballot_close(ballot=ballot, by=request.user)
    if ballot.quorum_met:
        return _("投票已结束，结果已计算并在公开网站公布。")
    return _("投票已结束：参加投票的代表未达到法定比例，本次投票无效。")


BALLOT_ACTIONS = {
    "open": Action(lambda data, prefix: EmptyForm(data, prefix=prefix), _open),
    "close": Action(lambda data, prefix: EmptyForm(data, prefix=prefix), _close),
}


@require_POST
@region_reader_required
def ballot_action(request, pk, action):
    ballot = selectors.ballot_detail(user=request.user, pk=pk)
    if action not in BALLOT_ACTIONS:
        raise Http404
    if not services.BALLOT_STEPS.steps[action].who(request.user, ballot):
        raise PermissionDenied
    form = BALLOT_ACTIONS[action].form(request.POST, action)
    form.is_valid()
    perform(request, BALLOT_ACTIONS[action].run, request, ballot, form)
    return redirect("staff:livelihood_ballot", pk=ballot.pk)


@region_reader_required
def voter_list(request):
    filterset = selectors.voter_list(user=request.user, filters=request.GET)
    return render(
        request,
        "staff/livelihood/voter_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )
