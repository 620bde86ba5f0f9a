"""How suggestions and their handling are counted for a region's figures (``representatives.tallies``).

One source, ``suggestions``, by the suggestion's year, in its region (its congress's), drafts left out:

- ``status|<state>`` suggestions by state; ``replied`` answered at least once; ``key`` key suggestions
  (重点督办); ``rehandled`` sent back for another round; ``promised`` with a B-class reply (a promise) in the
  current round, ``all_kept`` those whose every such promise the office confirmed kept (the staff list's
  ``promise=made`` and ``promise=kept``); ``overdue`` with a part still being handled past its
  deadline (counted from the day after the earliest such deadline).
- ``due`` parts assigned to a lead or split unit (co-units send an opinion, not a reply; parts moved to another
  unit are left out) that are answered, or still open past their deadline (counted from the day after it);
  ``on_time`` those answered by the deadline in local time; ``unit_due|<id>`` and ``unit_on_time|<id>`` per
  unit.
- ``final|<rating>`` ratings of each suggestion's current round; ``unsatisfied_ever`` every unsatisfied rating.
  A suggestion's rating of a round (``Evaluation``) is derived from the deputy's ratings of each unit's part
  (``UnitRating``) once all of the round's handled parts are rated: the lowest of them
  (``services.round_rating``), so it is unsatisfied exactly when some unit handles its part again; with a lead
  unit and co-units rated alike it is the lead unit's rating.
- ``reply|<class>`` replies of the current round by class; ``promise_reported`` and ``promise_kept`` B-class
  promises the unit reported done and the office confirmed.

And ``unit_parts``, the handling units' annual assessment (evaluations/unit_assessment.py says what each
figure means): the parts assigned in a year (local time of ``assigned_at``), in the suggestion's region, parts
transferred away left out, each counter per unit as ``<name>|<unit id>``: ``assigned``, ``replied``,
``on_time``, ``active``, ``reassign_requested``, ``overdue`` (active, from the day after the deadline),
``class_a``/``class_b``/``class_c`` (parts with a reply of the class), ``rated`` and ``satisfied`` (parts the
deputy rated, each by its own ``UnitRating``: lead and split units for their reply, co-units for their
opinion), ``promises``, ``promises_kept``, ``promises_due_unkept`` (from the
day after the earliest promised date not kept), ``rehandled`` and ``reply_us``, the microseconds from
assignment to reply of the replied parts.
"""

import datetime

from django.db.models import Count, DurationField, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from representatives import tallies

from .filters import promise_replies
from .models import Assignment, Evaluation, Reply, ReplyClass, Suggestion, UnitRating

A = Assignment.Status
DAY = datetime.timedelta(days=1)


