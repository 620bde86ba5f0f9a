import datetime
import functools
import operator
import random
from collections import Counter, deque
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, F, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from representatives import demo
from representatives.models import Level, Membership, StateLog, User
from suggestions import demo as suggestion_demo
from suggestions.models import Assignment, CoSigner, Evaluation, Reply, Suggestion, Supervision, UnitRating

pytestmark = pytest.mark.django_db

S = Suggestion.Status
ANSWERING = [Assignment.Role.LEAD, Assignment.Role.SPLIT]


@pytest.fixture(scope="module")
def today():
    return timezone.localdate()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One demo for all the read-only checks of a class, rolled back after them (seeding takes seconds)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield demo.seed(deputies=200)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class _Undo(Exception):
    pass


def snapshot(**options):
    with pytest.raises(_Undo), transaction.atomic():
        demo.seed(deputies=60, **options)
        # Drafts have no number yet, so the database sorts (it orders NULLs consistently; Python cannot).
        fields = ("congress__code", "year", "number", "title", "status", "deputy__code")
        rows = list(Suggestion.objects.order_by(*fields).values_list(*fields))
        raise _Undo
    return rows


@pytest.mark.usefixtures("seeded")
class TestTheDemoData:
    def test_every_county_city_and_township_congress_registers_suggestions(self, seeded, today):
        per_congress = Counter(Suggestion.objects.filter(year=today.year - 1).values_list("congress__level", flat=True))

        assert set(per_congress) == {Level.CITY, Level.COUNTY, Level.TOWNSHIP}
        assert Suggestion.objects.filter(year=today.year).exists()

    def test_numbers_run_one_to_n_per_congress_and_year_and_drafts_have_none(self, seeded):
        numbered = Suggestion.objects.exclude(status=S.DRAFT)
        for row in numbered.values("congress", "year").annotate(n=Count("id")):
            numbers = sorted(
                numbered.filter(congress=row["congress"], year=row["year"]).values_list("number", flat=True)
            )
            assert numbers == list(range(1, row["n"] + 1))
        assert not Suggestion.objects.filter(status=S.DRAFT, number__isnull=False).exists()

    def test_timestamps_follow_the_lifecycle_and_none_is_in_the_future(self, seeded):
        now = timezone.now()
        fields = ["created_at", "submitted_at", "registered_at", "assigned_at", "replied_at", "rated_at", "closed_at"]
        in_future = functools.reduce(operator.or_, (Q(**{f"{name}__gt": now}) for name in fields))
        assert not Suggestion.objects.filter(in_future).exists()
        assert not Suggestion.objects.filter(submitted_at__lt=F("created_at")).exists()
        assert not Suggestion.objects.filter(registered_at__lt=F("submitted_at")).exists()
        assert not Suggestion.objects.filter(assigned_at__lt=F("registered_at")).exists()
        assert not Suggestion.objects.filter(replied_at__lt=F("registered_at")).exists()
        assert not Suggestion.objects.filter(closed_at__lt=F("submitted_at")).exists()
        # Each state has exactly the timestamps it should.
        assert not Suggestion.objects.filter(status=S.DRAFT, submitted_at__isnull=False).exists()
        assert not Suggestion.objects.filter(status=S.SUBMITTED, registered_at__isnull=False).exists()
        assert not Suggestion.objects.filter(
            status__in=[S.ASSIGNED, S.REPLIED, S.CLOSED], assigned_at__isnull=True
        ).exists()
        assert not Suggestion.objects.filter(status__in=[S.REPLIED, S.CLOSED], replied_at__isnull=True).exists()
        assert not Suggestion.objects.filter(status=S.CLOSED, closed_at__isnull=True).exists()
        assert not Suggestion.objects.filter(status=S.NOT_REGISTERED, refusal_reason="").exists()
        assert not Reply.objects.filter(replied_at__lt=F("assignment__assigned_at")).exists()
        assert not Evaluation.objects.filter(at__lt=F("suggestion__replied_at"), suggestion__round=1).exists()

    def test_parts_replies_and_ratings_agree_with_each_suggestions_state(self, seeded):
        for suggestion in Suggestion.objects.filter(status__in=[S.ASSIGNED, S.REPLIED, S.CLOSED]).prefetch_related(
            "assignments__replies", "evaluations"
        ):
            current = [p for p in suggestion.assignments.all() if p.round == suggestion.round and p.role in ANSWERING]
            assert current, suggestion.pk
            if suggestion.status == S.ASSIGNED:
                assert any(p.status == Assignment.Status.ACTIVE for p in current)
            else:
                assert all(p.status == Assignment.Status.DONE and len(p.replies.all()) == 1 for p in current)
            rounds = {e.round: e.value for e in suggestion.evaluations.all()}
            if suggestion.status == S.CLOSED:
                assert rounds[suggestion.round] != Evaluation.Value.UNSATISFIED
            if suggestion.round == 2:
                assert rounds[1] == Evaluation.Value.UNSATISFIED
        assert not Assignment.objects.filter(status=Assignment.Status.ACTIVE, replies__isnull=False).exists()
        assert not Suggestion.objects.filter(
            status__in=[S.DRAFT, S.SUBMITTED, S.REGISTERED], assignments__isnull=False
        ).exists()

    def test_each_unit_of_a_rated_round_has_its_own_rating_and_the_round_takes_the_lowest(self, seeded):
        rated = Suggestion.objects.filter(evaluations__isnull=False).distinct()
        assert rated.exists()
        lowest = {"unsatisfied": 0, "basic": 1, "satisfied": 2}
        for suggestion in rated.prefetch_related("evaluations", "assignments__rating"):
            for evaluation in suggestion.evaluations.all():
                parts = [p for p in suggestion.assignments.all() if p.round == evaluation.round]
                values = [p.rating.value for p in parts if p.is_rated]
                assert len(values) == len(parts), suggestion.pk
                assert evaluation.value == min(values, key=lowest.__getitem__), suggestion.pk
        # Co-units are rated on their own: some differently from their lead unit.
        differs = UnitRating.objects.filter(assignment__role="co").exclude(
            value__in=UnitRating.objects.filter(
                assignment__suggestion=OuterRef("assignment__suggestion"),
                assignment__round=OuterRef("assignment__round"),
                assignment__role="lead",
            ).values("value")
        )
        assert differs.exists()

    def test_rows_pass_model_validation(self, seeded):
        refused = {}
        for model in (Suggestion, Assignment, Reply, Evaluation, Supervision, CoSigner):
            # Forty rows spread evenly over the table (the same ones every run), first and last included.
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            assert pks, f"the demo has no {model.__name__} rows"
            step = max(1, len(pks) // 40)
            sample = {*pks[::step], pks[-1]}
            for row in model.objects.filter(pk__in=sample).order_by("pk"):
                try:
                    # Most deputies have no account, so ratings and reply uploads are not tied to a user here.
                    row.full_clean(exclude=["by"])
                except ValidationError as exc:
                    refused[f"{model.__name__} {row.pk}"] = exc.message_dict
        assert refused == {}

    def test_every_reply_points_at_the_one_shared_sample_pdf(self, seeded):
        documents = set(Reply.objects.values_list("document", flat=True))

        assert documents == {suggestion_demo.SAMPLE_REPLY_PATH}
        with default_storage.open(suggestion_demo.SAMPLE_REPLY_PATH, "rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")

    def test_key_suggestions_have_the_demo_leader_and_their_supervision(self, seeded):
        leader = User.objects.get(username="leader")
        assert not Suggestion.objects.filter(is_key=True).exclude(supervising_leader=leader).exists()
        assert not Supervision.objects.exclude(suggestion__is_key=True).exists()

    def test_authors_and_cosigners_sit_in_the_suggestions_congress(self, seeded):
        serving = set(Membership.objects.filter(status="serving").values_list("deputy_id", "congress_id"))

        assert set(Suggestion.objects.values_list("deputy_id", "congress_id")) <= serving
        assert set(CoSigner.objects.values_list("deputy_id", "suggestion__congress_id")) <= serving
        assert not CoSigner.objects.filter(deputy=F("suggestion__deputy")).exists()

    def test_the_demo_deputy_has_a_draft_one_in_the_works_and_finished_ones(self, seeded):
        deputy = User.objects.get(username="deputy").deputy

        statuses = set(Suggestion.objects.filter(deputy=deputy).values_list("status", flat=True))

        assert S.DRAFT in statuses
        assert statuses & {S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.REPLIED}
        assert statuses & {S.CLOSED, S.NOT_REGISTERED}

    def test_every_suggestion_has_its_timeline(self, seeded):
        logged = set(StateLog.objects.filter(to_state="submitted").values_list("object_id", flat=True))

        assert set(Suggestion.objects.exclude(status=S.DRAFT).values_list("pk", flat=True)) <= logged


def test_the_seeds_rates_come_out_of_a_larger_run(today):
    demo.seed(deputies=100, suggestions_per_congress=150, township_suggestions_per_deputy=0, suggestion_years=2)

    last_year = Suggestion.objects.filter(year=today.year - 1)
    assert set(last_year.values("congress").annotate(n=Count("id")).values_list("n", flat=True)) == {150}
    classes = Counter(Reply.objects.filter(assignment__round=1).values_list("reply_class", flat=True))
    total = sum(classes.values())
    assert abs(classes["A"] / total - 0.40) < 0.05
    assert abs(classes["B"] / total - 0.45) < 0.05
    assert abs(classes["C"] / total - 0.15) < 0.04
    registered = Suggestion.objects.exclude(status__in=[S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED])
    assert 0.01 < registered.filter(is_key=True).count() / registered.count() < 0.055
    first_ratings = Counter(Evaluation.objects.filter(round=1).values_list("value", flat=True))
    assert 0.01 < first_ratings["unsatisfied"] / sum(first_ratings.values()) < 0.055
    answered = Assignment.objects.filter(role__in=ANSWERING, round=1, status=Assignment.Status.DONE)
    late = answered.filter(done_at__date__gt=F("deadline")).count()
    assert 0.065 < late / answered.count() < 0.135


def test_the_rates_are_flags(today):
    demo.seed(
        deputies=60,
        suggestions_per_congress=100,
        township_suggestions_per_deputy=0,
        suggestion_years=1,
        suggestion_reply_mix="100,0,0",
        suggestion_key_rate=0,
        suggestion_overdue_rate=0,
        # The motions builder turns one township motion into a suggestion; these flags are the suggestion builder's.
        motions=0,
    )

    assert set(Reply.objects.values_list("reply_class", flat=True)) == {"A"}
    assert not Suggestion.objects.filter(is_key=True).exists()
    assert not Assignment.objects.filter(done_at__date__gt=F("deadline")).exists()
    assert not Suggestion.objects.filter(congress__level=Level.TOWNSHIP).exists()


def test_no_query_is_made_per_row(monkeypatch):
    # The whole demo (voters' messages and report ratings go through the real services) takes more statements
    # than Django's query log keeps by default (9,000). Patched on the wrapper itself, not the `connection` proxy,
    # so that the undo restores the wrapper's own log.
    wrapper = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(wrapper, "queries_limit", 100_000)
    monkeypatch.setattr(wrapper, "queries_log", deque(maxlen=100_000))

    def lookups(per_congress):
        with pytest.raises(_Undo), transaction.atomic(), CaptureQueriesContext(connection) as captured:
            demo.seed(deputies=40, suggestions_per_congress=per_congress, batch_size=100_000)
            raise _Undo
        # How many statements an insert takes depends on the backend's parameter limit, and on PostgreSQL each
        # COPY batch of a table that has rows first takes its ids from the sequence; everything else is fixed.
        writes = ("INSERT", "COPY ", "SELECT nextval(", "SELECT pg_get_serial_sequence(")
        return len([q for q in captured.captured_queries if not q["sql"].startswith(writes)])

    lookups(5)  # warms the caches other builders keep (content types, the holiday calendar)
    assert lookups(5) == lookups(60)


def test_the_same_seed_gives_the_same_suggestions():
    first = snapshot(seed=5)

    assert first and snapshot(seed=5) == first
    assert snapshot(seed=6) != first


def test_seed_demo_reports_the_suggestions(today):
    out = StringIO()

    call_command("seed_demo", deputies=60, suggestions_per_congress=10, stdout=out)

    assert "代表建议" in out.getvalue()
    county = Suggestion.objects.filter(year=today.year - 1, congress__level=Level.COUNTY)
    assert set(county.values("congress").annotate(n=Count("id")).values_list("n", flat=True)) == {10}


def test_this_years_suggestions_stop_at_today():
    rng = random.Random(1)

    assert len(suggestion_demo._submission_days(rng, 2026, 100, datetime.date(2026, 12, 31))) == 100
    early = suggestion_demo._submission_days(rng, 2027, 100, datetime.date(2027, 1, 2))
    assert all(day <= datetime.date(2027, 1, 2) for day, _session in early)
    assert len(early) < 10
