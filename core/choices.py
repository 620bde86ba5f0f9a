"""``get_<field>_display`` without translating every label of the field on each call.

Django's own ``Model._get_FIELD_display`` builds a dict of the field's choices on every call, hashing each
``(value, label)`` pair, and hashing a lazy label translates it: a status with twelve states costs twelve
translation lookups per row, 300 on a list page of 25 rows (a tenth of a staff list's CPU, bench/README.md).
``install()`` replaces the generated methods with ones that look the value up in a dict built once per field
and language, of the labels already translated into it (the catalogs do not change while a process runs). Same
results as Django's (``core/tests/test_choices.py`` compares every field of every model in
both languages).
"""

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

# Django's own method, which the generated ``get_<field>_display`` methods call (a private name).
DJANGOS_DISPLAY = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def _shown(field: "models.Field[Any, Any]", language: str | None) -> dict[Any, Any]:
    """The field's labels as text in ``language``: translated once per process, not once per row shown (a
    list page shows 50-75 labels; each lazy label's translation was a catalog lookup)."""
    by_language: dict[str | None, dict[Any, Any]] = field.__dict__.setdefault("_shown_labels", {})
    shown = by_language.get(language)
    if shown is None:
        shown = by_language[language] = {
            make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices
        }
    return shown


_MISSING = object()


def _get_field_display(self: models.Model, field: "models.Field[Any, Any]") -> Any:
    value = getattr(self, field.attname)
    try:
        label = _shown(field, get_language()).get(make_hashable(value), _MISSING)
    except TypeError:  # a value that cannot be hashed: what Django's method would do with it
        return DJANGOS_DISPLAY(self, field)
    return force_str(value, strings_only=True) if label is _MISSING else label


def install() -> None:
    """Replace the display methods Django generated for fields with fixed choices (callable choices may change
    between calls, so those keep Django's)."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not isinstance(field.choices, list | tuple):
                continue
            name = f"get_{field.name}_display"
            generated = model.__dict__.get(name)
            if isinstance(generated, partialmethod) and generated.func is DJANGOS_DISPLAY:
                setattr(model, name, partialmethod(_get_field_display, field=field))
