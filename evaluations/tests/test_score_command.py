import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evaluations import services
from evaluations.management.commands.score_year import Command
from evaluations.models import RuleSet, Score
from representatives.tests.factories import CongressFactory, DeputyFactory, MembershipFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def county_rules(regions):
    congress = CongressFactory(region=regions.county_a, level=4, code="440703-4-17", term_number=17)
    for _ in range(3):
        MembershipFactory(deputy=DeputyFactory(region=regions.town_a), congress=congress)
    return services.rule_set_create_example(region=regions.county_a, year=YEAR)


@pytest.fixture
def other_county_rules(regions):
    congress = CongressFactory(region=regions.county_b, level=4, code="440781-4-17", term_number=17)
    MembershipFactory(deputy=DeputyFactory(region=regions.town_b), congress=congress)
    return services.rule_set_create_example(region=regions.county_b, year=YEAR)


def run(*args) -> str:
    out = io.StringIO()
    call_command("score_year", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_the_command_scores_every_rule_set_of_the_year_and_says_how_many_and_how_long(county_rules, other_county_rules):
    output = run(YEAR)
    assert "蓬江区 2025：已计算 3 名代表，用时" in output
    assert "台山市 2025：已计算 1 名代表，用时" in output and "秒" in output
    assert Score.objects.count() == 4


def test_region_limits_the_command_to_that_regions_rule_set(county_rules, other_county_rules):
    output = run(YEAR, "--region", "440781")
    assert "台山市" in output and "蓬江区" not in output
    assert set(Score.objects.values_list("rule_set", flat=True)) == {other_county_rules.pk}


def test_counts_are_written_with_thousands_separators(county_rules, monkeypatch):
    real = services.score_year_now

    def big(**kwargs):
        run = real(**kwargs)
        run.deputies_scored = 3000
        return run

    monkeypatch.setattr(services, "score_year_now", big)
    assert "已计算 3,000 名代表" in run(YEAR)


def test_without_a_rule_set_for_the_year_it_creates_none_says_so_and_exits_1(regions, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends, which would close the test database's on PostgreSQL.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "score_year", str(YEAR)])
    assert exit_info.value.code == 1
    assert "2025 年度没有考评规则，未计算" in capsys.readouterr().err
    assert not RuleSet.objects.exists()


def test_a_region_without_rules_for_the_year_is_reported(county_rules):
    with pytest.raises(CommandError, match="没有考评规则") as error:
        run(YEAR, "--region", "440781")
    assert error.value.returncode == 1


def test_an_unknown_region_code_is_reported(county_rules):
    with pytest.raises(CommandError, match="没有区划代码为 999999 的区域"):
        run(YEAR, "--region", "999999")


def test_a_rule_set_already_being_scored_is_reported_and_the_others_still_run(county_rules, other_county_rules):
    services.score_run_queue(rule_set=county_rules)
    err = io.StringIO()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 套考评规则未能计算"):
        call_command("score_year", str(YEAR), stdout=out, stderr=err)
    assert "正在计算中" in err.getvalue()
    assert "台山市 2025：已计算 1 名代表" in out.getvalue()
