"""Every kind of page each demo role reaches passes axe-core's WCAG 2.0/2.1 A and AA rules.

The seeded demo is crawled as in test_demo_crawl (same start pages, same link discovery), but only one page
per URL pattern per role, and only whole pages (htmx fragments and downloads are parts of pages already
seen). Each page is then opened in Chromium in Chinese and English, on a desktop and on a 390 px phone, and
axe runs on it. The test fails on any violation, listing rule, page and selector.
"""

import urllib.parse

import pytest
from django.conf import settings
from django.core.management import call_command

from congress.testing.axe import Violation, install_axe, report, violations
from congress.testing.browser import DESKTOP, PHONE
from congress.tests.test_demo_crawl import START_PAGES, Crawl, links_in, pattern_of
from representatives.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
COMBINATIONS = [("zh-hans", "desktop"), ("en", "phone"), ("en", "desktop"), ("zh-hans", "phone")]
# The Django admin is one generic set of views: its index and one list stand for it.
ADMIN_PAGES = 2


class PageFinder(Crawl):
    """The crawl, reduced to one whole HTML page per URL pattern."""

    def __init__(self, client, language, reached=frozenset()):
        super().__init__(client, language)
        self.pages: list[str] = []
        self.admin_pages = 0
        # Patterns an earlier role's crawl opened: not opened again (their links were followed then).
        self.reached = reached

    def admit(self, url, found_on):
        if url in self.seen:
            return False
        self.seen.add(url)
        pattern = pattern_of(url)
        if pattern is None or pattern[0].endswith(" export") or self.per_pattern[pattern[0]]:
            return False
        if pattern[0] in self.reached:
            return False
        if pattern[0].startswith("admin:"):
            if self.admin_pages >= ADMIN_PAGES:
                return False
            self.admin_pages += 1
        self.per_pattern[pattern[0]] += 1
        return True

    def visit(self, url, found_on):
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=self.language)
        if response.streaming:
            b"".join(response.streaming_content)
            return []
        if response.status_code in (301, 302, 303, 307, 308):
            location = response["Location"]
            return [location] if location.startswith("/") else []
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            return []
        body = response.content.decode()
        if "<html" in body[:400]:
            self.pages.append(url)
        return links_in(body, url)


def pages_by_role(client) -> dict[str, list[str]]:
    """Each role's pages, one per URL pattern; a pattern an earlier role reached is not visited again."""
    found: dict[str, list[str]] = {}
    reached: set[str] = set()
    for username, start_pages in START_PAGES.items():
        client.logout()
        if username:
            assert client.login(username=username, password=DEMO_PASSWORD), username
        finder = PageFinder(client, "zh-hans", frozenset(reached))
        finder.run(start_pages)
        found[username] = []
        for url in finder.pages:
            name = str((pattern_of(url) or ("",))[0])
            if name not in reached:
                reached.add(name)
                found[username].append(url)
    client.logout()
    return found


def test_every_page_each_demo_role_reaches_passes_wcag_21_aa(client, chromium, live_server, subtests):
    call_command("seed_demo", verbosity=0)
    pages = pages_by_role(client)
    host = urllib.parse.urlsplit(live_server.url).hostname
    checked = 0
    for username, urls in pages.items():
        cookies = []
        if username:
            client.login(username=username, password=DEMO_PASSWORD)
            cookies.append((settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value))
        # Every page is checked on a desktop and on a phone, and in both languages: the even pages in
        # (zh-hans, desktop) and (en, phone), the odd ones in (en, desktop) and (zh-hans, phone). All four
        # combinations for every page would double the run for little: the theme is the same in both languages.
        for index, (language, viewport) in enumerate(COMBINATIONS):
            label = f"{username or 'anonymous'}/{language}/{viewport}"
            share = [url for position, url in enumerate(urls) if position % 2 == index // 2]
            with subtests.test(page_set=label):
                context = chromium.new_context(base_url=live_server.url, **VIEWPORTS[viewport])
                try:
                    install_axe(context)
                    context.add_cookies(
                        [
                            {"name": name, "value": value, "domain": host, "path": "/"}
                            for name, value in [*cookies, (settings.LANGUAGE_COOKIE_NAME, language)]
                        ]
                    )
                    page = context.new_page()
                    found: dict[str, list[Violation]] = {}
                    for url in share:
                        response = page.goto(url)
                        assert response is not None and response.status < 400, (url, response and response.status)
                        checked += 1
                        if problems := violations(page):
                            found[f"{url} [{label}]"] = problems
                    assert not found, "WCAG 2.1 A/AA violations:\n" + report(found)
                finally:
                    context.close()
        client.logout()
    assert checked > 100, checked
