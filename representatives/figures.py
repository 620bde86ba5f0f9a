"""How deputies and their activity records are counted for the figures of a region (``tallies`` keeps them).

Each source counts the rows of some buckets (regions, years) in grouped queries; a figure for a region is the
sum of its counters over the regions below it. Every deputy lives in one region and every record belongs to
its deputy, so counting per region and adding up gives the same numbers as counting the region at once.

- ``deputies`` (no year), in the deputy's region: ``all`` deputies; ``serving`` those with a serving seat;
  ``direct`` those with a serving, directly elected seat; ``level_serving|L`` and ``level_direct|L`` the same
  per congress level L (a deputy with seats at two levels counts at each).
- ``roster`` by year, in the deputy's region: the roster as it stood in the year, read as "served at any time
  during the year" (``seat_served_in``): ``served`` deputies with such a seat, ``direct`` those with such a
  directly elected seat, ``level_served|L`` and ``level_direct|L`` the same per congress level L. Past years
  keep their figures when a deputy leaves later; the deputy list's ``served_in=Y`` lists the same deputies.
- ``reports`` by year: ``reported``, deputies with a directly elected seat served in the year (as ``roster``'s
  ``direct``) and at least one confirmed report to voters (述职) dated in the year.
- ``activities`` by year and month of the record's date: ``<status>|<kind>`` records; ``report_voters`` the
  voters at confirmed reports to voters.
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from . import tallies
from .models import ActivityKind, ActivityRecord, Congress, Deputy, Membership

SERVING = Membership.Status.SERVING
DIRECT = Membership.Election.DIRECT
CONFIRMED = ActivityRecord.Status.CONFIRMED


@tallies.source("deputies", yearly=False)
def count_deputies(buckets: tallies.Buckets):
    serving = Membership.objects.filter(deputy=OuterRef("pk"), status=SERVING)
    direct = serving.filter(election=DIRECT)
    for found in (
        Deputy.objects.filter(buckets.q("region"))
        .values("region")
        .annotate(
            every=Count("id"),
            serving=Count("id", filter=Q(Exists(serving))),
            direct=Count("id", filter=Q(Exists(direct))),
        )
        .order_by()
    ):
        region = found["region"]
        yield tallies.row(region, "all", found["every"])
        yield tallies.row(region, "serving", found["serving"])
        yield tallies.row(region, "direct", found["direct"])
    for found in (
        Membership.objects.filter(buckets.q("deputy__region"), status=SERVING)
        .values("deputy__region", "congress__level")
        .annotate(
            serving=Count("deputy", distinct=True),
            direct=Count("deputy", filter=Q(election=DIRECT), distinct=True),
        )
        .order_by()
    ):
        region, level = found["deputy__region"], found["congress__level"]
        yield tallies.row(region, f"level_serving|{level}", found["serving"])
        yield tallies.row(region, f"level_direct|{level}", found["direct"])


def seat_served_in(year, prefix: str = "", *, until=None) -> Q:
    """Seats held on some day of ``year`` (an int, or an expression giving one; with ``until``, of the years
    ``year`` to ``until``): the congress's term had begun by the year's end, and the seat had not ended before
    the year began (a serving seat lasts to the end of its congress's term; an ended one to its
    ``status_date``). The one reading of "the roster as it stood in year Y" that every figure, list and export
    uses; ``prefix`` leads from the filtered model to the seat."""

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    return (
        q(congress__start_date__year__lte=year if until is None else until)
        & q(congress__end_date__year__gte=year)
        & (q(status=SERVING) | q(status_date__year__gte=year))
    )


def _served_years(seat: dict) -> range:
    end = seat["congress__end_date"]
    if seat["status"] != SERVING:
        end = min(end, seat["status_date"])
    return range(seat["congress__start_date"].year, end.year + 1)


@tallies.source("roster", yearly=True)
def count_roster(buckets: tallies.Buckets):
    seats = Membership.objects.filter(buckets.q("deputy__region"))
    if buckets.years is not None:
        seats = seats.filter(seat_served_in(min(buckets.years), until=max(buckets.years)))
    # Expanded here rather than in SQL: a seat spans a few years, and a deputy counts once per year however many
    # seats they held in it (two terms, two levels).
    found: dict[tuple, set[int]] = defaultdict(set)
    for seat in seats.values(
        "deputy_id",
        "deputy__region_id",
        "election",
        "status",
        "status_date",
        "congress__level",
        "congress__start_date",
        "congress__end_date",
    ).order_by():
        region, level, direct = seat["deputy__region_id"], seat["congress__level"], seat["election"] == DIRECT
        for year in _served_years(seat):
            if buckets.years is not None and year not in buckets.years:
                continue
            keys = ["served", f"level_served|{level}"]
            if direct:
                keys += ["direct", f"level_direct|{level}"]
            for key in keys:
                found[(region, year, key)].add(seat["deputy_id"])
    for (region, year, key), deputies in found.items():
        yield tallies.row(region, key, len(deputies), year=year)


@tallies.source("reports", yearly=True)
def count_reports(buckets: tallies.Buckets):
    direct = Membership.objects.filter(
        seat_served_in(ExtractYear(OuterRef("date"))), deputy=OuterRef("deputy"), election=DIRECT
    )
    for found in (
        ActivityRecord.objects.filter(
            buckets.q("deputy__region", "date__year", "date"),
            Exists(direct),
            kind=ActivityKind.REPORT_TO_VOTERS,
            status=CONFIRMED,
        )
        .values("deputy__region", year=ExtractYear("date"))
        .annotate(n=Count("deputy", distinct=True))
        .order_by()
    ):
        yield tallies.row(found["deputy__region"], "reported", found["n"], year=found["year"])


@tallies.source("activities", yearly=True)
def count_activities(buckets: tallies.Buckets):
    for found in (
        ActivityRecord.objects.filter(buckets.q("deputy__region", "date__year", "date"))
        .values("deputy__region", "kind", "status", year=ExtractYear("date"), month=ExtractMonth("date"))
        .annotate(n=Count("id"), voters=Sum("voters_attended"))
        .order_by()
    ):
        place = {"year": found["year"], "month": found["month"]}
        region = found["deputy__region"]
        yield tallies.row(region, f"{found['status']}|{found['kind']}", found["n"], **place)
        if found["status"] == CONFIRMED and found["kind"] == ActivityKind.REPORT_TO_VOTERS:
            yield tallies.row(region, "report_voters", found["voters"], **place)


def _deputy_buckets(deputy):
    return [(name, deputy.region_id, None) for name in ("deputies", "roster", "reports", "activities")]


def _seat_buckets(seat):
    region = seat.deputy.region_id
    return [("deputies", region, None), ("roster", region, None), ("reports", region, None)]


def _record_buckets(record):
    region = record.deputy.region_id
    return [("activities", region, record.date.year), ("reports", region, record.date.year)]


def register() -> None:
    # A deputy's other details (name, phone, photo) change no figure; moving to another region moves them all.
    tallies.watch(Deputy, _deputy_buckets, moves=["region"], relevant=["region"])
    tallies.watch(
        Membership,
        _seat_buckets,
        moves=["deputy"],
        relevant=["deputy", "congress", "status", "status_date", "election"],
    )
    tallies.watch(
        ActivityRecord,
        _record_buckets,
        moves=["deputy", "date"],
        relevant=["deputy", "date", "kind", "status", "voters_attended"],
    )
    # Seats count per level: a congress moved to another level recounts every region's seats.
    # A congress's term dates place its seats in years.
    tallies.watch(
        Congress,
        lambda congress: [("deputies", None, None), ("roster", None, None), ("reports", None, None)],
        relevant=["level", "start_date", "end_date"],
        only_changes=True,
    )
