"""The 民生实事 figures of the dashboard and the year report, each with the staff list that counts it.

evaluations (the app above) shows them; this module keeps what each one counts. Every count is the row count of
the list its link opens, taken through that list's own selector with the link's filters, so figure and rows
cannot drift apart (evaluations/tests/test_figures_invariant.py walks them like the others).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from representatives.models import Region

from . import permissions
from .models import Ballot, Choice, ProgressReport, VoteCount


@dataclass
class LivelihoodFigure:
    label: str
    value: int | float | None
    url: str
    kind: str = "count"  # "count": the rows of ``url``; "rate": a percentage whose link lists its rows
    how: str = ""


def _query(year: int, region: Region | None, **params) -> str:
    query = {"year": year, **params}
    if region is not None:
        query["region"] = region.pk
    return urlencode(query)


def _rate(part: int | None, whole: int | None) -> float | None:
    return round(100 * (part or 0) / whole, 1) if whole else None


def year_figures(*, user, region: Region | None, year: int) -> list[LivelihoodFigure]:
    """Projects proposed and chosen, turnout of the selection votes, progress reported, year-end satisfaction.

    Four queries whatever the data (the dashboard's query budget is fixed); each count applies exactly the
    filters of the list its link opens (``filters.ProjectFilter``, ``filters.VoterFilter``)."""
    projects_url, voters_url = reverse("staff:livelihood_projects"), reverse("staff:livelihood_voters")
    in_region = (lambda field: Q(**{f"{field}__path__startswith": region.path})) if region else (lambda field: Q())

    projects = permissions.projects_for(user).filter(in_region("congress__region"), year=year)
    chosen_q = Q(status__in=permissions.CHOSEN)
    reported_q = chosen_q & Q(Exists(ProgressReport.objects.filter(project=OuterRef("pk"))))
    counted = projects.aggregate(
        proposed=Count("pk"), chosen=Count("pk", filter=chosen_q), reported=Count("pk", filter=reported_q)
    )
    voters = (
        permissions.voters_for(user)
        .filter(in_region("ballot__congress__region"), ballot__year=year)
        .aggregate(
            selection=Count("pk", filter=Q(ballot__kind=Ballot.Kind.SELECTION)),
            satisfaction=Count("pk", filter=Q(ballot__kind=Ballot.Kind.SATISFACTION)),
        )
    )
    ballots = permissions.ballots_for(user).filter(in_region("congress__region"), year=year)
    seats = ballots.filter(kind=Ballot.Kind.SELECTION).aggregate(electorate=Sum("electorate"))["electorate"]
    rated = ballots.filter(kind=Ballot.Kind.SATISFACTION, status=Ballot.Status.CLOSED, quorum_met=True)
    votes = VoteCount.objects.filter(ballot__in=rated).aggregate(
        content=Sum("count", filter=Q(choice__in=(Choice.SATISFIED, Choice.BASIC))), total=Sum("count")
    )
    proposed, proposed_url = counted["proposed"], f"{projects_url}?{_query(year, region)}"
    chosen, chosen_url = counted["chosen"], f"{projects_url}?{_query(year, region, stage='chosen')}"
    reported = counted["reported"]
    reported_url = f"{projects_url}?{_query(year, region, stage='chosen', reported='on')}"
    selection_voters = voters["selection"]
    selection_url = f"{voters_url}?{_query(year, region, kind=Ballot.Kind.SELECTION)}"
    rating_voters = voters["satisfaction"]
    rating_url = f"{voters_url}?{_query(year, region, kind=Ballot.Kind.SATISFACTION)}"
    return [
        LivelihoodFigure(
            _("民生实事候选项目"),
            proposed,
            proposed_url,
            how=_("本年度政府提出的民生实事候选项目，含撤回和未获通过的。"),
        ),
        LivelihoodFigure(_("票决通过的项目"), chosen, chosen_url, how=_("代表票决通过的项目，含已完成的。")),
        LivelihoodFigure(
            _("参加项目票决的代表"),
            selection_voters,
            selection_url,
            how=_("本年度项目票决中投了票的代表（按人次计，每次票决每人一次）。"),
        ),
        LivelihoodFigure(
            _("项目票决投票率"),
            _rate(selection_voters, seats),
            selection_url,
            kind="rate",
            how=_("参加项目票决的代表人次除以各次票决开始时的在任代表数之和。"),
        ),
        LivelihoodFigure(
            _("已报告进展的项目"),
            reported,
            reported_url,
            how=_("票决通过的项目中，责任单位至少报告过一次进展的。"),
        ),
        LivelihoodFigure(
            _("参加满意度测评的代表"),
            rating_voters,
            rating_url,
            how=_("本年度满意度测评中投了票的代表（按人次计）。"),
        ),
        LivelihoodFigure(
            _("民生实事满意度"),
            _rate(votes["content"], votes["total"]),
            rating_url,
            kind="rate",
            how=_("已结束且达到法定人数的满意度测评中，满意和基本满意的票数除以全部票数。"),
        ),
    ]
