"""A handling unit's 民生实事 pages: its chosen projects, and the progress reports it sends on them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.pagination import paginate
from representatives.permissions import unit_clerk_required

from . import permissions, selectors, services
from .forms import ProgressReportForm
from .models import Project


@unit_clerk_required
def project_list(request):
    projects = permissions.projects_for(request.user).select_related("congress__region").order_by("-year", "rank", "id")
    return render(request, "unit/livelihood/project_list.html", {"page": paginate(request, projects)})


@unit_clerk_required
def project_detail(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    may_report = services.PROJECT_STEPS.permits("report", request.user, project)
    form = ProgressReportForm(request.POST or None) if may_report else None
    if request.method == "POST":
        if form is None:
            messages.error(request, services.PROJECT_STEPS.refusal("report", request.user, project) or "")
            return redirect("unit:livelihood_project", pk=project.pk)
        if form.is_valid():
            try:
                services.progress_report_add(project=project, by=request.user, **form.cleaned_data)
            except services.TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("进展报告已提交。"))
                return redirect("unit:livelihood_project", pk=project.pk)
    return render(
        request,
        "unit/livelihood/project_detail.html",
        {
            "project": project,
            "form": form,
            "reports": project.progress_reports.all(),
            "inspections": project.inspections.all(),
        },
    )


def unit_home_panel(request, unit):
    """On the unit's start page: chosen projects still under way, which wait for its progress reports."""
    count = permissions.projects_for(request.user).filter(status=Project.Status.ADOPTED).count()
    if not count:
        return None
    return "unit/livelihood/panel.html", {"count": count}
