import re

import pytest
from django.urls import reverse

from representatives.tests.factories import ClerkFactory

from .pages import CLERK, DEPUTY, PUBLIC, STAFF

# An inline <script> is one without src= (json_script's data blocks are not run, so CSP allows them); an
# inline style is a style= attribute or a <style> element.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


def test_policy_forbids_inline_script_and_framing(client, db):
    policy = directives(client.get(reverse("home")))
    assert policy["script-src"] == {"'self'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["form-action"] == {"'self'"}
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "'unsafe-eval'" not in set().union(*policy.values())


@pytest.fixture
def users(staff_a, deputy_user_a, regions):
    return {"staff": staff_a, "deputy": deputy_user_a, "clerk": ClerkFactory(username="clerk_a")}


@pytest.mark.parametrize(
    ("role", "names"), [("public", PUBLIC), ("deputy", DEPUTY), ("staff", STAFF), ("clerk", CLERK)]
)
def test_main_pages_carry_the_policy_and_no_inline_code(client, users, role, names):
    if role != "public":
        client.force_login(users[role])
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response, name
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), name
        if not name.startswith("admin:"):
            assert not STYLE_ATTRIBUTE.search(html), name
            assert not STYLE_ELEMENT.search(html), name
        if 'src="/static/vendor/htmx/' in html:
            assert 'name="htmx-config"' in html, name
