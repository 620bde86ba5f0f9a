"""The project page a deputy (视察) and a unit's clerk (进展报告) each post one step from: one way for both."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import selectors, services


def project_step_page(
    request: HttpRequest,
    pk: int,
    *,
    step: str,
    form_class: type,
    run: Callable[..., Any],
    done: str,
    url_name: str,
    template: str,
) -> HttpResponse:
    """Show the project with the step's form when the state table offers the step; on POST, take it."""
    project = selectors.project_detail(user=request.user, pk=pk)
    may = services.PROJECT_STEPS.permits(step, request.user, project)
    form = form_class(request.POST or None) if may else None
    if request.method == "POST":
        if form is None:
            messages.error(request, services.PROJECT_STEPS.refusal(step, request.user, project) or "")
            return redirect(url_name, pk=project.pk)
        if form.is_valid():
            try:
                run(project=project, by=request.user, **form.cleaned_data)
            except services.TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, done)
                return redirect(url_name, pk=project.pk)
    return render(
        request,
        template,
        {
            "project": project,
            "form": form,
            "reports": project.progress_reports.all(),
            "inspections": project.inspections.all(),
        },
    )
