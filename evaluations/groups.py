"""Representative groups' "五个一" (Xiangtan): each group, each year, should show
  an activity each quarter · a research report · a suggestion · a problem solved · an exchange.

What the records already hold is read from them; what they cannot hold is typed into ``GroupYearNote``:
  quarter activity  — a confirmed group activity (代表小组活动) by a member dated in that quarter;
  research report   — a confirmed research activity by a member in the year, or the note's report;
  suggestion        — a registered suggestion (registered that year) led or co-signed (accepted) by a member;
  problem solved    — the note's problem, or a voter opinion a member received that was fed back to the voter
                      that year (fed back or closed);
  exchange          — the note's exchange only.
A member is a deputy whose seat names the group as its representative group and who served at some time in
the year (serving now, or left on or after 1 January), as the deputies' own scoring counts them.

The table takes two queries whatever the number of groups: the groups with every item as an EXISTS
subquery (kept a minute when slow), and the year's notes.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pagination import cached_rows
from core.text import bracketed, join_clauses, join_list
from liaison_stations.models import Opinion
from representatives.audit import record_transition
from representatives.models import ActivityKind, ActivityRecord, Group, Membership
from representatives.permissions import is_office_staff, region_scope_q, user_covers_region
from representatives.services import TransitionError
from suggestions.models import CoSigner, Suggestion

from .models import GroupYearNote
from .scoring import COUNTED_SUGGESTION_STATES
from .unit_assessment import year_range

QUARTERS = (1, 2, 3, 4)
NOTE_FIELDS = ("research_report", "problem_solved", "exchange")
QUARTER_LABELS = {
    1: gettext_lazy("第一季度活动"),
    2: gettext_lazy("第二季度活动"),
    3: gettext_lazy("第三季度活动"),
    4: gettext_lazy("第四季度活动"),
}
ITEM_LABELS = {
    "research": gettext_lazy("一份调研报告"),
    "suggestion": gettext_lazy("一件代表建议"),
    "problem": gettext_lazy("推动解决一个问题"),
    "exchange": gettext_lazy("一次交流活动"),
}


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    after = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return first, after - datetime.timedelta(days=1)


def _members(year: int):
    """The seats of the outer group's members in ``year`` (one subquery deep), by deputy."""
    return (
        Membership.objects.filter(representative_group=OuterRef("pk"))
        .filter(Q(status=Membership.Status.SERVING) | Q(status_date__gte=datetime.date(year, 1, 1)))
        .values("deputy_id")
    )


def _any_member_has(year: int, rows, deputy: str = "deputy") -> Exists:
    """Whether a member of the outer group in ``year`` has one of ``rows`` (``deputy`` leads to the deputy).

    Asked member by member, each an index lookup that stops at the first row found: written the other way
    round ("rows whose deputy is among the members"), PostgreSQL scanned all 3 million activity records and
    all million opinions once per group and item, 68 s for a province's page (bench/README.md).
    """
    return Exists(_members(year).filter(Exists(rows.filter(**{deputy: OuterRef("deputy_id")}))))


def _annotations(year: int) -> dict:
    start, end = year_range(year)
    confirmed = ActivityRecord.objects.filter(status=ActivityRecord.Status.CONFIRMED)
    annotations = {}
    for quarter in QUARTERS:
        first, last = quarter_bounds(year, quarter)
        annotations[f"q{quarter}"] = _any_member_has(
            year, confirmed.filter(kind=ActivityKind.GROUP, date__gte=first, date__lte=last)
        )
    annotations["research_activity"] = _any_member_has(
        year,
        confirmed.filter(
            kind=ActivityKind.RESEARCH, date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        ),
    )
    registered = {"registered_at__gte": start, "registered_at__lt": end}
    annotations["led_suggestion"] = _any_member_has(
        year, Suggestion.objects.filter(status__in=COUNTED_SUGGESTION_STATES, **registered)
    )
    annotations["cosigned_suggestion"] = _any_member_has(
        year,
        CoSigner.objects.filter(
            status=CoSigner.Status.ACCEPTED,
            suggestion__status__in=COUNTED_SUGGESTION_STATES,
            **{f"suggestion__{name}": value for name, value in registered.items()},
        ),
    )
    annotations["opinion_resolved"] = _any_member_has(
        year,
        Opinion.objects.filter(status__in=Opinion.RESOLVED_STATES, fed_back_at__gte=start, fed_back_at__lt=end),
    )
    counted = (
        _members(year)
        .order_by()
        .values("representative_group")
        .annotate(n=Count("deputy_id", distinct=True))
        .values("n")
    )
    annotations["member_count"] = Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    return annotations


