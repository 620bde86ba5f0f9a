"""A figure's link and text are what urlencode, intcomma and format_html would write (evaluations/presenters.py
writes them itself, a few hundred per dashboard)."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation
from django.utils.html import format_html

from evaluations.presenters import Figure, _query_string, _thousands

QUERIES = [
    {"served_in": 2026, "election": "direct", "region": 17, "own": "on"},
    {
        "kind": "report",
        "status": "confirmed",
        "date_from": datetime.date(2026, 1, 1),
        "date_to": datetime.date(2026, 12, 31),
    },
    {"q": "张三 李四", "handled": "on_the_spot&x=1", "odd key": "a/b+c", "list": [1, 2]},
    {},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_query_string_is_urlencodes(query):
    assert _query_string(query) == urlencode(query)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("value", [0, 7, 999, 1000, 12345, 1234567, -4321, 3.5, 1234.5])
def test_numbers_are_grouped_as_intcomma_groups_them(language, value):
    with translation.override(language):
        assert _thousands(value) == intcomma(value)


@pytest.mark.parametrize("value", [None, 0, 12345, 66.7])
def test_the_link_is_format_htmls(value):
    figure = Figure(
        label="代表",
        value=value,
        url="/staff/deputies/?served_in=2026&q=<b>",
        kind="rate" if value == 66.7 else "count",
    )
    shown = "" if value is None else value
    expected = format_html(
        '<a href="{}" data-figure="{}" data-value="{}">{}</a>', figure.url, figure.kind, shown, figure.text
    )
    assert figure.__html__() == expected
    assert str(figure) == expected
