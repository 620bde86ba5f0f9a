"""The API documentation page renders in a browser under the site's Content-Security-Policy (no inline script
or style), from the vendored Swagger UI, and lists the schema's routes."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_render_under_the_csp(desktop_page, live_server):
    violations: list[str] = []
    desktop_page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    external: list[str] = []
    desktop_page.on(
        "request", lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None
    )
    desktop_page.goto("/api/v1/docs/")
    expect(desktop_page.locator(".swagger-ui .info .title")).to_contain_text("Congress Office API")
    expect(desktop_page.get_by_text("/api/v1/unit/opinions/{reference}/reply/")).to_be_visible()
    assert violations == []
    assert external == []
