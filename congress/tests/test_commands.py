"""Every management command of the project's own apps answers ``--help``, in Chinese and in English."""

import re

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import translation

PROJECT_APPS = ("representatives", "liaison_stations", "suggestions", "evaluations", "congress")
CJK = re.compile(r"[\u4e00-\u9fff]")


def project_commands() -> list[tuple[str, str]]:
    return sorted(
        (name, app)
        for name, app in get_commands().items()
        if any(app == top or app.startswith(top + ".") for top in PROJECT_APPS)
    )


def squeeze(text: str) -> str:
    # argparse wraps the description to the terminal's width.
    return " ".join(text.split())


def test_the_discovery_finds_the_project_commands():
    names = {name for name, _ in project_commands()}
    assert {"seed_demo", "score_year", "send_deadline_reminders", "send_opinion_reminders"} <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("name", "app"), project_commands())
def test_help_prints_the_commands_own_text(name, app, language, capsys):
    with translation.override(language):
        expected = str(load_command_class(app, name).help)
        with pytest.raises(SystemExit) as exited:
            call_command(name, "--help")
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert expected.strip(), f"{name} has no help text"
    assert squeeze(expected) in squeeze(out)
    assert "None" not in out, "a default shown as None"
    if language == "en":
        assert not CJK.search(expected), f"{name}'s help has no English translation: {expected}"
    else:
        assert CJK.search(expected), f"{name}'s help is not a Chinese source string: {expected}"
