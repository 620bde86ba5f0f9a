"""Playwright fixtures for the browser tests, shared by every app.

An app's ``tests/browser/conftest.py`` imports the fixtures it needs from here::

    from congress.testing.browser import chromium, desktop_page, phone_page  # noqa: F401

The fixtures drive Debian's chromium (``/usr/bin/chromium``, or ``$CHROMIUM_PATH``) through Playwright's sync
API against pytest-django's ``live_server``; ``playwright install`` is never needed. They are deliberately
*not* called ``browser``/``page``/``context``: pytest-playwright, when it happens to be installed, claims
those names, parametrizes every test that asks for them and would try to launch its own downloaded browser.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
# What UserFactory sets for every user it makes.
PASSWORD = "pass-word-123"  # noqa: S105 - a test fixture's password, not a secret  # nosec B105
# Ten seconds is plenty for a page served from localhost; fail fast rather than wait Playwright's default 30 s.
TIMEOUT_MS = 10_000

# Both contexts ask for Chinese, as the users do, so the pages come back in the language the tests read.
COMMON_CONTEXT = {"locale": "zh-CN", "timezone_id": settings.TIME_ZONE}
DESKTOP = {**COMMON_CONTEXT, "viewport": {"width": 1280, "height": 900}}
PHONE = {
    **COMMON_CONTEXT,
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """One headless chromium for the whole run; each test gets its own context (cookies, viewport)."""
    if not os.path.exists(CHROMIUM_PATH):
        pytest.skip(f"browser tests need chromium at {CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop on this (the test) thread for as long as it is started,
    # so Django sees a "running event loop" and refuses every ORM call the test itself makes (factories,
    # asserting on rows) with SynchronousOnlyOperation. Nothing here is async: the site runs in
    # live_server's own thread and the test thread only blocks on Playwright. So allow it, for exactly as
    # long as the loop lives, and put things back when the session ends.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class PageProblems:
    """JavaScript errors and failed same-site requests seen while a test ran; the test fails on any."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"JavaScript error: {exc}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)

    def _on_response(self, response) -> None:
        # A server error anywhere, or a missing static file (a 404 there is a broken page even when the test's
        # own assertions pass). Other 4xx are left to the tests: some paths expect them.
        url, status = response.url, response.status
        static = url.startswith(self.base_url + settings.STATIC_URL)
        if url.startswith(self.base_url) and (status >= 500 or (static and status >= 400)):
            self.errors.append(f"{status} {url}")

    def _on_failed(self, request) -> None:
        if request.url.startswith(self.base_url) and request.failure not in ("net::ERR_ABORTED",):
            self.errors.append(f"request failed ({request.failure}): {request.url}")


@pytest.fixture
def new_page(chromium, live_server) -> Iterator[Callable]:
    """``new_page(**context_options)`` opens a page in a fresh context pointed at the live server."""
    contexts = []
    problems = PageProblems(live_server.url)

    def make(**options):
        context = chromium.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems.errors, "\n".join(problems.errors)


@pytest.fixture
def desktop_page(new_page):
    return new_page(**DESKTOP)


@pytest.fixture
def phone_page(new_page):
    return new_page(**PHONE)


def log_in(page, user, password: str = PASSWORD, *, next_url: str | None = None) -> None:
    """Sign in through the login form, as a person would, and wait until the site has let us in."""
    login_path = reverse("login")
    page.goto(login_path + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    page.get_by_label("用户名", exact=True).fill(user.username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    if urlsplit(page.url).path == login_path:
        refusal = page.locator(".alert-danger")
        reason = refusal.inner_text() if refusal.count() else "no message"
        raise AssertionError(f"the login form did not let {user.username} in: {reason}")


def open_menu(page) -> None:
    """On a phone the navigation is behind the hamburger button; open it (no-op when it is already open)."""
    toggler = page.get_by_role("button", name="菜单")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        if page.evaluate("navigator.maxTouchPoints > 0"):
            toggler.tap()
        else:
            toggler.click()
        page.locator("#main-nav.show").wait_for()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
