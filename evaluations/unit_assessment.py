"""Handling units' annual assessment (承办单位办理工作考评): per unit and year, from the suggestion parts assigned
to it that year (by ``assigned_at``, local time).

Lead and split parts answer the deputy (reply class, promises); a co-unit's part answers the lead unit, so it
counts for timeliness and for the deputy's rating of its opinion. Each part is rated on its own. A part
transferred away at the unit's own request counts for no unit.

Every part assigned in the year ends up in exactly one of four columns:
  on time (replied on or before its deadline) · late (replied after it) · overdue (still active, deadline passed)
  · open (still active within its deadline, or waiting for the office to decide a transfer request).

Rates, as fractions of one:
  on time      = on time ÷ (on time + late + overdue) — a part still overdue has failed its deadline already,
                 a part not yet due says nothing yet;
  satisfaction = (satisfied + basically satisfied) ÷ rated, each part taking the deputy's rating of that unit's
                 own part (``suggestions.models.UnitRating``), not the suggestion's overall rating;
  promise      = kept ÷ (kept + past their promised date and not kept) — a B promise not yet due has not failed.

Score = on-time rate × its weight + satisfaction rate × its weight + promise rate × its weight
        − re-handled parts × penalty − overdue parts × penalty,
with the weights and penalties of the region's ``UnitRuleSet`` for the year (the model's defaults if the
office has none). A rate that cannot be measured (nothing due, nothing rated, no promise due) neither earns
full marks nor zero: the measured rates are scaled up to the full weight, i.e. the missing part is scored at
the unit's average on the others. Otherwise a unit that answers C (留作参考) instead of promising B would win
the promise points for free, and a unit whose promises are not due yet would lose them unfairly. A unit with
no measurable rate at all is listed without a score and ranked last.

Voters' opinions (选民意见) handed to the unit (交办) in the year, by ``assigned_at`` local time, are shown beside
the suggestions (``liaison_stations.selectors.unit_opinion_counts``): assigned, replied, replied on time (on or
before the deadline day, ``liaison_stations.filters.OPINION_REPLIED_ON_TIME``), overdue and still open, and the
voters' ratings. They count in the same score, item for item with the suggestion parts: an opinion replied on
time, late or overdue joins the on-time rate's numerator and denominator, a voter's rating joins the
satisfaction rate, and an overdue opinion takes the overdue penalty. Neither kind has a weight of its own, so
the office's rules for the year keep their meaning (a unit handling many opinions is judged mostly on them).

The whole table takes four queries whatever the number of units: the units, the rule set, one sum of the
summary rows (``representatives.tallies``), one count of the opinions.
"""

import datetime
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from core.pagination import COUNT_CACHE_SECONDS
from liaison_stations.selectors import unit_opinion_counts
from representatives import permissions, tallies
from representatives.models import HandlingUnit
from representatives.permissions import handling_units_for, region_scope_q

from .models import UnitRuleSet

COUNTS = (
    "assigned",
    "replied",
    "on_time",
    "overdue",
    "open",
    "class_a",
    "class_b",
    "class_c",
    "rated",
    "satisfied",
    "promises",
    "promises_kept",
    "promises_due_unkept",
    "rehandled",
)
# Worked out from other counters rather than kept.
DERIVED = ("open",)
# Voters' opinions assigned to the unit: ``op_<name>`` for each name of ``unit_opinion_counts``.
OPINION_COUNTS = ("assigned", "replied", "on_time", "overdue", "rated", "satisfied", "basic", "unsatisfied")
ONE_DECIMAL = Decimal("0.1")


