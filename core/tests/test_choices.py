import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core import choices
from liaison_stations.models import Opinion

PROJECT_APPS = {"core", "representatives", "liaison_stations", "training", "livelihood", "suggestions", "motions"}
PROJECT_APPS |= {"evaluations", "api"}


def fields_with_fixed_choices():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and isinstance(field.choices, list | tuple) and field.choices:
                yield model, field


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_display_method_gives_what_djangos_own_gives(language):
    checked = 0
    with translation.override(language):
        for model, field in fields_with_fixed_choices():
            instance = model()
            values = [value for value, _label in field.flatchoices] + ["not-a-choice", None]
            for value in values:
                setattr(instance, field.attname, value)
                shown = getattr(instance, f"get_{field.name}_display")()
                assert shown == choices.DJANGOS_DISPLAY(instance, field), (model, field.name, value)
                checked += 1
    assert checked > 200


def test_the_project_models_use_the_fast_method():
    method = Opinion.__dict__["get_status_display"]
    assert method.func is choices._get_field_display


def test_a_label_is_shown_in_the_language_of_the_moment():
    opinion = Opinion(status=Opinion.Status.RECEIVED)
    with translation.override("zh-hans"):
        chinese = opinion.get_status_display()
        assert chinese == str(Opinion.Status.RECEIVED.label)
    with translation.override("en"):
        english = opinion.get_status_display()
        assert english == str(Opinion.Status.RECEIVED.label)
    assert chinese != english
