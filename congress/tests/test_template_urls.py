"""The fast {% url %}: the same URLs as Django's reverse for every named pattern, and the same tag otherwise."""

import re

import pytest
from django.template import Context, Engine, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from congress.template_urls import FastURLNode, fast_reverse
from congress.testing.matrix import all_routes

NUMBERS = ([0], [7], [123456], [2025], [918273645])


def numeric_routes():
    for route in all_routes():
        converters = re.findall(r"<(\w+):\w+>", route.route)
        if route.name and converters and all(kind == "int" for kind in converters):
            yield route.name, len(converters)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_numeric_route_reverses_as_django_does(language):
    checked = 0
    with translation.override(language):
        for name, count in numeric_routes():
            for numbers in NUMBERS:
                args = (numbers * count)[:count]
                assert fast_reverse(name, list(args)) == reverse(name, args=args), name
                checked += 1
    assert checked > 100


def test_other_arguments_take_djangos_path():
    assert fast_reverse("public:station", ["f3e1c2a4-1b2c-4d5e-8f90-0a1b2c3d4e5f"]) == reverse(
        "public:station", args=["f3e1c2a4-1b2c-4d5e-8f90-0a1b2c3d4e5f"]
    )
    assert fast_reverse("staff:home", []) == reverse("staff:home")
    with pytest.raises(NoReverseMatch):
        fast_reverse("staff:opinion", [-1])
    with pytest.raises(NoReverseMatch):
        fast_reverse("staff:no_such_page", [1])


def test_the_project_templates_use_it_and_it_renders_like_djangos_tag():
    from django.template import engines

    engine = engines["django"].engine
    template = engine.from_string("{% url 'staff:opinion' pk %}|{% url 'staff:opinion' pk as link %}{{ link }}")
    assert any(isinstance(node, FastURLNode) for node in template.nodelist)
    rendered = template.render(Context({"pk": 42, "request": RequestFactory().get("/")}))
    assert rendered == f"{reverse('staff:opinion', args=[42])}|{reverse('staff:opinion', args=[42])}"
    plain = Template("{% url 'staff:opinion' pk %}", engine=Engine()).render(Context({"pk": 42}))
    assert plain == reverse("staff:opinion", args=[42])


def test_a_name_that_does_not_reverse_still_fails_loudly_and_as_var_stays_quiet():
    from django.template import engines

    engine = engines["django"].engine
    with pytest.raises(NoReverseMatch):
        engine.from_string("{% url 'staff:nowhere' 3 %}").render(Context({}))
    assert engine.from_string("{% url 'staff:nowhere' 3 as link %}[{{ link }}]").render(Context({})) == "[]"