def year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year's first instant and the next year's, in local time: a part assigned on 31 December at 23:30
    belongs to that year even though it is already the next year in UTC."""
    local = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=local), datetime.datetime(year + 1, 1, 1, tzinfo=local)


def _fraction(numerator: int, denominator: int) -> Decimal | None:
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def _percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * 100).quantize(ONE_DECIMAL, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class RegionName:
    pk: int
    name: str


@dataclass(frozen=True, slots=True)
class UnitName:
    """What the table, the spreadsheet and the awards' candidates read of a unit. Not the model: a province's
    1,000 units read, kept and loaded again as models cost more than the rest of the table (bench/README.md)."""

    pk: int
    name: str
    region: RegionName


@dataclass
class UnitRow:
    """One unit's figures for the year; ``unit`` is None on the total row."""

    unit: HandlingUnit | UnitName | None
    assigned: int = 0
    replied: int = 0
    on_time: int = 0
    overdue: int = 0
    open: int = 0
    class_a: int = 0
    class_b: int = 0
    class_c: int = 0
    rated: int = 0
    satisfied: int = 0
    promises: int = 0
    promises_kept: int = 0
    promises_due_unkept: int = 0
    rehandled: int = 0
    reply_time: datetime.timedelta = datetime.timedelta(0)
    op_assigned: int = 0
    op_replied: int = 0
    op_on_time: int = 0
    op_overdue: int = 0
    op_rated: int = 0
    op_satisfied: int = 0
    op_basic: int = 0
    op_unsatisfied: int = 0
    score: Decimal | None = None
    rank: int | None = None
    year: int = 0

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else ""

    @property
    def region_name(self) -> str:
        return self.unit.region.name if self.unit is not None else ""

    @cached_property
    def links(self) -> dict:
        """Each figure's list. Built when read: a page shows 25 of a province's 1,000 units, and building the
        twelve addresses of every unit took a third of the page's time (bench/README.md)."""
        return _links(self, self.year)

    @property
    def late(self) -> int:
        return self.replied - self.on_time

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def replies(self) -> int:
        return self.class_a + self.class_b + self.class_c

    @property
    def on_time_rate(self) -> Decimal | None:
        return _fraction(self.on_time, self.due)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _fraction(self.satisfied, self.rated)

    @property
    def promise_rate(self) -> Decimal | None:
        return _fraction(self.promises_kept, self.promises_kept + self.promises_due_unkept)

    @property
    def op_late(self) -> int:
        return self.op_replied - self.op_on_time

    @property
    def op_due(self) -> int:
        return self.op_replied + self.op_overdue

    @property
    def op_on_time_rate(self) -> Decimal | None:
        return _fraction(self.op_on_time, self.op_due)

    @property
    def op_satisfaction_rate(self) -> Decimal | None:
        return _fraction(self.op_satisfied + self.op_basic, self.op_rated)

    # The rates the score takes: suggestion parts and opinions together, item for item.
    @property
    def scored_on_time_rate(self) -> Decimal | None:
        return _fraction(self.on_time + self.op_on_time, self.due + self.op_due)

    @property
    def scored_satisfaction_rate(self) -> Decimal | None:
        return _fraction(self.satisfied + self.op_satisfied + self.op_basic, self.rated + self.op_rated)

    @property
    def average_days(self) -> Decimal | None:
        if not self.replied:
            return None
        days = Decimal(self.reply_time.total_seconds()) / Decimal(86400) / self.replied
        return days.quantize(ONE_DECIMAL, ROUND_HALF_UP)

    # Percentages as the page and the spreadsheet show them.
    def share(self, count: int) -> Decimal | None:
        return _percent(_fraction(count, self.replies))

    @property
    def class_a_percent(self):
        return self.share(self.class_a)

    @property
    def class_b_percent(self):
        return self.share(self.class_b)

    @property
    def class_c_percent(self):
        return self.share(self.class_c)

    @property
    def on_time_percent(self):
        return _percent(self.on_time_rate)

    @property
    def satisfaction_percent(self):
        return _percent(self.satisfaction_rate)

    @property
    def promise_percent(self):
        return _percent(self.promise_rate)

    @property
    def op_on_time_percent(self):
        return _percent(self.op_on_time_rate)

    @property
    def op_satisfaction_percent(self):
        return _percent(self.op_satisfaction_rate)


def rule_set_for(region, year: int) -> UnitRuleSet:
    """The office's own rules for the year, or an unsaved rule set carrying the model's defaults."""
    found = UnitRuleSet.objects.filter(region=region, year=year).first() if region is not None else None
    return found or UnitRuleSet(region=region, year=year)


