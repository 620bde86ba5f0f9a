"""The public's 民生实事 pages: closed votes' results and the chosen projects' progress (no account needed)."""

from django.shortcuts import render

from . import permissions, selectors


def home(request):
    ballots = list(permissions.public_ballots().select_related("congress__region").order_by("-year", "-closed_at")[:30])
    projects = list(
        permissions.public_projects().select_related("congress__region", "unit").order_by("-year", "rank", "id")[:100]
    )
    return render(request, "public/livelihood/home.html", {"ballots": ballots, "projects": projects})


def ballot(request, pk):
    ballot = selectors.public_ballot(pk)
    return render(
        request, "public/livelihood/ballot.html", {"ballot": ballot, "results": selectors.ballot_results(ballot)}
    )


def project(request, pk):
    project = selectors.public_project(pk)
    return render(
        request,
        "public/livelihood/project.html",
        {"project": project, "reports": project.progress_reports.all(), "inspections": project.inspections.all()},
    )
