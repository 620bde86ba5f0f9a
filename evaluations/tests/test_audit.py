"""Score history: each bulk run is recorded, and what people change (rules, adjustments) field by field."""

import datetime
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from evaluations import services
from evaluations.models import RuleItem, Score, ScoreAdjustment, ScoreRun
from representatives.audit import REGION_KEY
from representatives.models import ActivityKind
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def rule_set(regions):
    return services.rule_set_create_example(region=regions.county_a, year=YEAR)


@pytest.fixture
def deputies(regions):
    congress = CongressFactory(region=regions.county_a, level=4, code="440703-4-17")
    deputies = [DeputyFactory(region=regions.town_a) for _ in range(3)]
    for deputy in deputies:
        MembershipFactory(deputy=deputy, congress=congress)
    return deputies


def test_each_run_records_who_when_which_rules_and_how_many_rows_it_replaced(rule_set, deputies, staff_a):
    first = services.score_year_now(rule_set=rule_set, by=staff_a)
    second = services.score_year_now(rule_set=rule_set, by=staff_a)

    assert (first.by, first.rule_set, first.rule_set.year, first.rule_set_version) == (
        staff_a,
        rule_set,
        YEAR,
        rule_set.version,
    )
    assert first.started_at is not None and first.finished_at is not None
    assert (first.deputies_scored, first.scores_replaced) == (3, 0)
    assert (second.deputies_scored, second.scores_replaced) == (3, 3)
    assert list(ScoreRun.objects.filter(rule_set=rule_set).values_list("pk", flat=True)) == [second.pk, first.pk]


def test_an_adjustment_is_audited_with_the_scores_before_and_after(rule_set, deputies, staff_a, regions):
    deputy = deputies[0]
    ActivityRecordFactory(deputy=deputy, kind=ActivityKind.TRAINING, status="confirmed", date=datetime.date(YEAR, 5, 1))
    services.score_year_now(rule_set=rule_set)
    score = Score.objects.get(rule_set=rule_set, deputy=deputy)
    before = score.total

    with set_actor(staff_a):
        services.score_adjust(score=score, points=Decimal("5"), reason="补录培训", by=staff_a)

    adjustment = LogEntry.objects.get_for_object(ScoreAdjustment.objects.get())
    assert adjustment.get().actor == staff_a
    assert adjustment.get().changes_dict["points"] == ["None", "5"]
    change = LogEntry.objects.get_for_object(score).get(action=LogEntry.Action.UPDATE)
    assert change.actor == staff_a
    assert change.changes_dict["total"] == [str(before), str(before + 5)]
    assert change.changes_dict["adjustment"] == ["0.0", "5.0"]
    assert change.additional_data == {REGION_KEY: regions.town_a.path}


def test_bulk_runs_write_no_per_row_history(rule_set, deputies):
    services.score_year_now(rule_set=rule_set)
    services.score_year_now(rule_set=rule_set)

    assert Score.objects.count() == 3
    assert not LogEntry.objects.filter(content_type__model="score").exists()


def test_a_rule_change_is_audited_in_the_rule_sets_region(rule_set, staff_a, regions):
    item = rule_set.items.first()

    with set_actor(staff_a):
        item.points = item.points + 1
        item.save()

    entry = LogEntry.objects.get_for_object(item).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff_a
    assert list(entry.changes_dict) == ["points"]
    assert entry.additional_data == {REGION_KEY: regions.county_a.path}
    assert RuleItem.objects.filter(pk=item.pk, points=item.points).exists()