def score(row: UnitRow, rules: UnitRuleSet) -> Decimal | None:
    """The formula of the module docstring, rounded to one decimal; None when nothing can be measured."""
    parts = [
        (rules.on_time_weight, row.scored_on_time_rate),
        (rules.satisfaction_weight, row.scored_satisfaction_rate),
        (rules.promise_weight, row.promise_rate),
    ]
    measured = [(weight, rate) for weight, rate in parts if rate is not None]
    if not measured:
        return None
    full_weight = sum(weight for weight, _rate in parts)
    measured_weight = sum(weight for weight, _rate in measured)
    earned = sum(weight * rate for weight, rate in measured)
    base = earned * full_weight / measured_weight if measured_weight else Decimal(0)
    overdue = row.overdue + row.op_overdue
    total = base - row.rehandled * rules.rehandle_penalty - overdue * rules.overdue_penalty
    return Decimal(total).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def suggestions_url(year: int, unit: HandlingUnit | UnitName | None = None, *, path: str | None = None, **extra) -> str:
    """The office's suggestion list narrowed as far as its filters go (unit, year, overdue, status).

    ``path``: the list's address, when the caller has reversed it already (once for a province's 1,000 units,
    not three times per unit).
    """
    params = {"year": year}
    if unit is not None:
        params["unit"] = unit.pk
    params.update(extra)
    return f"{path or reverse('staff:suggestions')}?{urlencode(params)}"


def opinions_url(year: int, unit: HandlingUnit | UnitName | None = None, *, path: str | None = None, **extra) -> str:
    """The office's opinion list showing exactly the rows of one opinion figure: assigned in ``year`` (local
    time), to ``unit`` (all the user's units on the total row), narrowed by ``extra``."""
    params = {"assigned_year": year}
    if unit is not None:
        params["unit"] = unit.pk
    params.update(extra)
    return f"{path or reverse('staff:opinions')}?{urlencode(params)}"


# Each opinion figure and the opinion list's filter that shows its rows (``outcome=counted`` leaves out the
# merged duplicates, as the counts do).
OPINION_LINKS = {
    "op_assigned": {"outcome": "counted"},
    "op_replied": {"outcome": "answered"},
    "op_on_time": {"replied_on_time": "true"},
    "op_late": {"replied_on_time": "false"},
    "op_overdue": {"overdue": "true"},
    "op_rated": {"outcome": "rated"},
    "op_satisfied": {"outcome": "counted", "rating": "satisfied"},
    "op_basic": {"outcome": "counted", "rating": "basic"},
    "op_unsatisfied": {"outcome": "counted", "rating": "unsatisfied"},
}


def _links(row: UnitRow, year: int) -> dict:
    path, opinion_path = reverse("staff:suggestions"), reverse("staff:opinions")
    links = {
        "general": suggestions_url(year, row.unit, path=path),
        "overdue": suggestions_url(year, row.unit, path=path, overdue="true"),
        "open": suggestions_url(year, row.unit, path=path, status="assigned"),
    }
    for name, extra in OPINION_LINKS.items():
        links[name] = opinions_url(year, row.unit, path=opinion_path, **extra)
    return links


def _rank(rows: list[UnitRow]) -> list[UnitRow]:
    """Highest score first, ties sharing a rank (1, 2, 2, 4); units without a score last, unranked."""
    scored = sorted(
        (r for r in rows if r.score is not None),
        key=lambda r: (-(r.score or 0), -r.assigned - r.op_assigned, r.unit_name),
    )
    previous, rank = None, 0
    for position, row in enumerate(scored, start=1):
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
    unscored = sorted((r for r in rows if r.score is None), key=lambda r: (-r.assigned - r.op_assigned, r.unit_name))
    return scored + unscored


# A unit's row as kept between visits: its unit, rank, score, reply time and counts, in plain values. Loading a
# province's 1,000 rows as objects again took longer than the page's other work; a page builds only its own rows.
KEPT = (*COUNTS, *(f"op_{name}" for name in OPINION_COUNTS))
Entry = tuple


