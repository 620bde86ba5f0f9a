"""The searchable select (``static/js/autocomplete.js`` with the vendored Tom Select), for choice lists that
grow with the data. See ``core/autocomplete.py`` for the endpoint it asks."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from . import autocomplete


def attrs_html(attrs: dict[str, Any]) -> str:
    """A widget's attributes as Django's ``attrs.html`` writes them: in order, ``True`` as the bare name,
    ``False`` left out, every value escaped."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, value))
    return "".join(parts)


def options_html(optgroups: Iterable[tuple[Any, list[dict[str, Any]], Any]]) -> str:
    """The ``<option>``s (and ``<optgroup>``s) of a select widget's ``optgroups()``, written in Python.

    The same HTML as Django's ``select.html`` and ``select_option.html`` write, without a template render per
    option: rendering options through templates was half of a list page's time (bench/README.md).
    """
    parts: list[str] = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(
            format_html(
                '<option value="{}"{}>{}</option>',
                option["value"],
                mark_safe(attrs_html(option["attrs"])),  # escaped by attrs_html  # nosec B308, B703
                option["label"],
            )
            for option in options
        )
        if group_name:
            parts.append("</optgroup>")
    return "".join(parts)


def select_html(widget: dict[str, Any], options: str) -> SafeString:
    """A ``<select>`` around ``options`` (already escaped) for the widget context ``widget``."""
    attrs = mark_safe(attrs_html(widget["attrs"]))  # escaped by attrs_html  # nosec B308, B703
    opening = format_html('<select name="{}"{}>', widget["name"], attrs)
    # Every part is either a constant or came from format_html, which escapes what it inserts.
    return mark_safe(f"{opening}{options}</select>")  # escaped parts and constants only  # nosec B308, B703


class AutocompleteSelect(forms.Select):
    """A ``<select>`` holding only the empty choice and the chosen one: the others are searched for.

    Without JavaScript the page still shows and submits the chosen value (or clears it); with it, the select
    becomes a search box that asks ``core:autocomplete`` for the user's allowed rows of ``source``.
    """

    def __init__(self, source: str, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs, choices)
        self.source = source

    def __deepcopy__(self, memo: dict[int, Any]) -> "AutocompleteSelect":
        copy = super().__deepcopy__(memo)
        copy.source = self.source
        return copy

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        # Written in Python as the other filter selects are (``options_html``): the form renderer's templates
        # cost more than the one or two options this select holds.
        widget = self.get_context(name, value, attrs)["widget"]
        return select_html(widget, options_html(widget["optgroups"]))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-autocomplete": reverse("staff:autocomplete", args=[self.source]),
                "data-placeholder": str(_("输入名称搜索")),
                "data-no-results": str(_("没有找到")),
            }
        )
        return context

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        # Only the chosen rows are read and written: the field's queryset is the user's allowed rows, so a
        # chosen id outside it renders nothing here and the field reports it as an invalid choice.
        chosen = [str(v) for v in value if v not in (None, "")]
        field = getattr(self.choices, "field", None)
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", self._empty_label(), not chosen, 0))
            chosen = chosen[:1]  # a single select, as Django's marks only its first value
        if chosen and field is not None:
            source = autocomplete.sources[self.source]
            label = source.label
            queryset = field.queryset.select_related(*source.related) if source.related else field.queryset
            key = getattr(field, "to_field_name", None) or "pk"
            rows = []
            for chosen_value in dict.fromkeys(chosen):
                # One exact match per chosen value, as the field's own lookup does: safe for any text (a pk__in
                # with an id past the column's range would fail in the database); what it refuses the field reports.
                try:
                    rows.append(queryset.get(**{key: chosen_value}))
                except (ValueError, TypeError, ValidationError, queryset.model.DoesNotExist):
                    continue
            for index, row in enumerate(rows, len(options)):
                options.append(self.create_option(name, field.prepare_value(row), label(row), True, index))
        return [(None, options, 0)]

    def _empty_label(self) -> str:
        field = getattr(self.choices, "field", None)
        label = getattr(field, "empty_label", None)
        return str(label) if label is not None else "---------"


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    """The multiple-choice form of ``AutocompleteSelect``: only the chosen rows are rendered, the rest searched."""

    allow_multiple_selected = True
