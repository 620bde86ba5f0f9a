import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from congress.celery import app as celery_app
from evaluations import services, tasks
from evaluations.models import (
    Attendance,
    CongressSession,
    GroupYearNote,
    RuleItem,
    RuleSet,
    Score,
    ScoreRun,
    UnitRuleSet,
)
from representatives.tests.factories import (
    ActivityRecordFactory,
    CongressFactory,
    DeputyFactory,
    GroupFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def congress(regions):
    return CongressFactory(region=regions.county_a, level=4, code="440703-4-17", term_number=17)


@pytest.fixture
def rule_set(regions):
    return services.rule_set_create_example(region=regions.county_a, year=YEAR)


@pytest.fixture
def deputies(regions, congress):
    people = []
    for n in range(3):
        deputy = DeputyFactory(region=regions.town_a)
        MembershipFactory(deputy=deputy, congress=congress)
        for _ in range(n):
            ActivityRecordFactory(deputy=deputy, kind="training", status="confirmed", date=datetime.date(YEAR, 5, 1))
        people.append(deputy)
    return people


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def eager_celery():
    """Tasks sent with .delay() run in the test's own thread, as they would on a worker."""
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def act(client, action, *objects):
    return client.post(
        reverse("admin:evaluations_ruleset_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


def change_form_data(response) -> dict:
    """The change form as the browser would submit it unchanged, inlines included."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = value
    return data


class TestRuleSetAdmin:
    def test_every_evaluations_page_opens_for_office_staff(self, staff_client, rule_set, deputies, congress, regions):
        services.score_year_now(rule_set=rule_set)
        session = CongressSession.objects.create(
            congress=congress,
            name="第五次会议",
            start_date=datetime.date(YEAR, 1, 5),
            end_date=datetime.date(YEAR, 1, 8),
        )
        Attendance.objects.create(session=session, deputy=deputies[0], status="present")
        UnitRuleSet.objects.create(region=regions.county_a, year=YEAR)
        GroupYearNote.objects.create(group=GroupFactory(region=regions.town_a), year=YEAR)
        for model in (
            "ruleset",
            "scorerun",
            "congresssession",
            "score",
            "scoreadjustment",
            "unitruleset",
            "groupyearnote",
        ):
            assert staff_client.get(reverse(f"admin:evaluations_{model}_changelist")).status_code == 200, model
        assert staff_client.get(reverse("admin:evaluations_ruleset_change", args=[rule_set.pk])).status_code == 200
        body = staff_client.get(reverse("admin:evaluations_congresssession_change", args=[session.pk])).content.decode()
        assert "attendance-0-deputy" in body

    def test_results_runs_and_adjustments_are_read_only(self, staff_client, rule_set, deputies):
        services.score_year_now(rule_set=rule_set)
        for model in ("score", "scorerun", "scoreadjustment"):
            assert staff_client.get(reverse(f"admin:evaluations_{model}_add")).status_code == 403, model
        score = Score.objects.first()
        response = staff_client.post(reverse("admin:evaluations_score_change", args=[score.pk]), {"total": "100"})
        assert response.status_code == 403

    def test_editing_an_item_makes_a_new_version(self, staff_client, rule_set):
        url = reverse("admin:evaluations_ruleset_change", args=[rule_set.pk])
        data = change_form_data(staff_client.get(url))
        training = next(k for k, v in data.items() if k.endswith("-metric") and v == "training")
        data[training.replace("-metric", "-points")] = "3"
        response = staff_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        rule_set.refresh_from_db()
        assert rule_set.version == 2
        assert RuleItem.objects.get(rule_set=rule_set, metric="training").points == Decimal(3)

    def test_saving_without_changes_keeps_the_version(self, staff_client, rule_set):
        url = reverse("admin:evaluations_ruleset_change", args=[rule_set.pk])
        assert staff_client.post(url, change_form_data(staff_client.get(url))).status_code == 302
        rule_set.refresh_from_db()
        assert rule_set.version == 1

    def test_staff_of_another_county_cannot_see_the_rule_set(self, client, staff_b, rule_set):
        client.force_login(staff_b)
        response = client.get(reverse("admin:evaluations_ruleset_changelist"))
        assert rule_set.name not in response.content.decode()
        assert client.get(reverse("admin:evaluations_ruleset_change", args=[rule_set.pk])).status_code == 302

    def test_copying_makes_next_years_rule_set_and_opens_it(self, staff_client, rule_set):
        response = act(staff_client, "copy_to_next_year", rule_set)
        copy = RuleSet.objects.get(year=YEAR + 1)
        assert response["Location"] == reverse("admin:evaluations_ruleset_change", args=[copy.pk])
        assert (copy.region, copy.copied_from, copy.items.count()) == (rule_set.region, rule_set, 9)

    def test_copying_onto_an_existing_year_is_refused_with_a_message(self, staff_client, rule_set):
        services.rule_set_copy(source=rule_set, year=YEAR + 1)
        response = act(staff_client, "copy_to_next_year", rule_set)
        assert any("该年度已有考评规则" in message for message in messages_of(response))
        assert RuleSet.objects.count() == 2


class TestScoringRuns:
    def test_the_run_action_queues_a_run_computes_it_on_celery_and_shows_its_progress(
        self, staff_client, staff_a, rule_set, deputies, eager_celery, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = act(staff_client, "run_scoring", rule_set)
        run = ScoreRun.objects.get()
        assert response["Location"] == reverse("admin:evaluations_scorerun_progress", args=[run.pk])
        assert (run.status, run.deputies_scored, run.by) == ("done", 3, staff_a)
        assert Score.objects.filter(rule_set=rule_set).count() == 3
        page = staff_client.get(response["Location"]).content.decode()
        assert "vendor/htmx/htmx.min.js" in page
        fragment = staff_client.get(reverse("admin:evaluations_scorerun_progress_fragment", args=[run.pk]))
        body = fragment.content.decode()
        assert 'data-status="done"' in body and 'data-percent="100"' in body
        assert "hx-trigger" not in body  # finished: polling stops
        assert "已计算 3 名代表" in body

    def test_a_queued_run_polls_every_two_seconds(self, staff_client, rule_set, deputies):
        act(staff_client, "run_scoring", rule_set)  # the commit hook never fires here, so the run stays queued
        run = ScoreRun.objects.get()
        listing = staff_client.get(reverse("admin:evaluations_scorerun_changelist")).content.decode()
        assert reverse("admin:evaluations_scorerun_progress", args=[run.pk]) in listing
        body = staff_client.get(reverse("admin:evaluations_scorerun_progress", args=[run.pk])).content.decode()
        assert 'hx-trigger="every 2s"' in body and 'data-percent="0"' in body
        assert reverse("admin:evaluations_scorerun_progress_fragment", args=[run.pk]) in body

    def test_the_task_stores_its_progress_in_the_cache(self, rule_set, deputies):
        from django.core.cache import cache

        run = services.score_run_queue(rule_set=rule_set)
        seen = []
        original = cache.set

        def spy(key, value, *args, **kwargs):
            if key == f"score-run:{run.pk}":
                seen.append(value)
            return original(key, value, *args, **kwargs)

        cache.set = spy
        try:
            assert tasks.run_score(run.pk) == 3
        finally:
            cache.set = original
        assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
        assert cache.get(f"score-run:{run.pk}") == 100

    def test_a_finished_run_delivered_again_is_not_run_twice(self, rule_set, deputies):
        run = services.score_year_now(rule_set=rule_set)
        assert tasks.run_score(run.pk) == 0

    def test_a_second_run_while_one_is_queued_is_refused(self, staff_client, rule_set):
        services.score_run_queue(rule_set=rule_set)
        response = act(staff_client, "run_scoring", rule_set)
        assert any("正在计算中" in message for message in messages_of(response))
        assert ScoreRun.objects.count() == 1

    def test_a_broker_outage_fails_the_run_instead_of_leaving_it_queued(
        self, staff_client, rule_set, monkeypatch, django_capture_on_commit_callbacks
    ):
        def down(*args, **kwargs):
            raise ConnectionError("broker unreachable")

        monkeypatch.setattr(tasks.run_score, "delay", down)
        with django_capture_on_commit_callbacks(execute=True):
            act(staff_client, "run_scoring", rule_set)
        run = ScoreRun.objects.get()
        assert run.status == "failed" and "broker unreachable" in run.error

    def test_staff_of_another_county_cannot_follow_the_run(self, client, staff_b, rule_set):
        run = services.score_run_queue(rule_set=rule_set)
        client.force_login(staff_b)
        assert client.get(reverse("admin:evaluations_scorerun_progress", args=[run.pk])).status_code == 404
        assert client.get(reverse("admin:evaluations_scorerun_progress_fragment", args=[run.pk])).status_code == 404