def _entry(row: UnitRow) -> Entry:
    unit = row.unit
    if unit is None:
        raise ValueError("the total row is computed, not kept")
    reply_us = row.reply_time // datetime.timedelta(microseconds=1)
    values = tuple(getattr(row, name) for name in KEPT)
    return (unit.pk, unit.name, unit.region.pk, unit.region.name, row.rank, row.score, reply_us, *values)


def _row(entry: Entry, year: int) -> UnitRow:
    pk, name, region, region_name, rank, score_, reply_us, *values = entry
    row = UnitRow(unit=UnitName(pk, name, RegionName(region, region_name)), rank=rank, score=score_, year=year)
    row.reply_time = datetime.timedelta(microseconds=reply_us)
    for field_name, value in zip(KEPT, values, strict=True):
        setattr(row, field_name, value)
    return row


@dataclass
class Assessment:
    """``entries``: every unit's row, ranked, kept plain (``Entry``); ``rows`` builds them all, ``rows_of`` some."""

    year: int
    rules: UnitRuleSet
    entries: list[Entry]
    total: UnitRow

    @property
    def rules_are_defaults(self) -> bool:
        return self.rules.pk is None

    @cached_property
    def rows(self) -> list[UnitRow]:
        return self.rows_of(self.entries)

    def rows_of(self, entries: Iterable[Entry]) -> list[UnitRow]:
        return [_row(entry, self.year) for entry in entries]

    def named(self, text: str) -> list[Entry]:
        """The entries whose unit's name contains ``text`` (any case), in rank order."""
        text = text.casefold()
        return [entry for entry in self.entries if text in entry[1].casefold()]


def _part_counts(*, user, year: int, today: datetime.date) -> dict[int, dict[str, int]]:
    """Per unit id, its ``unit_parts`` counters (name → value) in the user's scope, kept until the tallies change:
    adding up a province's year is 14,000 summary rows, a fifth of a second each visit (bench/README.md)."""

    def compute() -> dict[int, dict[str, int]]:
        found = tallies.sums({"unit_parts": Q(year=year)}, where=region_scope_q(user), today=today)
        counts: dict[int, dict[str, int]] = {}
        for key in found.keys("unit_parts"):
            name, _bar, unit = key.partition("|")
            counts.setdefault(int(unit), {})[name] = found.total("unit_parts", key)
        return counts

    key = f"unit_parts:{permissions.scope_key(user)}:{year}:{today.isoformat()}"
    return tallies.cached(key, compute)


def assess(*, user, year: int, today: datetime.date | None = None) -> Assessment:
    """The ranked table of the units ``user`` may see, counting only suggestions in the user's region.

    The counts are sums of the ``unit_parts`` tallies (suggestions/figures.py counts them, as the module
    docstring defines them), kept current as parts change: a province's year is never counted in the visit.
    """
    today = today or timezone.localdate()
    rules = rule_set_for(user.region if user.region_id else None, year)
    version = tallies.current()
    weights = [rules.pk, rules.on_time_weight, rules.satisfaction_weight, rules.promise_weight]
    weights += [rules.rehandle_penalty, rules.overdue_penalty]
    scope = f"{version}:{permissions.scope_key(user)}:{year}:{today.isoformat()}:{weights}"
    key = "unit-assessment:entries:" + hashlib.sha256(scope.encode()).hexdigest()
    found = cache.get(key) if version is not None else None
    if found is None:
        started = time.monotonic()
        found = _assess(user=user, year=year, today=today, rules=rules)
        # Kept as a slow count is (core/pagination.py): building and ranking a province's 1,000 rows costs 0.1 s
        # of CPU a visit; a change of the suggestions' tallies or of the rules starts a new key.
        if version is not None and time.monotonic() - started > settings.PAGE_COUNT_CACHE_AFTER_SECONDS:
            cache.set(key, found, COUNT_CACHE_SECONDS)
    entries, total = found
    return Assessment(year=year, rules=rules, entries=entries, total=total)


