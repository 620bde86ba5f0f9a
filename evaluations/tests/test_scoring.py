import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations import scoring, services
from evaluations.models import Attendance, CongressSession, Metric, RuleItem, Score, ScoreAdjustment
from liaison_stations.tests.factories import DutyDayFactory, DutyShiftFactory
from representatives.models import ActivityKind
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    MembershipFactory,
)
from suggestions.models import CoSigner
from suggestions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
D = Decimal


def at(month, day):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, 10))


@pytest.fixture
def congress(regions):
    return CongressFactory(region=regions.county_a, level=4, code="440703-4-17")


@pytest.fixture
def rule_set(regions):
    return services.rule_set_create_example(region=regions.county_a, year=YEAR)


@pytest.fixture
def deputy(congress, regions):
    deputy = DeputyFactory(region=regions.town_a)
    MembershipFactory(deputy=deputy, congress=congress)
    return deputy


def activity(deputy, kind, n=1, status="confirmed", **extra):
    for _ in range(n):
        ActivityRecordFactory(deputy=deputy, kind=kind, status=status, date=datetime.date(YEAR, 5, 1), **extra)


def attend(deputy, congress, status):
    session = CongressSession.objects.create(
        congress=congress,
        name=f"会议{CongressSession.objects.count()}",
        start_date=datetime.date(YEAR, 1, 10),
        end_date=datetime.date(YEAR, 1, 12),
    )
    Attendance.objects.create(session=session, deputy=deputy, status=status)


def score_of(rule_set, deputy) -> Score:
    services.score_year_now(rule_set=rule_set)
    return Score.objects.get(rule_set=rule_set, deputy=deputy)


class TestItems:
    def test_attending_the_session_scores_ten(self, rule_set, deputy, congress):
        attend(deputy, congress, Attendance.Status.PRESENT)
        score = score_of(rule_set, deputy)
        assert (score.n_attendance, score.p_attendance) == (1, D(10))

    def test_absence_without_leave_deducts_ten_and_leave_does_not(self, rule_set, deputy, congress):
        attend(deputy, congress, Attendance.Status.ABSENT)
        attend(deputy, congress, Attendance.Status.LEAVE)
        score = score_of(rule_set, deputy)
        assert (score.n_absence, score.p_absence, score.total) == (1, D(-10), D(-10))

    def test_led_suggestions_count_once_registered_and_are_capped_at_twenty(self, rule_set, deputy, congress):
        for _ in range(5):
            SuggestionFactory(deputy=deputy, congress=congress, status="closed", registered_at=at(3, 1))
        SuggestionFactory(deputy=deputy, congress=congress, status="not_registered", refusal_reason="信访")
        SuggestionFactory(deputy=deputy, congress=congress, status="submitted")
        score = score_of(rule_set, deputy)
        assert (score.n_suggestion_led, score.p_suggestion_led) == (5, D(20))

    def test_only_accepted_co_signatures_count(self, rule_set, deputy, congress):
        for status in ("accepted", "accepted", "invited", "declined"):
            suggestion = SuggestionFactory(congress=congress, status="assigned", registered_at=at(4, 1))
            CoSigner.objects.create(suggestion=suggestion, deputy=deputy, status=status)
        score = score_of(rule_set, deputy)
        assert (score.n_suggestion_cosigned, score.p_suggestion_cosigned) == (2, D(2))

    def test_confirmed_closed_session_activities_score_two_each_capped_at_twenty(self, rule_set, deputy):
        activity(deputy, ActivityKind.INSPECTION, 4)
        activity(deputy, ActivityKind.RESEARCH, 4)
        activity(deputy, ActivityKind.HEARING, 4)
        activity(deputy, ActivityKind.LAW_CHECK, 1, status="pending")
        activity(deputy, ActivityKind.RESEARCH, 1, status="returned", return_reason="x")
        score = score_of(rule_set, deputy)
        assert (score.n_closed_session, score.p_closed_session) == (12, D(20))

    def test_held_duty_days_attended_score_three_each(self, rule_set, deputy):
        for status, attended in (("held", True), ("held", True), ("held", False), ("planned", None)):
            day = DutyDayFactory(date=datetime.date(YEAR, 6, 1), status=status)
            DutyShiftFactory(duty_day=day, deputy=deputy, attended=attended)
        score = score_of(rule_set, deputy)
        assert (score.n_duty_day, score.p_duty_day) == (2, D(6))

    def test_a_report_to_voters_scores_ten_plus_five_when_rated_good_capped_at_fifteen(self, rule_set, deputy):
        activity(deputy, ActivityKind.REPORT_TO_VOTERS, 1, voters_attended=50, voter_rating="good")
        score = score_of(rule_set, deputy)
        assert (score.n_report, score.n_report_good, score.p_report) == (1, 1, D(15))

    def test_a_fairly_rated_report_scores_ten(self, rule_set, deputy):
        activity(deputy, ActivityKind.REPORT_TO_VOTERS, 1, voters_attended=50, voter_rating="fair")
        assert score_of(rule_set, deputy).p_report == D(10)

    def test_other_years_do_not_count(self, rule_set, deputy):
        ActivityRecordFactory(deputy=deputy, kind="training", status="confirmed", date=datetime.date(YEAR - 1, 12, 31))
        ActivityRecordFactory(deputy=deputy, kind="training", status="confirmed", date=datetime.date(YEAR + 1, 1, 1))
        assert score_of(rule_set, deputy).n_training == 0

    def test_a_metric_without_an_item_is_counted_but_scores_nothing(self, rule_set, deputy):
        activity(deputy, ActivityKind.OTHER, 3)
        score = score_of(rule_set, deputy)
        assert (score.n_other, score.p_other) == (3, D(0))


