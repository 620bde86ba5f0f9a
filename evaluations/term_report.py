"""Reads for the term report (任期履职报告): a deputy's whole term, year by year, for renomination.

Every year of the term stands side by side with the same rows as the annual file (一人一档), counted by the
same rules: confirmed activities by kind, duty days served, session attendance, suggestions led and co-signed
and the deputy's final rating of each, motions, voters' opinions received, reports to voters with the voters'
own ratings, and the year's score, grade and warning. A fixed number of queries whatever the term's length.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison_stations.models import DutyDay, DutyShift, Opinion
from motions.models import Motion
from representatives import services_ratings
from representatives.models import ActivityKind, ActivityRecord, Congress, Deputy, Membership
from suggestions.models import CoSigner, Evaluation, Suggestion
from training.models import Attendance as TrainingAttendance

from .models import Attendance, Score
from .scoring import COUNTED_SUGGESTION_STATES

# The deputy's final rating of a suggestion: the last round's.
RATINGS = [(value, label) for value, label in Evaluation.Value.choices]


@dataclass
class TermRow:
    """One line of the report: a label and a figure per year of the term, and the term's total."""

    key: str
    label: str
    by_year: Mapping[int, object]
    # Rows whose total would mislead (a score, a grade) show none.
    summable: bool = True
    section: str = ""
    # The figures in the order of the report's years (filled by ``term_report``), for the page and the sheet.
    values: list[object] = field(default_factory=list)

    def cells(self, years: list[int]) -> list[object]:
        return [self.by_year.get(year, 0 if self.summable else "") for year in years]

    @property
    def total(self) -> object:
        if not self.summable:
            return ""
        return sum(value for value in self.by_year.values() if isinstance(value, int))


@dataclass
class TermReport:
    deputy: Deputy
    seat: Membership
    years: list[int]
    rows: list[TermRow] = field(default_factory=list)

    @property
    def congress(self) -> Congress:
        return self.seat.congress

    @property
    def first_day(self) -> date:
        return self.congress.start_date

    @property
    def last_day(self) -> date:
        """The term's last day, or today while it runs; a seat that ended early ends the report there too."""
        end = min(self.congress.end_date, timezone.localdate())
        if self.seat.status != Membership.Status.SERVING and self.seat.status_date:
            end = min(end, self.seat.status_date)
        return end

    def sections(self) -> list[tuple[str, list[TermRow]]]:
        grouped: dict[str, list[TermRow]] = defaultdict(list)
        for row in self.rows:
            grouped[row.section].append(row)
        return list(grouped.items())


def term_seats(deputy: Deputy) -> list[Membership]:
    """The deputy's seats, the newest term first (from the memberships the deputy page already loaded)."""
    return sorted(deputy.memberships.all(), key=lambda seat: seat.congress.start_date, reverse=True)


def seat_of(deputy: Deputy, congress_id: int | None) -> Membership | None:
    """The seat whose term is asked for, by default the newest; None for a deputy with no seat on record."""
    for seat in term_seats(deputy):
        if congress_id is None or seat.congress_id == congress_id:
            return seat
    if congress_id is not None:
        raise Http404
    return None


def _per_year(rows, value: str = "n") -> dict[int, int]:
    return {row["y"]: row[value] for row in rows if row["y"] is not None}