def _assess(*, user, year: int, today: datetime.date, rules: UnitRuleSet) -> tuple[list[Entry], UnitRow]:
    units = [
        UnitName(pk, name, RegionName(region, region_name))
        for pk, name, region, region_name in handling_units_for(user)
        .order_by("region__path", "name")
        .values_list("pk", "name", "region", "region__name")
    ]
    found = _part_counts(user=user, year=year, today=today)
    opinions = unit_opinion_counts(user=user, year=year, today=today)
    rows, total = [], UnitRow(unit=None, year=year)
    for unit in units:
        counts = found.get(unit.pk, {})
        row = UnitRow(unit=unit, year=year)
        for name in COUNTS:
            if name not in DERIVED:
                setattr(row, name, counts.get(name, 0))
        # Still active within the deadline, or waiting for the office to decide a transfer request.
        row.open = counts.get("active", 0) - row.overdue + counts.get("reassign_requested", 0)
        row.reply_time = datetime.timedelta(microseconds=counts.get("reply_us", 0))
        for name, value in opinions.get(unit.pk, {}).items():
            setattr(row, f"op_{name}", value)
        row.score = score(row, rules) if row.assigned or row.op_assigned else None
        rows.append(row)
        for name in (*COUNTS, "reply_time"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    # The total row's opinions are all those of the user's scope assigned in the year, whichever unit has them
    # (one since made inactive is no longer listed), so that each equals the rows of its list.
    for counts in opinions.values():
        for name, value in counts.items():
            setattr(total, f"op_{name}", getattr(total, f"op_{name}") + value)
    return [_entry(row) for row in _rank(rows)], total


# The spreadsheet ------------------------------------------------------------------------------------------------


def export_columns() -> list[tuple[str, str]]:
    """(attribute, header) in the order the page shows them; headers follow the active language."""
    return [
        ("assigned", _("交办件数")),
        ("on_time", _("按期答复")),
        ("late", _("逾期答复")),
        ("overdue", _("逾期未答复")),
        ("open", _("办理中")),
        ("class_a", _("A类")),
        ("class_a_percent", _("A类占比（%）")),
        ("class_b", _("B类")),
        ("class_b_percent", _("B类占比（%）")),
        ("class_c", _("C类")),
        ("class_c_percent", _("C类占比（%）")),
        ("on_time_percent", _("按期答复率（%）")),
        ("rated", _("已评价")),
        ("satisfied", _("满意和基本满意")),
        ("satisfaction_percent", _("满意率（%）")),
        ("promises", _("B类承诺")),
        ("promises_kept", _("承诺已兑现")),
        ("promises_due_unkept", _("到期未兑现")),
        ("promise_percent", _("承诺兑现率（%）")),
        ("rehandled", _("重新办理")),
        ("average_days", _("平均答复天数")),
        ("op_assigned", _("交办选民意见")),
        ("op_replied", _("意见已答复")),
        ("op_on_time", _("意见按期答复")),
        ("op_late", _("意见逾期答复")),
        ("op_overdue", _("意见逾期未答复")),
        ("op_on_time_percent", _("意见按期答复率（%）")),
        ("op_rated", _("选民已评价")),
        ("op_satisfied", _("选民满意")),
        ("op_basic", _("选民基本满意")),
        ("op_unsatisfied", _("选民不满意")),
        ("op_satisfaction_percent", _("选民满意率（%）")),
        ("score", _("得分")),
    ]


def export_rows(assessment: Assessment) -> tuple[list[str], list[list]]:
    columns = export_columns()
    headers = [_("排名"), _("承办单位"), _("所属区域"), *(header for _name, header in columns)]

    def cells(row):
        values = [getattr(row, name) for name, _header in columns]
        # Decimals become plain numbers so that the spreadsheet can sum and sort them.
        return [float(v) if isinstance(v, Decimal) else v for v in values]

    rows = [[row.rank, row.unit_name, row.region_name, *cells(row)] for row in assessment.rows]
    rows.append(["", _("合计"), "", *cells(assessment.total)])
    return headers, rows