@dataclass
class GroupChecklist:
    group: Group
    year: int
    member_count: int
    quarters: dict[int, bool]
    research_activity: bool
    led_suggestion: bool
    cosigned_suggestion: bool
    opinion_resolved: bool
    note: GroupYearNote | None

    def _noted(self, name: str) -> bool:
        return self.note is not None and bool(getattr(self.note, name).strip())

    @property
    def research(self) -> bool:
        return self.research_activity or self._noted("research_report")

    @property
    def suggestion(self) -> bool:
        return self.led_suggestion or self.cosigned_suggestion

    @property
    def problem(self) -> bool:
        return self.opinion_resolved or self._noted("problem_solved")

    @property
    def exchange(self) -> bool:
        return self._noted("exchange")

    @property
    def quarter_list(self) -> list[tuple[int, bool]]:
        return list(self.quarters.items())

    @property
    def missing(self) -> list[str]:
        """What the group still lacks for the year, in the checklist's order."""
        gaps = [str(QUARTER_LABELS[q]) for q, done in self.quarters.items() if not done]
        gaps += [str(label) for key, label in ITEM_LABELS.items() if not getattr(self, key)]
        return gaps

    @property
    def complete(self) -> bool:
        return not self.missing

    # Where each item came from, for the page and the spreadsheet.
    @property
    def research_source(self) -> str:
        sources = []
        if self.research_activity:
            sources.append(_("调研活动"))
        if self._noted("research_report"):
            sources.append(_("年度记录"))
        return join_list(sources)

    @property
    def suggestion_source(self) -> str:
        sources = []
        if self.led_suggestion:
            sources.append(_("领衔"))
        if self.cosigned_suggestion:
            sources.append(_("联名"))
        return join_list(sources)

    @property
    def problem_source(self) -> str:
        sources = []
        if self.opinion_resolved:
            sources.append(_("选民意见已反馈"))
        if self._noted("problem_solved"):
            sources.append(_("年度记录"))
        return join_list(sources)


def groups_for(user):
    """Representative groups in the user's region and below."""
    return Group.objects.filter(region_scope_q(user), kind=Group.Kind.REPRESENTATIVE)


def checklists(*, user, year: int, region=None) -> list[GroupChecklist]:
    groups = groups_for(user).select_related("region").order_by("region__path", "name")
    if region is not None:
        groups = groups.filter(region__path__startswith=region.path)
    # Every item of every group asked at once: 0.15–0.2 s for a province's groups, so kept a minute when slow, as
    # the lists' counts are (core/pagination.py); the notes below are read each visit, so a saved note shows at once.
    groups = cached_rows(groups.annotate(**_annotations(year)))
    notes = {note.group_id: note for note in GroupYearNote.objects.filter(group__in=[g.pk for g in groups], year=year)}
    return [
        GroupChecklist(
            group=group,
            year=year,
            member_count=group.member_count,
            quarters={q: getattr(group, f"q{q}") for q in QUARTERS},
            research_activity=group.research_activity,
            led_suggestion=group.led_suggestion,
            cosigned_suggestion=group.cosigned_suggestion,
            opinion_resolved=group.opinion_resolved,
            note=notes.get(group.pk),
        )
        for group in groups
    ]


# The note ---------------------------------------------------------------------------------------------------------


def can_edit_note(user, group: Group) -> bool:
    return is_office_staff(user) and user_covers_region(user, group.region)


@transaction.atomic
def group_note_save(*, group: Group, year: int, by, **texts) -> GroupYearNote:
    """Fill in what the records cannot show; the timeline keeps each change with the text it replaced."""
    if not can_edit_note(by, group):
        raise TransitionError(_("您无权填写该代表小组的年度记录。"))
    if group.kind != Group.Kind.REPRESENTATIVE:
        raise TransitionError(_("只有代表小组有“五个一”年度记录。"))
    unknown = set(texts) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown note fields: {sorted(unknown)}")
    note = GroupYearNote.objects.select_for_update().filter(group=group, year=year).first()
    created = note is None
    if created:
        note = GroupYearNote(group=group, year=year)
    changes = []
    for name in NOTE_FIELDS:
        if name not in texts:
            continue
        value = (texts[name] or "").strip()
        before = getattr(note, name)
        if value != before:
            label = GroupYearNote._meta.get_field(name).verbose_name
            changes.append(
                _("%(field)s（原为：%(before)s）") % {"field": label, "before": before} if before else str(label)
            )
            setattr(note, name, value)
    if not changes:
        # Nothing typed and nothing changed: no empty note and no empty step in the timeline.
        return note
    note.full_clean()
    note.save()
    record_transition(
        obj=note,
        from_state="" if created else "recorded",
        to_state="recorded",
        by=by,
        note=join_clauses(changes),
    )
    return note


# The spreadsheet ------------------------------------------------------------------------------------------------


def export_rows(rows: list[GroupChecklist]) -> tuple[list[str], list[list]]:
    yes, no = _("有"), _("无")
    headers = [
        _("代表小组"),
        _("所属区域"),
        _("成员数"),
        *(str(QUARTER_LABELS[q]) for q in QUARTERS),
        str(ITEM_LABELS["research"]),
        str(ITEM_LABELS["suggestion"]),
        str(ITEM_LABELS["problem"]),
        str(ITEM_LABELS["exchange"]),
        _("尚缺"),
        _("推动解决的问题"),
        _("交流活动"),
        _("调研报告"),
    ]

    def mark(done: bool, source: str = "") -> str:
        return yes + bracketed(source) if done and source else (yes if done else no)

    data = []
    for row in rows:
        note = row.note
        data.append(
            [
                row.group.name,
                row.group.region.name,
                row.member_count,
                *(mark(done) for done in row.quarters.values()),
                mark(row.research, row.research_source),
                mark(row.suggestion, row.suggestion_source),
                mark(row.problem, row.problem_source),
                mark(row.exchange),
                "、".join(row.missing) or _("齐全"),
                note.problem_solved if note else "",
                note.exchange if note else "",
                note.research_report if note else "",
            ]
        )
    return headers, data
