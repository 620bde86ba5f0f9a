"""The motion figures of the dashboard and the year report (议案), counted apart from suggestions.

Offices report motions and suggestions side by side (“议案建议办理”), never added together. Each figure below
counts rows of the ``Motion`` table only, and each links to the staff motion list with the filters that list
exactly those rows (``staff:motions?year=Y&status=…&region=…``), so figure = rows.

- 提出议案 (submitted): motions of the year (the year they were submitted in) that left the draft, whatever was
  decided since; the list with ``year`` alone, which never shows drafts.
- 列入议程 / 不列入议程 / 转为建议: those of them now in that state.
- Registered and not yet decided motions are in "submitted" only.

A motion turned into a suggestion (转为建议): the motion is counted once among motions, in "submitted" and
"turned into suggestions". The suggestion made from it (``Motion.suggestion``) is an ordinary suggestion from
then on: it is counted once among suggestions — received in the year it was created, then registered,
replied and rated like any other (``suggestions/figures.py``) — and never as a motion. No suggestion figure
reads the motion table, so a motion that stays a motion is in no suggestion figure; and no motion figure
reads the suggestion table, so a suggestion is in no motion figure, the converted motion's own row excepted.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from representatives.models import Region

from . import permissions
from .filters import SUBMITTED_STATES
from .models import Motion

M = Motion.Status


@dataclass(frozen=True)
class MotionFigure:
    key: str
    label: str
    value: int
    url: str
    how: str


def _definitions() -> list[tuple[str, str, str | None, Q, str]]:
    # (key, label, status filter of the list, condition, how it is counted), in the order pages show them.
    return [
        (
            "submitted",
            _("提出议案"),
            None,
            Q(status__in=SUBMITTED_STATES),
            _("本年度代表依法联名提出的议案（草稿不计），含已登记待审议和已作出决定的；与代表建议分开统计。"),
        ),
        ("listed", _("列入大会议程"), M.LISTED, Q(status=M.LISTED), _("大会主席团决定列入会议议程的议案。")),
        (
            "not_listed",
            _("不列入大会议程"),
            M.NOT_LISTED,
            Q(status=M.NOT_LISTED),
            _("经审议决定不列入会议议程、并已说明理由的议案。"),
        ),
        (
            "converted",
            _("转为代表建议"),
            M.CONVERTED,
            Q(status=M.CONVERTED),
            _("决定转为代表建议办理的议案；转成的建议此后只在代表建议中统计。"),
        ),
    ]


def _url(year: int, region: Region | None, status: str | None) -> str:
    query: dict[str, object] = {"year": year}
    if status:
        query["status"] = status
    if region is not None:
        query["region"] = region.pk
    return f"{reverse('staff:motions')}?{urlencode(query)}"


def year_figures(*, user, region: Region | None, year: int) -> list[MotionFigure]:
    """The year's motion figures in the user's scope (and ``region`` and below): one query."""
    rows = permissions.motions_for(user).filter(year=year)
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    definitions = _definitions()
    counts = rows.aggregate(**{key: Count("pk", filter=condition) for key, _label, _s, condition, _how in definitions})
    return [
        MotionFigure(key, label, counts[key] or 0, _url(year, region, status), how)
        for key, label, status, _condition, how in definitions
    ]