class TestTotalsGradesWarnings:
    def build(self, deputy, congress, *, sessions=1, activities=0, reports=0, duty=0):
        for _ in range(sessions):
            attend(deputy, congress, Attendance.Status.PRESENT)
        activity(deputy, ActivityKind.RESEARCH, activities)
        activity(deputy, ActivityKind.REPORT_TO_VOTERS, reports, voters_attended=30, voter_rating="good")
        for _ in range(duty):
            DutyShiftFactory(
                duty_day=DutyDayFactory(date=datetime.date(YEAR, 7, 1), status="held"), deputy=deputy, attended=True
            )

    def test_a_full_record_adds_up(self, rule_set, deputy, congress):
        self.build(deputy, congress, activities=10, duty=8, reports=1)
        score = score_of(rule_set, deputy)
        # 10 (session) + 20 (activities, capped) + 24 (duty days, capped) + 15 (report with bonus) = 69
        assert (score.total, score.grade, score.warning) == (D(69), "competent", "")

    @pytest.mark.parametrize(
        ("points", "grade", "warning"),
        [
            (D(90), "excellent", ""),
            (D("89.9"), "competent", ""),
            (D(60), "competent", ""),
            (D("59.9"), "basic", "yellow"),
            (D(40), "basic", "yellow"),
            (D("39.9"), "incompetent", "orange"),
            (D(20), "incompetent", "orange"),
            (D("19.9"), "incompetent", "red"),
        ],
    )
    def test_grade_and_warning_edges(self, rule_set, deputy, points, grade, warning):
        # One "other" activity worth exactly the points under test isolates the band edges.
        RuleItem.objects.create(rule_set=rule_set, metric=Metric.OTHER, points=points, cap=None)
        activity(deputy, ActivityKind.OTHER, 1)
        score = score_of(rule_set, deputy)
        assert (score.total, score.grade, score.warning) == (points, grade, warning)

    def test_two_years_below_forty_is_a_red_warning(self, rule_set, deputy, regions):
        earlier = services.rule_set_copy(source=rule_set, year=YEAR - 1)
        ActivityRecordFactory(deputy=deputy, kind="research", status="confirmed", date=datetime.date(YEAR - 1, 3, 1))
        score_of(earlier, deputy)  # 2 points in the earlier year
        activity(deputy, ActivityKind.RESEARCH, 12)  # 20 points this year: orange on its own
        assert score_of(rule_set, deputy).warning == "red"


