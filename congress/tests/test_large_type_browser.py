"""The large-type mode (大字版) on a 390 px phone, and the charts' text alternative.

The switch is on every page, is remembered (a cookie the server reads, so the next page comes large from the
start), and every public page and every deputy's page fits the phone's width in it and passes the WCAG
2.1 AA rules (axe-core) in it too.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from congress.testing.axe import install_axe, report, violations
from congress.testing.browser import DESKTOP, PHONE, log_in
from congress.tests.test_accessibility_browser import PageFinder
from representatives.demo import DEMO_PASSWORD
from representatives.models import User
from representatives.tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages_of(client, username: str) -> list[str]:
    client.logout()
    if username:
        assert client.login(username=username, password=DEMO_PASSWORD)
    finder = PageFinder(client, "zh-hans")
    finder.run(["/me/"] if username else ["/"])
    client.logout()
    # The deputy's crawl also reaches the public pages, checked with the public's.
    return [url for url in finder.pages if not username or url.startswith("/me/")]


def test_public_and_deputy_pages_in_large_type_fit_a_phone(client, new_page, live_server, subtests):
    call_command("seed_demo", verbosity=0)
    public, deputy = pages_of(client, ""), pages_of(client, "deputy")
    assert len(public) >= 5 and len(deputy) >= 8, (public, deputy)

    page = new_page(**PHONE)
    install_axe(page.context)
    page.goto("/")
    switch = page.locator("[data-large-type-switch]")
    expect(switch).to_be_visible()
    expect(switch).to_have_attribute("aria-pressed", "false")
    standard_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    switch.tap()
    expect(page.locator("html")).to_have_class("large-type")
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("large_type") == "1"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= standard_size * 1.2

    for role, urls in (("public", public), ("deputy", deputy)):
        if role == "deputy":
            log_in(page, User.objects.get(username="deputy"), DEMO_PASSWORD)
        found, too_wide, small = {}, [], []
        with subtests.test(role=role):
            for url in urls:
                response = page.goto(url)
                assert response is not None and response.status < 400, url
                body = response.text()
                if "data-large-type-switch" not in body:
                    continue  # a print layout of its own (the deputy's contact card), not a page of the site
                # Large from the first paint: the server wrote the class, no script had to.
                assert 'class="large-type"' in body[:600], url
                width, viewport = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                if width > viewport:
                    too_wide.append(f"{url}: {width} px wide on a {viewport} px screen")
                # Touch targets of at least 44 px (WCAG 2.5.5) for the visible buttons.
                small += [
                    f"{url}: {target}"
                    for target in page.evaluate(
                        """() => [...document.querySelectorAll('main .btn, .navbar .btn, main .page-link')]
                        .filter((e) => e.offsetParent && e.getBoundingClientRect().height < 44)
                        .map((e) => e.outerHTML.slice(0, 80))"""
                    )
                ]
                if problems := violations(page):
                    found[f"{url} [{role}/large type]"] = problems
            assert not too_wide, "\n".join(too_wide)
            assert not small, "\n".join(small[:20])
            assert not found, "WCAG 2.1 A/AA violations in large type:\n" + report(found)

    # Switched back, it stays off on the next page.
    page.locator("[data-large-type-switch]").click()
    page.goto(reverse("me:home"))
    expect(page.locator("html")).not_to_have_class("large-type")


def test_each_chart_has_a_description_and_its_table_one_click_away(new_page, regions):
    page = new_page(**DESKTOP)
    log_in(page, StaffFactory(region=regions.city, username="chart_staff"))
    page.goto(reverse("staff:dashboard"))
    charts = page.locator("[data-chart]")
    assert charts.count() >= 5
    for index in range(charts.count()):
        chart = charts.nth(index)
        name = chart.get_attribute("data-chart")
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label"), name
        described_by = chart.get_attribute("aria-describedby")
        assert described_by, f"chart {name} has no description"
        for table_id in described_by.split():
            table = page.locator(f"table#{table_id}")
            assert table.count() == 1, (name, table_id)
            # The table is in a <details> under the chart: one click opens it.
            details = table.locator("xpath=ancestor::details")
            if details.get_attribute("open") is None:
                details.locator("summary").click()
            expect(details).to_have_attribute("open", "")
    # The chart the template gives no table to gets one built from its own numbers, linked like its bars.
    stations = page.locator("[data-chart=stations]")
    table = page.locator(f"table#{stations.get_attribute('aria-describedby')}")
    assert table.locator("tbody tr").count() >= 1
