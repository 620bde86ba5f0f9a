"""How deputies and their activity records are counted for the figures of a region (``tallies`` keeps them).

Each source counts the rows of some buckets (regions, years) in grouped queries; a figure for a region is the
sum of its counters over the regions below it. Every deputy lives in one region and every record belongs to
its deputy, so counting per region and adding up gives the same numbers as counting the region at once.

- ``deputies`` (no year), in the deputy's region: ``all`` deputies; ``serving`` those with a serving seat;
  ``direct`` those with a serving, directly elected seat; ``level_serving|L`` and ``level_direct|L`` the same
  per congress level L (a deputy with seats at two levels counts at each).
- ``reports`` by year: ``reported``, directly elected serving deputies with at least one confirmed report to
  voters (述职) dated in the year.
- ``activities`` by year and month of the record's date: ``<status>|<kind>`` records; ``report_voters`` the
  voters at confirmed reports to voters.
"""

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


@tallies.source("reports", yearly=True)
def count_reports(buckets: tallies.Buckets):
    direct = Membership.objects.filter(deputy=OuterRef("deputy"), status=SERVING, election=DIRECT)
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
    return [(name, deputy.region_id, None) for name in ("deputies", "reports", "activities")]


def _seat_buckets(seat):
    region = seat.deputy.region_id
    return [("deputies", region, None), ("reports", region, None)]


def _record_buckets(record):
    region = record.deputy.region_id
    return [("activities", region, record.date.year), ("reports", region, record.date.year)]


def register() -> None:
    # A deputy's other details (name, phone, photo) change no figure; moving to another region moves them all.
    tallies.watch(Deputy, _deputy_buckets, moves=["region"], relevant=["region"])
    tallies.watch(Membership, _seat_buckets, moves=["deputy"], relevant=["deputy", "congress", "status", "election"])
    tallies.watch(
        ActivityRecord,
        _record_buckets,
        moves=["deputy", "date"],
        relevant=["deputy", "date", "kind", "status", "voters_attended"],
    )
    # Seats count per level: a congress moved to another level recounts every region's seats.
    tallies.watch(Congress, lambda congress: [("deputies", None, None)], relevant=["level"], only_changes=True)