@tallies.source("suggestions", yearly=True)
def count_suggestions(buckets: tallies.Buckets):
    submitted = Suggestion.objects.filter(buckets.q("region", "year")).exclude(status=Suggestion.Status.DRAFT)
    for found in (
        submitted.values("region", "year", "status")
        .annotate(
            n=Count("id"),
            replied=Count("id", filter=Q(replied_at__isnull=False)),
            key=Count("id", filter=Q(is_key=True)),
            rehandled=Count("id", filter=Q(round__gt=1)),
            promised=Count("id", filter=Q(Exists(promise_replies()))),
            all_kept=Count(
                "id",
                filter=Q(Exists(promise_replies())) & ~Q(Exists(promise_replies(promise_confirmed_at__isnull=True))),
            ),
        )
        .order_by()
    ):
        region, year = found["region"], found["year"]
        yield tallies.row(region, f"status|{found['status']}", found["n"], year=year)
        for name in ("replied", "key", "rehandled", "promised", "all_kept"):
            yield tallies.row(region, name, found[name], year=year)

    earliest = Assignment.objects.filter(suggestion=OuterRef("pk"), status=A.ACTIVE).order_by("deadline")
    for found in (
        submitted.annotate(first=Subquery(earliest.values("deadline")[:1]))
        .filter(first__isnull=False)
        .values("region", "year", "first")
        .annotate(n=Count("id"))
        .order_by()
    ):
        yield tallies.row(found["region"], "overdue", found["n"], year=found["year"], counts_from=found["first"] + DAY)

    where = ("suggestion__region", "suggestion__year")
    parts = (
        Assignment.objects.filter(buckets.q(*where), role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT])
        .exclude(suggestion__status=Suggestion.Status.DRAFT)
        .exclude(status=A.REASSIGNED)
    )
    for found in (
        parts.filter(status=A.DONE)
        .values(*where, "unit")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(done_at__date__lte=F("deadline"))))
        .order_by()
    ):
        region, year, unit = found["suggestion__region"], found["suggestion__year"], found["unit"]
        for name, value in (("due", found["n"]), ("on_time", found["on_time"])):
            yield tallies.row(region, name, value, year=year)
            yield tallies.row(region, f"unit_{name}|{unit}", value, year=year)
    for found in parts.exclude(status=A.DONE).values(*where, "unit", "deadline").annotate(n=Count("id")).order_by():
        region, year, unit = found["suggestion__region"], found["suggestion__year"], found["unit"]
        after = found["deadline"] + DAY
        yield tallies.row(region, "due", found["n"], year=year, counts_from=after)
        yield tallies.row(region, f"unit_due|{unit}", found["n"], year=year, counts_from=after)

    for found in (
        Evaluation.objects.filter(buckets.q(*where))
        .exclude(suggestion__status=Suggestion.Status.DRAFT)
        .values(*where, "value")
        .annotate(n=Count("id"), final=Count("id", filter=Q(round=F("suggestion__round"))))
        .order_by()
    ):
        region, year = found["suggestion__region"], found["suggestion__year"]
        yield tallies.row(region, f"final|{found['value']}", found["final"], year=year)
        if found["value"] == Evaluation.Value.UNSATISFIED:
            yield tallies.row(region, "unsatisfied_ever", found["n"], year=year)

    for found in (
        Reply.objects.filter(
            buckets.q("assignment__suggestion__region", "assignment__suggestion__year"),
            assignment__round=F("assignment__suggestion__round"),
        )
        .exclude(assignment__suggestion__status=Suggestion.Status.DRAFT)
        .values("assignment__suggestion__region", "assignment__suggestion__year", "reply_class")
        .annotate(
            n=Count("id"),
            reported=Count("id", filter=Q(promise_done_at__isnull=False)),
            kept=Count("id", filter=Q(promise_confirmed_at__isnull=False)),
        )
        .order_by()
    ):
        region, year = found["assignment__suggestion__region"], found["assignment__suggestion__year"]
        yield tallies.row(region, f"reply|{found['reply_class']}", found["n"], year=year)
        if found["reply_class"] == ReplyClass.B:
            yield tallies.row(region, "promise_reported", found["reported"], year=year)
            yield tallies.row(region, "promise_kept", found["kept"], year=year)


SATISFIED_VALUES = (Evaluation.Value.SATISFIED, Evaluation.Value.BASIC)
UNIT_COUNTS = (
    "assigned",
    "replied",
    "on_time",
    "active",
    "reassign_requested",
    "class_a",
    "class_b",
    "class_c",
    "rated",
    "satisfied",
    "promises",
    "promises_kept",
    "rehandled",
)