class TestRunsAndAdjustments:
    def test_re_running_replaces_results(self, rule_set, deputy):
        activity(deputy, ActivityKind.TRAINING, 1)
        assert score_of(rule_set, deputy).p_training == D(2)
        activity(deputy, ActivityKind.TRAINING, 1)
        assert score_of(rule_set, deputy).p_training == D(4)
        assert Score.objects.filter(rule_set=rule_set).count() == 1

    def test_a_failed_run_leaves_the_earlier_results(self, rule_set, deputy, monkeypatch):
        activity(deputy, ActivityKind.TRAINING, 1)
        score_of(rule_set, deputy)

        def broken(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(scoring, "scoring_sql", broken)
        with pytest.raises(RuntimeError):
            services.score_year_now(rule_set=rule_set)
        assert Score.objects.get(rule_set=rule_set).p_training == D(2)

    def test_an_adjustment_has_a_reason_and_survives_a_re_run(self, rule_set, deputy, staff_a):
        activity(deputy, ActivityKind.TRAINING, 1)
        score = score_of(rule_set, deputy)
        with pytest.raises(services.TransitionError):
            services.score_adjust(score=score, points=D(5), reason=" ", by=staff_a)
        services.score_adjust(score=score, points=D(5), reason="补录市人大组织的培训", by=staff_a)
        assert Score.objects.get(pk=score.pk).total == D(7)
        rerun = score_of(rule_set, deputy)
        assert (rerun.computed_total, rerun.adjustment, rerun.total) == (D(2), D(5), D(7))
        assert ScoreAdjustment.objects.count() == 1

    def test_staff_of_another_county_cannot_adjust(self, rule_set, deputy, staff_b):
        score = score_of(rule_set, deputy)
        with pytest.raises(services.TransitionError):
            services.score_adjust(score=score, points=D(5), reason="x", by=staff_b)

    def test_results_keep_the_rule_set_version(self, rule_set, deputy):
        services.rule_set_touch(rule_set)
        rule_set.refresh_from_db()
        assert score_of(rule_set, deputy).rule_set_version == rule_set.version == 2

    def test_deputies_of_other_regions_and_long_gone_ones_are_not_scored(self, rule_set, deputy, congress, regions):
        MembershipFactory(deputy__region=regions.town_b)
        MembershipFactory(
            deputy__region=regions.town_a,
            congress=congress,
            status="resigned",
            status_date=datetime.date(YEAR - 1, 6, 1),
        )
        left_this_year = MembershipFactory(
            deputy__region=regions.town_a, congress=congress, status="resigned", status_date=datetime.date(YEAR, 6, 1)
        )
        services.score_year_now(rule_set=rule_set)
        assert set(Score.objects.values_list("deputy_id", flat=True)) == {deputy.pk, left_this_year.deputy_id}

    def test_copying_a_rule_set_copies_its_items_grades_and_warnings(self, rule_set):
        copy = services.rule_set_copy(source=rule_set, year=YEAR + 1)
        assert copy.items.count() == rule_set.items.count() == 9
        assert (copy.grades.count(), copy.warnings.count(), copy.copied_from) == (4, 3, rule_set)

    def test_scoring_many_deputies_uses_a_fixed_number_of_queries(
        self, rule_set, congress, regions, django_assert_max_num_queries
    ):
        for _ in range(40):
            MembershipFactory(deputy__region=regions.town_a, congress=congress)
        # 40 deputies or 40,000: chunks and statements are fixed (plus ANALYZE of the counted tables on PostgreSQL).
        with django_assert_max_num_queries(50):
            run = services.score_year_now(rule_set=rule_set)
        assert run.deputies_scored == 40


def test_a_run_left_running_by_a_dead_worker_stops_blocking_after_an_hour(rule_set, deputy):
    from evaluations.models import ScoreRun

    stuck = services.score_run_queue(rule_set=rule_set)
    with pytest.raises(services.TransitionError):
        services.score_run_queue(rule_set=rule_set)
    ScoreRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert services.score_run_queue(rule_set=rule_set).pk != stuck.pk
    assert ScoreRun.objects.get(pk=stuck.pk).status == ScoreRun.Status.FAILED


@pytest.mark.django_db
class TestPlannerStatistics:
    def test_only_tables_with_missing_or_old_statistics_are_analyzed(self, monkeypatch):
        from django.db import connection

        from evaluations import scoring

        if connection.vendor != "postgresql":
            assert scoring.stale_tables() == [] and scoring.refresh_statistics() == []
            return
        tables = [model._meta.db_table for model in scoring.SOURCE_MODELS]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        assert scoring.stale_tables() == []

        # Every table counts as stale when any share of changed rows is too many.
        monkeypatch.setattr(scoring, "STALE_STATISTICS_SHARE", -1)
        assert scoring.refresh_statistics() == tables
