"""Browser fixtures for the representatives app: see congress/testing/browser.py.

Run with ``make test-browser`` (``pytest -m browser``); the default ``pytest`` run deselects these tests.
"""

from congress.testing.browser import chromium, desktop_page, new_page, phone_page  # noqa: F401
