"""Loads each role's main pages in Chromium and fails on any Content-Security-Policy violation."""

import pytest
from django.urls import reverse

from congress.testing.browser import DESKTOP, log_in
from representatives.tests.factories import ClerkFactory

from .pages import CLERK, DEPUTY, PUBLIC, STAFF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    violations = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


def visit_all(page, names):
    for name in names:
        response = page.goto(reverse(name))
        assert response is not None and response.status < 400, (name, response and response.status)
        page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("role", "names"), [("public", PUBLIC), ("deputy", DEPUTY), ("staff", STAFF), ("clerk", CLERK)]
)
def test_main_pages_raise_no_csp_violation(new_page, regions, role, names):
    from representatives.tests.factories import DeputyUserFactory, StaffFactory

    page = new_page(**DESKTOP)
    violations = watch_csp(page)
    users = {
        "staff": lambda: StaffFactory(region=regions.city, username="csp_staff"),
        "deputy": lambda: DeputyUserFactory(username="csp_deputy"),
        "clerk": lambda: ClerkFactory(username="csp_clerk"),
    }
    if role != "public":
        log_in(page, users[role]())
    visit_all(page, names)
    # The staff pages' menus and the dashboard's charts are script-driven: exercise one so that styles set
    # from script (Popper, ECharts) are seen too.
    if role == "staff":
        page.goto(reverse("staff:dashboard"))
        page.wait_for_load_state("networkidle")
    assert violations == []
