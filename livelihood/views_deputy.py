"""A deputy's 民生实事 pages: the votes of the congresses they sit in (voting from a phone), the projects, and
recording an inspection they took part in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from representatives.permissions import deputy_required

from . import permissions, selectors, services
from .forms import InspectionForm, VoteForm
from .models import Ballot
from .project_page import project_step_page


@deputy_required
def home(request):
    ballots = list(
        permissions.ballots_for(request.user).select_related("congress__region").order_by("-year", "-id")[:50]
    )
    projects = list(
        permissions.projects_for(request.user)
        .filter(status__in=permissions.CHOSEN)
        .select_related("unit")
        .order_by("-year", "rank", "id")[:50]
    )
    voted = set(
        permissions.ballots_for(request.user)
        .filter(voter_rows__deputy_id=request.user.deputy_id)
        .values_list("pk", flat=True)
    )
    for ballot in ballots:
        setattr(ballot, "voted", ballot.pk in voted)  # noqa: B010 - a page's mark, not a field
    return render(request, "me/livelihood/home.html", {"ballots": ballots, "projects": projects})


@deputy_required
def ballot(request, pk):
    ballot = selectors.ballot_detail(user=request.user, pk=pk)
    may_vote = services.BALLOT_STEPS.permits("vote", request.user, ballot) and not services.has_voted(
        ballot, request.user
    )
    form = None
    if may_vote:
        form = VoteForm(
            request.POST or None, ballot=ballot, projects=services.ballot_items(ballot).select_related("unit")
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.ballot_vote(ballot=ballot, by=request.user, choices=form.choices())
                except services.TransitionError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("投票成功，感谢您的参与。"))
                return redirect("me:livelihood_ballot", pk=ballot.pk)
            messages.error(request, _("请对每个项目都作出选择后再提交。"))
    elif request.method == "POST":
        # A second ballot paper, or one sent after the close: refused with the reason, nothing counted.
        refusal = services.BALLOT_STEPS.refusal("vote", request.user, ballot)
        messages.error(request, refusal or _("您已经投过票，不能重复投票。"))
        return redirect("me:livelihood_ballot", pk=ballot.pk)
    closed = ballot.status == Ballot.Status.CLOSED
    return render(
        request,
        "me/livelihood/ballot.html",
        {
            "ballot": ballot,
            "form": form,
            "voted": services.has_voted(ballot, request.user),
            "results": selectors.ballot_results(ballot) if closed else [],
        },
        status=400 if form is not None and form.errors else 200,
    )


@deputy_required
def project(request, pk):
    return project_step_page(
        request,
        pk,
        step="inspect",
        form_class=InspectionForm,
        run=services.inspection_record,
        done=_("视察已登记。"),
        url_name="me:livelihood_project",
        template="me/livelihood/project.html",
    )


def deputy_home_panel(request, deputy):
    """On the deputy's start page: votes open now that the deputy has not yet voted in."""
    waiting = [
        ballot for ballot in selectors.open_ballots_for_deputy(request.user) if not getattr(ballot, "voted", False)
    ]
    if not waiting:
        return None
    return "me/livelihood/panel.html", {"waiting": waiting}
