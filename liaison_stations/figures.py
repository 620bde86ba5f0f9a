"""How stations, their members, duty days and voter opinions are counted for a region's figures (``tallies``).

- ``stations`` (no year), in the station's region: ``active`` stations.
- ``station_members`` (no year): ``members``, the deputies assigned to an active station, each counted once in
  any region however many stations there they belong to. A deputy in stations of two townships is +1 in each
  township and −1 in the region that holds both (the deepest one), so every region's sum over the regions
  below it counts the deputy once; the bucket is the deputy's own region.
- ``duty_days`` by year and month of the day, in the station's region: ``held`` days that count
  (``filters.DUTY_DAY_COUNTED``: not those on which every deputy on duty had left their seat) and the ``voters``
  received on them.
- ``opinions`` by year and month received (local time), in the opinion's region, merged duplicates left out:
  ``collected``, ``fed_back``, ``closed`` (by state), ``rating|<rating>`` (by the voter's rating) and
  ``on_the_spot`` (handled on the spot, ``filters.HANDLED_ON_THE_SPOT``), and ``answered`` and ``solved`` as
  ``filters.OPINION_FIGURES`` defines them.
- ``visits`` by year and month of the visit, in the station's region: leaders' visits to stations.
"""

import itertools

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from representatives import tallies
from representatives.models import Deputy, Membership, Region

from .filters import DUTY_DAY_COUNTED, HANDLED_ON_THE_SPOT, OPINION_FIGURES
from .models import DutyDay, Opinion, Station, StationMember, StationVisit

# The opinion figures (filters.OPINION_FIGURES) that have a tally key of their own; "collected" is counted above,
# "fed_back" is the states fed_back + closed, "satisfied" and "rated" are sums of ``rating|…``.
FIGURE_KEYS = ("answered", "solved")


@tallies.source("stations", yearly=False)
def count_stations(buckets: tallies.Buckets):
    for found in (
        Station.objects.filter(buckets.q("region"), is_active=True).values("region").annotate(n=Count("id")).order_by()
    ):
        yield tallies.row(found["region"], "active", found["n"])


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.rstrip("/").split("/"))


@tallies.source("station_members", yearly=False)
def count_station_members(buckets: tallies.Buckets):
    seats = (
        StationMember.objects.filter(buckets.q("deputy__region"), station__is_active=True)
        .values_list("deputy_id", "deputy__region_id", "station__region_id", "station__region__path")
        .distinct()
        .order_by("deputy_id")
    )
    region_ids = None
    for _deputy, found in itertools.groupby(seats, key=lambda seat: seat[0]):
        found = list(found)
        home = found[0][1]
        # In the regions' tree order, so that each pair of neighbours meets in the region that joins them.
        places = sorted({(_segments(path), region) for _d, _h, region, path in found})
        for _segments_of, region in places:
            yield tallies.row(region, "members", 1, bucket=home)
        for (left, _l), (right, _r) in itertools.pairwise(places):
            shared = tuple(itertools.takewhile(lambda pair: pair[0] == pair[1], zip(left, right, strict=False)))
            if not shared:
                continue  # no common region: the regions are added up separately everywhere
            if region_ids is None:
                region_ids = {_segments(path): pk for pk, path in Region.objects.values_list("pk", "path")}
            yield tallies.row(region_ids[tuple(part for part, _same in shared)], "members", -1, bucket=home)


@tallies.source("duty_days", yearly=True)
def count_duty_days(buckets: tallies.Buckets):
    for found in (
        DutyDay.objects.filter(buckets.q("station__region", "date__year", "date"), DUTY_DAY_COUNTED)
        .values("station__region", year=ExtractYear("date"), month=ExtractMonth("date"))
        .annotate(n=Count("id"), voters=Sum("voters_received"))
        .order_by()
    ):
        place = {"year": found["year"], "month": found["month"]}
        yield tallies.row(found["station__region"], "held", found["n"], **place)
        yield tallies.row(found["station__region"], "voters", found["voters"], **place)


