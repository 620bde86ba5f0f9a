"""The seeded demo is a test of record: every page each demo role can reach opens, in both languages.

The suite's factories build the rows a test asks for; ``seed_demo`` builds what real use leaves behind
(history steps without a user, deputies who left office, earlier years, every stage of every workflow). This
test signs in as each demo account and as the public, follows every link and htmx fragment it can reach
from the role's start pages (GET only, a few URLs per URL pattern and query shape), in zh-hans and in
English, and fails on any server error, any link that answers 404, and any variable that fails to resolve
in the project's templates (the suite makes those loud, congress/testing/templates.py).
"""

import collections
import html.parser
import os
import time
import urllib.parse

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from representatives.demo import DEMO_PASSWORD
from representatives.models import User

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
START_PAGES = {
    "": ["/", "/accounts/login/"],
    "admin": ["/staff/", "/admin/", "/"],
    "staff": ["/staff/", "/admin/"],
    "staff_county": ["/staff/", "/admin/"],
    "leader": ["/staff/"],
    "deputy": ["/me/", "/"],
    "clerk": ["/unit/"],
}
# Visits per URL pattern: enough to meet each page in the states the demo gives it (a list and a filtered or
# paged list; detail pages of rows in several stages) without walking every row. The admin's pages are all
# one generic view each, so one visit per pattern covers them; each export once per list.
# CRAWL_PER_PATTERN=n multiplies the bounds for a thorough run by hand.
SCALE = int(os.environ.get("CRAWL_PER_PATTERN", "1"))
PER_LIST_PATTERN = 2 * SCALE
PER_DETAIL_PATTERN = 5 * SCALE
PER_ADMIN_PATTERN = 1 * SCALE
PER_EXPORT = 1 * SCALE
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/favicon.ico")
LINK_ATTRIBUTES = {"href", "src", "hx-get", "data-href", "action"}
# CRAWL_TRACE=path writes each visit's time and address there, to see where a slow crawl spends it.
TRACE = open(os.environ["CRAWL_TRACE"], "a") if os.environ.get("CRAWL_TRACE") else None  # noqa: SIM115


class LinkParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name not in LINK_ATTRIBUTES or not value:
                continue
            # A form is followed only when it reads (a filter form's own address); posting is not crawling.
            if tag == "form" and (name != "action" or (attrs.get("method") or "get").lower() != "get"):
                continue
            if tag == "link" and attrs.get("rel") not in ("alternate",):
                continue
            self.links.append(value)


def links_in(body: str, base: str) -> list[str]:
    parser = LinkParser()
    parser.feed(body)
    found = []
    for raw in parser.links:
        if raw.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urllib.parse.urljoin(base, raw.strip())
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        path = parts.path
        if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
            continue
        found.append(urllib.parse.urlunsplit(("", "", path, parts.query, "")))
    return found


def pattern_of(url: str) -> tuple[str, int] | None:
    """(the URL pattern's name, how many visits it gets), or None when no pattern matches."""
    parts = urllib.parse.urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name or match.route
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    if "export" in query:
        return f"{name} export", PER_EXPORT
    if name.startswith("admin:"):
        return name, PER_ADMIN_PATTERN
    return name, PER_DETAIL_PATTERN if match.args or match.kwargs else PER_LIST_PATTERN


class Crawl:
    def __init__(self, client, language: str):
        self.client = client
        self.language = language
        self.seen: set[str] = set()
        self.per_pattern: collections.Counter = collections.Counter()
        self.problems: list[str] = []
        self.visited = 0

    def admit(self, url: str, found_on: str) -> bool:
        if url in self.seen:
            return False
        self.seen.add(url)
        pattern = pattern_of(url)
        if pattern is None:
            self.problems.append(f"{url} (linked from {found_on}) matches no URL pattern")
            return False
        name, limit = pattern
        if self.per_pattern[name] >= limit:
            return False
        self.per_pattern[name] += 1
        return True

    def run(self, start_pages: list[str]) -> None:
        queue = collections.deque((url, "start") for url in start_pages)
        for url, _ in list(queue):
            self.seen.add(url)
        while queue:
            url, found_on = queue.popleft()
            for link in self.visit(url, found_on):
                if self.admit(link, url):
                    queue.append((link, url))

    def visit(self, url: str, found_on: str) -> list[str]:
        self.visited += 1
        started = time.perf_counter()
        try:
            response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=self.language)
        except Exception as exc:  # noqa: BLE001 - every failure of a page is reported with its address
            self.problems.append(f"{url} (linked from {found_on}) raised {type(exc).__name__}: {exc}")
            return []
        finally:
            if TRACE:
                TRACE.write(f"{time.perf_counter() - started:.3f} {self.language} {url}\n")
                TRACE.flush()
        if response.streaming:
            # A download streams from an open file; reading it to the end closes it, as a server would.
            b"".join(response.streaming_content)
        status = response.status_code
        if status >= 500 or status == 404:
            self.problems.append(f"{url} (linked from {found_on}) answered {status}")
            return []
        if status in (301, 302, 303, 307, 308):
            return [response["Location"]] if response["Location"].startswith("/") else []
        content_type = response.get("Content-Type", "")
        if status != 200 or not content_type.startswith("text/html"):
            return []
        return links_in(response.content.decode(), url)


