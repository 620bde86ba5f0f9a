"""The training figures of the dashboard and the year report, each with the staff list that counts it.

evaluations (the app above) shows them; this module keeps what each one counts, with exactly the filters of the
list its link opens (``filters.SessionFilter``, ``AttendanceFilter``, ``InductionFilter``, ``AttemptFilter``), so
figure and rows cannot drift apart (evaluations/tests/test_figures_invariant.py walks them like the others).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from representatives.models import Region

from . import permissions, selectors
from .models import QuizAttempt


@dataclass
class TrainingFigure:
    label: str
    value: int | float | None
    url: str
    kind: str = "count"  # "count": the rows of ``url``; "rate": a percentage or an average whose link lists its rows
    how: str = ""


def _url(name: str, region: Region | None, **params) -> str:
    query = {**params, **({"region": region.pk} if region is not None else {})}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def year_figures(*, user, region: Region | None, year: int) -> list[TrainingFigure]:
    """Sessions held, attendances, induction coverage (of the current term, whatever the year) and the quiz
    average; four queries."""
    in_region = (lambda field: Q(**{f"{field}__path__startswith": region.path})) if region else (lambda field: Q())
    sessions = permissions.sessions_for(user).filter(in_region("course__congress__region"), date__year=year).count()
    attended = (
        permissions.attendances_for(user)
        .filter(in_region("session__course__congress__region"), session__date__year=year, attended=True)
        .count()
    )
    coverage = selectors.induction_coverage(user=user, region=region)
    quiz = (
        permissions.attempts_for(user)
        .filter(in_region("deputy__region"), started_at__year=year, status=QuizAttempt.Status.SUBMITTED)
        .aggregate(n=Count("pk"), average=Avg("score"))
    )
    submitted_url = _url("staff:training_attempts", region, year=year, status=QuizAttempt.Status.SUBMITTED)
    return [
        TrainingFigure(
            _("培训场次"),
            sessions,
            _url("staff:training_sessions", region, year=year),
            how=_("本年度举办的代表培训场次。"),
        ),
        TrainingFigure(
            _("参训人次"),
            attended,
            _url("staff:training_attendances", region, year=year, attended="true"),
            how=_("本年度各场培训登记出席的代表人次。"),
        ),
        TrainingFigure(
            _("尚未参加初任培训的代表"),
            coverage.missing,
            _url("staff:training_induction", region),
            how=_("本届在任代表中，尚未参加该届人大初任培训的（按当前届次计，与所选年度无关）。"),
        ),
        TrainingFigure(
            _("初任培训覆盖率"),
            coverage.percent,
            _url("staff:training_induction", region),
            kind="rate",
            how=_("本届在任代表中已参加初任培训的比例。"),
        ),
        TrainingFigure(_("测试交卷人次"), quiz["n"], submitted_url, how=_("本年度开始并按时交卷的测试答卷。")),
        TrainingFigure(
            _("测试平均得分率"),
            round(float(quiz["average"]), 1) if quiz["average"] is not None else None,
            submitted_url,
            kind="rate",
            how=_("本年度按时交卷的测试答卷中，答对题数占抽题数比例的平均值。"),
        ),
    ]
