"""A handling unit's 民生实事 pages: its chosen projects, and the progress reports it sends on them."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from core.pagination import paginate
from representatives.panels import CountingPanel
from representatives.permissions import unit_clerk_required

from . import permissions, services
from .forms import ProgressReportForm
from .models import Project
from .project_page import project_step_page


@unit_clerk_required
def project_list(request):
    projects = permissions.projects_for(request.user).select_related("congress__region").order_by("-year", "rank", "id")
    return render(request, "unit/livelihood/project_list.html", {"page": paginate(request, projects)})


@unit_clerk_required
def project_detail(request, pk):
    return project_step_page(
        request,
        pk,
        step="report",
        form_class=ProgressReportForm,
        run=services.progress_report_add,
        done=_("进展报告已提交。"),
        url_name="unit:livelihood_project",
        template="unit/livelihood/project_detail.html",
    )


def _home_counts(request, unit):
    return {"count": permissions.projects_for(request.user).filter(status=Project.Status.ADOPTED)}


def _home_panel(request, unit, *, counts):
    """On the unit's start page: chosen projects still under way, which wait for its progress reports."""
    if not counts["count"]:
        return None
    return "unit/livelihood/panel.html", {"count": counts["count"]}


unit_home_panel = CountingPanel(counts=_home_counts, render=_home_panel)