@pytest.fixture
def seeded_demo(db, settings):
    # The crawl reads whole pages; the count cache would only hide which rows a list shows.
    call_command("seed_demo", verbosity=0)


def test_every_page_each_demo_role_reaches_opens_in_both_languages(seeded_demo, client, subtests):
    totals = {}
    for username, start_pages in START_PAGES.items():
        for language in LANGUAGES:
            with subtests.test(role=username or "anonymous", language=language):
                client.logout()
                if username:
                    assert client.login(username=username, password=DEMO_PASSWORD), username
                client.cookies["django_language"] = language
                crawl = Crawl(client, language)
                crawl.run(start_pages)
                totals[(username, language)] = crawl.visited
                assert not crawl.problems, "\n".join(crawl.problems[:40])
    # Each role got somewhere: a crawl that stops at its start page proves nothing.
    for (username, language), visited in totals.items():
        assert visited > len(START_PAGES[username]) + 3, (username, language, visited)


def test_the_demo_holds_what_real_use_leaves_behind(seeded_demo):
    from django.utils import timezone

    from liaison_stations.models import Opinion
    from representatives.models import ActivityRecord, Deputy, Membership, StateLog
    from suggestions.models import Suggestion

    for username in START_PAGES:
        if username:
            assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    # Steps nobody signed in took: a voter's form and rating, the system (the builder stands in for sweeps).
    origins = set(StateLog.objects.values_list("origin", flat=True))
    assert origins >= {StateLog.Origin.PUBLIC, StateLog.Origin.SYSTEM, StateLog.Origin.USER}
    assert StateLog.objects.filter(origin=StateLog.Origin.PUBLIC, note="选民评价").exists()
    # Opinions and suggestions at every stage, rated and published ones among them.
    assert set(Opinion.objects.values_list("status", flat=True)) >= {
        "received",
        "sorted",
        "assigned",
        "replied",
        "fed_back",
        "closed",
    }
    assert Opinion.objects.filter(published_at__isnull=False).exists()
    assert Opinion.objects.filter(rating="unsatisfied").exists()
    assert set(Suggestion.objects.values_list("status", flat=True)) >= set(Suggestion.Status.values) - {"draft"}
    # Deputies who left office this year and in earlier years; an earlier term, ended, with its records.
    this_year = timezone.localdate().year
    ended = Membership.objects.exclude(status=Membership.Status.SERVING)
    assert ended.filter(status_date__year=this_year, status=Membership.Status.RESIGNED).exists()
    assert ended.filter(status_date__year__lt=this_year).exists()
    earlier_term = ended.filter(status=Membership.Status.TERM_ENDED)
    assert earlier_term.exists()
    only_then = Deputy.objects.exclude(memberships__status=Membership.Status.SERVING)
    assert ActivityRecord.objects.filter(deputy__in=only_then, date__year__lt=this_year - 1).exists()
    # Blank optional cells, as an imported sheet leaves them.
    assert Deputy.objects.filter(phone="", id_number="", home_address="").exists()
    # Voters' messages to a deputy waiting, answered and passed to a station; voters' own ratings of reports,
    # one confirmed by SMS code and one waiting for it.
    from representatives.models import ReportRating

    messages = Opinion.objects.filter(addressed_to__isnull=False)
    assert {"with_deputy", "fed_back", "sorted"} <= set(messages.values_list("status", flat=True))
    assert ReportRating.objects.filter(phone="").exists()
    assert ReportRating.objects.filter(verified_at__isnull=False).exists()
    assert ReportRating.objects.filter(verified_at__isnull=True).exclude(phone="").exists()