@tallies.source("opinions", yearly=True)
def count_opinions(buckets: tallies.Buckets):
    # The year and month an opinion was received in local time: one left at 23:30 on 31 March is March's.
    for found in (
        Opinion.objects.filter(buckets.q("region", "received_at__year", moment="received_at"))
        .exclude(status=Opinion.Status.MERGED)
        .values(
            "region",
            "status",
            "rating",
            "resolution",
            year=ExtractYear("received_at"),
            month=ExtractMonth("received_at"),
        )
        .annotate(n=Count("id"), on_the_spot=Count("id", filter=HANDLED_ON_THE_SPOT))
        .order_by()
    ):
        place = {"year": found["year"], "month": found["month"]}
        region, n = found["region"], found["n"]
        yield tallies.row(region, "collected", n, **place)
        yield tallies.row(region, "on_the_spot", found["on_the_spot"], **place)
        if found["status"] in (Opinion.Status.FED_BACK, Opinion.Status.CLOSED):
            yield tallies.row(region, found["status"], n, **place)
        if found["rating"]:
            yield tallies.row(region, f"rating|{found['rating']}", n, **place)
        for name in FIGURE_KEYS:
            if OPINION_FIGURES[name].holds(found["status"], found["rating"], found["resolution"]):
                yield tallies.row(region, name, n, **place)


@tallies.source("visits", yearly=True)
def count_visits(buckets: tallies.Buckets):
    # As the staff visit list with ``year`` counts them (selectors.leader_visits): each visit once.
    for found in (
        StationVisit.objects.filter(buckets.q("station__region", "date__year", "date"))
        .values("station__region", year=ExtractYear("date"), month=ExtractMonth("date"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        yield tallies.row(found["station__region"], "visits", found["n"], year=found["year"], month=found["month"])


def _station_buckets(station):
    members = StationMember.objects.filter(station=station).values_list("deputy__region_id", flat=True).distinct()
    return [
        ("stations", station.region_id, None),
        ("duty_days", station.region_id, None),
        ("visits", station.region_id, None),
    ] + [("station_members", region, None) for region in members]


def _opinion_buckets(opinion):
    return [("opinions", opinion.region_id, timezone.localtime(opinion.received_at).year)]


def register() -> None:
    tallies.watch(Station, _station_buckets, moves=["region"], relevant=["region", "is_active"])
    tallies.watch(
        StationMember,
        lambda seat: [("station_members", seat.deputy.region_id, None)],
        moves=["deputy"],
        relevant=["deputy", "station"],
    )
    tallies.watch(
        DutyDay,
        lambda day: [("duty_days", day.station.region_id, day.date.year)],
        moves=["station", "date"],
        relevant=["station", "date", "status", "voters_received"],
    )
    tallies.watch(
        Opinion,
        _opinion_buckets,
        moves=["region", "received_at"],
        relevant=["region", "received_at", "status", "rating", "proposal", "resolution"],
    )
    tallies.watch(
        StationVisit,
        lambda visit: [("visits", visit.station.region_id, visit.date.year)],
        moves=["station", "date"],
        relevant=["station", "date"],
    )
    # A held day counts while someone on duty held a seat that day (filters.DUTY_DAY_COUNTED): a seat that ends,
    # or its dates corrected, recounts the duty days. Every bucket, without a query: a roster import marks
    # thousands of seats at once (tallies.saved), and the marks of one commit make a single recount.
    tallies.watch(
        Membership,
        lambda seat: [("duty_days", None, None)],
        relevant=["status", "status_date", "congress", "deputy"],
    )
    tallies.watch(
        Deputy, lambda deputy: [("station_members", deputy.region_id, None)], moves=["region"], relevant=["region"]
    )
    # Where two stations' regions meet depends on the regions' tree: re-parenting a region recounts it.
    tallies.watch(Region, lambda region: [("station_members", None, None)], relevant=["path"], only_changes=True)
