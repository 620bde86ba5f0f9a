"""The staff suggestion list's filters behind the dashboard's and year report's figures: each lists exactly the
suggestions its figure counts (suggestions/figures.py)."""

import pytest

from representatives import tallies
from representatives.models import Level
from representatives.tests.factories import CongressFactory, StaffFactory
from suggestions import selectors
from suggestions.models import Reply, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def _reply(suggestion, reply_class, round=1, **fields):
    part = AssignmentFactory(suggestion=suggestion, round=round, status="done")
    if reply_class == "B":
        fields.setdefault("promised_date", "2026-12-31")
    if reply_class == "C":
        fields.setdefault("reason", "受财力限制")
    return Reply.objects.create(assignment=part, reply_class=reply_class, text="答复", document="r.pdf", **fields)


@pytest.fixture
def made(regions):
    congress = CongressFactory(region=regions.county_a, level=Level.COUNTY)
    city = CongressFactory(region=regions.city, level=Level.CITY, code="city")
    s = {
        "registered": SuggestionFactory(congress=congress, status=S.REGISTERED),
        "submitted": SuggestionFactory(congress=congress, status=S.SUBMITTED),
        "replied": SuggestionFactory(congress=congress, status=S.REPLIED, replied_at="2026-03-01T10:00+08:00"),
        "rehandled": SuggestionFactory(
            congress=congress, status=S.ASSIGNED, round=2, replied_at="2026-03-01T10:00+08:00"
        ),
        "kept": SuggestionFactory(congress=congress, status=S.REPLIED, replied_at="2026-03-01T10:00+08:00"),
        "half_kept": SuggestionFactory(congress=congress, status=S.REPLIED, replied_at="2026-03-01T10:00+08:00"),
        "city": SuggestionFactory(congress=city, status=S.SUBMITTED),
    }
    _reply(s["kept"], "B", promise_confirmed_at="2026-04-01T10:00+08:00")
    _reply(s["half_kept"], "B", promise_confirmed_at="2026-04-01T10:00+08:00")
    _reply(s["half_kept"], "B")
    # A promise of an earlier round was superseded by the round-2 handling.
    _reply(s["rehandled"], "B", round=1)
    return s


def listed(user, **filters) -> set[int]:
    filterset = selectors.suggestion_list(user=user, filters={key: str(value) for key, value in filters.items()})
    assert not filterset.form.errors
    return set(filterset.qs.values_list("pk", flat=True))


def pks(made, *names):
    return {made[name].pk for name in names}


class TestStage:
    def test_registered_lists_every_suggestion_the_office_took_on(self, made, regions):
        staff = StaffFactory(region=regions.city)
        assert listed(staff, stage="registered") == pks(made, "registered", "replied", "rehandled", "kept", "half_kept")

    def test_replied_and_rehandled(self, made, regions):
        staff = StaffFactory(region=regions.city)
        assert listed(staff, stage="replied") == pks(made, "replied", "rehandled", "kept", "half_kept")
        assert listed(staff, stage="rehandled") == pks(made, "rehandled")


class TestPromise:
    def test_made_and_kept_are_of_the_current_round_and_kept_means_every_promise(self, made, regions):
        staff = StaffFactory(region=regions.city)
        assert listed(staff, promise="made") == pks(made, "kept", "half_kept")
        assert listed(staff, promise="kept") == pks(made, "kept")

    def test_the_tallies_count_what_the_filters_list(self, made, regions):
        tallies.rebuild(["suggestions"])
        found = tallies.sums({"suggestions": tallies.Q(year=2026)})
        assert (found.total("suggestions", "promised"), found.total("suggestions", "all_kept")) == (2, 1)


class TestOwn:
    def test_own_lists_the_regions_own_suggestions_not_those_below(self, made, regions):
        staff = StaffFactory(region=regions.city)
        assert listed(staff, region=regions.city.pk, own="on") == pks(made, "city")
        assert len(listed(staff, region=regions.city.pk)) == 7