@tallies.source("unit_parts", yearly=True)
def count_unit_parts(buckets: tallies.Buckets):
    parts = Assignment.objects.filter(
        buckets.q("suggestion__region", "assigned_at__year", moment="assigned_at")
    ).exclude(status=A.REASSIGNED)
    where = {"region": F("suggestion__region"), "year": ExtractYear("assigned_at")}
    done = Q(status=A.DONE)

    def reply(**conditions):
        return Q(Exists(Reply.objects.filter(assignment=OuterRef("pk"), **conditions)))

    promise = {"reply_class": ReplyClass.B}
    for found in (
        parts.values("unit", **where)
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(done_at__date__lte=F("deadline"))),
            active=Count("pk", filter=Q(status=A.ACTIVE)),
            reassign_requested=Count("pk", filter=Q(status=A.REASSIGN_REQUESTED)),
            class_a=Count("pk", filter=reply(reply_class=ReplyClass.A)),
            class_b=Count("pk", filter=reply(reply_class=ReplyClass.B)),
            class_c=Count("pk", filter=reply(reply_class=ReplyClass.C)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            satisfied=Count("pk", filter=Q(rating__value__in=SATISFIED_VALUES)),
            promises=Count("pk", filter=reply(**promise)),
            promises_kept=Count("pk", filter=reply(**promise, promise_confirmed_at__isnull=False)),
            rehandled=Count("pk", filter=Q(round__gte=2)),
            reply_time=Sum(F("done_at") - F("assigned_at"), filter=done, output_field=DurationField()),
        )
        .order_by()
    ):
        unit, place = found["unit"], {"year": found["year"]}
        for name in UNIT_COUNTS:
            yield tallies.row(found["region"], f"{name}|{unit}", found[name], **place)
        if found["reply_time"] is not None:
            microseconds = found["reply_time"] // datetime.timedelta(microseconds=1)
            yield tallies.row(found["region"], f"reply_us|{unit}", microseconds, **place)

    for found in parts.filter(status=A.ACTIVE).values("unit", "deadline", **where).annotate(n=Count("pk")).order_by():
        after = found["deadline"] + DAY
        yield tallies.row(
            found["region"], f"overdue|{found['unit']}", found["n"], year=found["year"], counts_from=after
        )

    unkept = Reply.objects.filter(
        assignment=OuterRef("pk"), promise_confirmed_at__isnull=True, promised_date__isnull=False, **promise
    ).order_by("promised_date")
    for found in (
        parts.annotate(first=Subquery(unkept.values("promised_date")[:1]))
        .filter(first__isnull=False)
        .values("unit", "first", **where)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield tallies.row(
            found["region"],
            f"promises_due_unkept|{found['unit']}",
            found["n"],
            year=found["year"],
            counts_from=found["first"] + DAY,
        )


def _assigned_year(part) -> int:
    return timezone.localtime(part.assigned_at).year


def _part_buckets(part):
    suggestion = part.suggestion
    return [
        ("suggestions", suggestion.region_id, suggestion.year),
        ("unit_parts", suggestion.region_id, _assigned_year(part)),
    ]


def _rating_buckets(rating):
    return _of(rating.suggestion)


def _unit_rating_buckets(rating):
    # A unit's rating counts for its part, in the year the part was assigned.
    return [_part_buckets(rating.assignment)[1]]


def _reply_buckets(reply):
    return _part_buckets(reply.assignment)


def _of(suggestion):
    return [("suggestions", suggestion.region_id, suggestion.year)]


def register() -> None:
    tallies.watch(
        Suggestion,
        _of,
        moves=["region", "year"],
        relevant=["region", "year", "status", "replied_at", "is_key", "round"],
    )
    tallies.watch(
        Assignment,
        _part_buckets,
        moves=["suggestion", "assigned_at"],
        relevant=["suggestion", "unit", "role", "round", "status", "deadline", "done_at", "assigned_at"],
    )
    tallies.watch(
        Evaluation,
        _rating_buckets,
        moves=["suggestion", "round"],
        relevant=["suggestion", "round", "value"],
    )
    tallies.watch(
        UnitRating,
        _unit_rating_buckets,
        moves=["assignment"],
        relevant=["assignment", "value"],
    )
    tallies.watch(
        Reply,
        _reply_buckets,
        moves=["assignment"],
        relevant=["assignment", "reply_class", "promised_date", "promise_done_at", "promise_confirmed_at"],
    )
