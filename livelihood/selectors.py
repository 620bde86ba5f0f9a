"""Reads of livelihood projects and votes, each scoped by ``permissions``; lists filtered by ``filters``."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from representatives.audit import timeline
from representatives.models import Congress
from representatives.permissions import region_scope_q, regions_for

from . import permissions
from .filters import BallotFilter, ProjectFilter, VoterFilter
from .models import Ballot, ProgressReport, Project, VoteCount, Voter

SEARCHABLE = {"region": "regions", "congress": "congresses"}


def congresses_for(user) -> QuerySet[Congress]:
    return Congress.objects.filter(region_scope_q(user)).select_related("region")


def project_list(*, user, filters=None) -> ProjectFilter:
    queryset = (
        permissions.projects_for(user)
        .select_related("congress__region", "unit")
        .annotate(report_count=Count("progress_reports", distinct=True))
        .order_by("-year", "rank", "-id")
    )
    filterset = ProjectFilter(
        filters or {}, queryset=queryset, regions=regions_for(user), congresses=congresses_for(user)
    )
    filterset.searchable = SEARCHABLE
    filterset.qs  # noqa: B018
    return filterset


def ballot_list(*, user, filters=None) -> BallotFilter:
    queryset = permissions.ballots_for(user).select_related("congress__region").order_by("-year", "-id")
    filterset = BallotFilter(filters or {}, queryset=queryset, regions=regions_for(user))
    filterset.qs  # noqa: B018
    return filterset


def voter_list(*, user, filters=None) -> VoterFilter:
    queryset = (
        permissions.voters_for(user).select_related("deputy", "ballot__congress__region").order_by("-voted_at", "-id")
    )
    filterset = VoterFilter(
        filters or {}, queryset=queryset, regions=regions_for(user), ballots=permissions.ballots_for(user)
    )
    filterset.qs  # noqa: B018
    return filterset


def _project_queryset(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("congress__region", "unit").prefetch_related(
        Prefetch("progress_reports", queryset=ProgressReport.objects.select_related("reported_by")),
        "inspections",
    )


def project_detail(*, user, pk: int) -> Project:
    return get_object_or_404(_project_queryset(permissions.projects_for(user)), pk=pk)


def public_project(pk: int) -> Project:
    return get_object_or_404(_project_queryset(permissions.public_projects()), pk=pk)


def ballot_detail(*, user, pk: int) -> Ballot:
    return get_object_or_404(permissions.ballots_for(user).select_related("congress__region"), pk=pk)


def public_ballot(pk: int) -> Ballot:
    return get_object_or_404(permissions.public_ballots().select_related("congress__region"), pk=pk)


def project_timeline(project: Project):
    return timeline(project)


def ballot_timeline(ballot: Ballot):
    return timeline(ballot)


@dataclass
class ResultRow:
    project: Project
    counts: dict[str, int]
    total: int
    # selection: the share of the base that voted for; satisfaction: (满意 + 基本满意) / votes.
    rate: float | None
    # The counts in the order of the ballot's choices, as the tables show them.
    values: list[int] = field(default_factory=list)

    def cells(self, choices) -> list[int]:
        return [self.counts.get(choice, 0) for choice, _label in choices]


def ballot_results(ballot: Ballot) -> list[ResultRow]:
    """Each project on the ballot with its counts, in the order of the result (votes for, or satisfaction)."""
    counts = VoteCount.objects.filter(ballot=ballot).select_related("project__unit").order_by("project_id")
    by_project: dict[int, ResultRow] = {}
    for row in counts:
        result = by_project.get(row.project_id)
        if result is None:
            result = by_project[row.project_id] = ResultRow(row.project, {}, 0, None)
        result.counts[row.choice] = row.count
        result.total += row.count
    rows = list(by_project.values())
    for result in rows:
        result.values = result.cells(ballot.choices)
        if ballot.kind == Ballot.Kind.SELECTION:
            base = ballot.electorate if ballot.majority == Ballot.Majority.ELECTORATE else ballot.voters
            result.rate = round(100 * result.counts.get("for", 0) / base, 1) if base else None
        else:
            content = result.counts.get("satisfied", 0) + result.counts.get("basic", 0)
            result.rate = round(100 * content / result.total, 1) if result.total else None
    rows.sort(key=lambda r: (-(r.rate or 0), r.project.pk))
    return rows


def open_ballots_for_deputy(user) -> list[Ballot]:
    """The deputy's ballots now open, each marked with whether they have voted, in one query."""
    ballots: list[Ballot] = list(
        permissions.ballots_for(user)
        .filter(status=Ballot.Status.OPEN)
        .select_related("congress__region")
        .annotate(has_voted=Exists(Voter.objects.filter(ballot=OuterRef("pk"), deputy_id=user.deputy_id)))
    )
    for ballot in ballots:
        voted = bool(getattr(ballot, "has_voted", False))
        vars(ballot).setdefault("_voted", {})[user.pk] = voted
        setattr(ballot, "voted", voted)  # noqa: B010 - a page's mark, not a field
    return ballots