def term_report(deputy: Deputy, seat: Membership) -> TermReport:
    """The report for ``seat``'s term: ten queries whatever the number of years and records."""
    report = TermReport(deputy=deputy, seat=seat, years=[])
    first, last = report.first_day, report.last_day
    report.years = list(range(first.year, max(first.year, last.year) + 1))

    activities = list(
        ActivityRecord.objects.filter(
            deputy=deputy, status=ActivityRecord.Status.CONFIRMED, date__gte=first, date__lte=last
        )
        .annotate(y=ExtractYear("date"))
        .values("y", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_kind: dict[str, dict[int, int]] = defaultdict(dict)
    for row in activities:
        by_kind[row["kind"]][row["y"]] = row["n"]
    activity_total: dict[int, int] = defaultdict(int)
    for counts in by_kind.values():
        for year, n in counts.items():
            activity_total[year] += n

    duty_days = _per_year(
        DutyShift.objects.filter(
            deputy=deputy,
            attended=True,
            duty_day__status=DutyDay.Status.HELD,
            duty_day__date__gte=first,
            duty_day__date__lte=last,
        )
        .annotate(y=ExtractYear("duty_day__date"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    )
    attendance = list(
        Attendance.objects.filter(deputy=deputy, session__start_date__gte=first, session__start_date__lte=last)
        .annotate(y=ExtractYear("session__start_date"))
        .values("y")
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
            leave=Count("pk", filter=Q(status=Attendance.Status.LEAVE)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        )
        .order_by()
    )

    # Suggestions belong to the year they were registered in (as scoring counts them), else the year given.
    last_rating = Subquery(Evaluation.objects.filter(suggestion=OuterRef("pk")).order_by("-round").values("value")[:1])
    led = list(
        Suggestion.objects.filter(deputy=deputy, created_at__date__lte=last)
        .exclude(status=Suggestion.Status.DRAFT)
        .annotate(y=Coalesce(ExtractYear("registered_at"), "year", output_field=IntegerField()), rating=last_rating)
        .filter(y__gte=first.year, y__lte=last.year)
        .values("y", "rating")
        .annotate(n=Count("pk"), counted=Count("pk", filter=Q(status__in=COUNTED_SUGGESTION_STATES)))
        .order_by()
    )
    led_total: dict[int, int] = defaultdict(int)
    led_counted: dict[int, int] = defaultdict(int)
    rated: dict[str, dict[int, int]] = defaultdict(dict)
    for row in led:
        led_total[row["y"]] += row["n"]
        led_counted[row["y"]] += row["counted"]
        if row["rating"]:
            rated[row["rating"]][row["y"]] = rated[row["rating"]].get(row["y"], 0) + row["n"]
    cosigned = _per_year(
        CoSigner.objects.filter(deputy=deputy, status=CoSigner.Status.ACCEPTED)
        .exclude(suggestion__status=Suggestion.Status.DRAFT)
        .annotate(y=Coalesce(ExtractYear("suggestion__registered_at"), "suggestion__year", output_field=IntegerField()))
        .filter(y__gte=first.year, y__lte=last.year)
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    )
    trainings = _per_year(
        TrainingAttendance.objects.filter(
            deputy=deputy, attended=True, session__date__gte=first, session__date__lte=last
        )
        .annotate(y=ExtractYear("session__date"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    )
    motions = _per_year(
        Motion.objects.filter(deputy=deputy, year__gte=first.year, year__lte=last.year)
        .exclude(status=Motion.Status.DRAFT)
        .annotate(y=F("year"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    )
    opinions = list(
        Opinion.objects.filter(Q(deputy=deputy) | Q(addressed_to=deputy))
        .filter(received_at__date__gte=first, received_at__date__lte=last)
        .annotate(y=ExtractYear("received_at"))
        .values("y")
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(closed_at__isnull=False)))
        .order_by()
    )
    report_ids = list(
        ActivityRecord.objects.filter(
            deputy=deputy,
            status=ActivityRecord.Status.CONFIRMED,
            kind=ActivityKind.REPORT_TO_VOTERS,
            date__gte=first,
            date__lte=last,
        ).values_list("pk", "date__year")
    )
    voter_counts = services_ratings.counts_by_record([pk for pk, _year in report_ids]) if report_ids else {}
    voters_rated: dict[int, int] = defaultdict(int)
    voters_satisfied: dict[int, int] = defaultdict(int)
    for pk, year in report_ids:
        ratings = voter_counts.get(pk) or {}
        voters_rated[year] += ratings.get("total", 0)
        voters_satisfied[year] += ratings.get("satisfied", 0)

    # The nearest office's result of each year (a county deputy may also be scored by the city).
    scores: dict[int, Score] = {}
    for score in (
        Score.objects.filter(deputy=deputy, year__gte=first.year, year__lte=last.year)
        .select_related("rule_set__region")
        .order_by("year", "-rule_set__region__level", "rule_set_id")
    ):
        scores.setdefault(score.year, score)

    activities_section = str(_("履职活动"))
    report.rows = [
        TermRow("activities", str(_("履职活动合计")), dict(activity_total), section=activities_section),
        *[
            TermRow(f"activity_{kind.value}", str(kind.label), by_kind.get(kind.value, {}), section=activities_section)
            for kind in ActivityKind
        ],
        TermRow("duty_days", str(_("联络站接待选民（次）")), duty_days, section=activities_section),
        TermRow("trainings", str(_("参加培训（场次）")), trainings, section=activities_section),
        TermRow(
            "attendance",
            str(_("出席人代会会议")),
            {row["y"]: row["present"] for row in attendance},
            section=str(_("会议")),
        ),
        TermRow("leave", str(_("请假")), {row["y"]: row["leave"] for row in attendance}, section=str(_("会议"))),
        TermRow(
            "absence", str(_("缺席（未请假）")), {row["y"]: row["absent"] for row in attendance}, section=str(_("会议"))
        ),
    ]
    proposals = str(_("建议和议案"))
    report.rows += [
        TermRow("suggestions_led", str(_("领衔提出建议")), dict(led_total), section=proposals),
        TermRow("suggestions_counted", str(_("其中已立案")), dict(led_counted), section=proposals),
        TermRow("suggestions_cosigned", str(_("附议建议")), cosigned, section=proposals),
        *[
            TermRow(
                f"rated_{value}",
                str(_("代表评价“%(rating)s”") % {"rating": label}),
                rated.get(value, {}),
                section=proposals,
            )
            for value, label in RATINGS
        ],
        TermRow("motions", str(_("领衔提出议案")), motions, section=proposals),
    ]
    voters = str(_("联系选民"))
    report.rows += [
        TermRow("opinions", str(_("收到选民意见")), {row["y"]: row["n"] for row in opinions}, section=voters),
        TermRow("opinions_closed", str(_("其中已办结")), {row["y"]: row["closed"] for row in opinions}, section=voters),
        TermRow("reports", str(_("向选民述职")), by_kind.get(ActivityKind.REPORT_TO_VOTERS.value, {}), section=voters),
        TermRow("voters_rated", str(_("选民评议人数")), dict(voters_rated), section=voters),
        TermRow("voters_satisfied", str(_("其中满意")), dict(voters_satisfied), section=voters),
    ]
    assessment = str(_("履职考评"))
    report.rows += [
        TermRow(
            "score",
            str(_("考评得分")),
            {year: score.total for year, score in scores.items()},
            summable=False,
            section=assessment,
        ),
        TermRow(
            "grade",
            str(_("等次")),
            {year: score.get_grade_display() for year, score in scores.items()},
            summable=False,
            section=assessment,
        ),
        TermRow(
            "warning",
            str(_("预警")),
            {year: score.get_warning_display() for year, score in scores.items() if score.warning},
            summable=False,
            section=assessment,
        ),
    ]
    for row in report.rows:
        row.values = row.cells(report.years)
    return report


def ending_seats(user, *, within_days: int | None) -> QuerySet[Membership]:
    """Serving seats, in the user's scope, of terms that end within ``within_days`` (None: all current terms),
    the soonest first. ``with_term_figures`` adds each term's summary figures to the rows shown."""
    from .permissions import file_deputies_for

    today = timezone.localdate()
    seats = Membership.objects.filter(
        status=Membership.Status.SERVING,
        congress__end_date__gte=today,
        congress__start_date__lte=today,
        deputy__in=file_deputies_for(user),
    )
    if within_days is not None:
        seats = seats.filter(congress__end_date__lte=today + timedelta(days=within_days))
    return seats.select_related("deputy__region", "congress__region").order_by(
        "congress__end_date", "deputy__name", "pk"
    )


def with_term_figures(seats: list[Membership]) -> list[Membership]:
    """Each seat with its term's counts (activities, duty days, suggestions, warnings): four queries for the
    rows shown, reading the dates of the shown deputies' records and counting each seat's own term in Python
    (a correlated count per seat cost SQLite 10 ms a row)."""
    names = ("n_activities", "n_duty_days", "n_suggestions", "n_warnings")
    if not seats:
        return seats
    deputy_ids = {seat.deputy_id for seat in seats}
    first = min(seat.congress.start_date for seat in seats)
    last = max(seat.congress.end_date for seat in seats)
    dated: dict[str, dict[int, list[date]]] = {name: defaultdict(list) for name in names}
    for deputy_id, day in ActivityRecord.objects.filter(
        deputy_id__in=deputy_ids, status=ActivityRecord.Status.CONFIRMED, date__gte=first, date__lte=last
    ).values_list("deputy_id", "date"):
        dated["n_activities"][deputy_id].append(day)
    for deputy_id, day in DutyShift.objects.filter(
        deputy_id__in=deputy_ids,
        attended=True,
        duty_day__status=DutyDay.Status.HELD,
        duty_day__date__gte=first,
        duty_day__date__lte=last,
    ).values_list("deputy_id", "duty_day__date"):
        dated["n_duty_days"][deputy_id].append(day)
    for deputy_id, moment in (
        Suggestion.objects.filter(deputy_id__in=deputy_ids)
        .exclude(status=Suggestion.Status.DRAFT)
        .values_list("deputy_id", "created_at")
    ):
        dated["n_suggestions"][deputy_id].append(timezone.localtime(moment).date())
    for deputy_id, year in (
        Score.objects.filter(deputy_id__in=deputy_ids, year__gte=first.year, year__lte=last.year)
        .exclude(warning="")
        .values_list("deputy_id", "year")
    ):
        # A warning belongs to its year: counted when the year lies within the term.
        dated["n_warnings"][deputy_id].append(date(year, 12, 31))
    for seat in seats:
        start, end = seat.congress.start_date, seat.congress.end_date
        for name in names:
            days = dated[name][seat.deputy_id]
            if name == "n_warnings":
                setattr(seat, name, sum(1 for day in days if start.year <= day.year <= end.year))
            else:
                setattr(seat, name, sum(1 for day in days if start <= day <= end))
    return seats
