"""Browser fixtures for the suggestions app: see congress/testing/browser.py.

Run with ``pytest -m browser suggestions``; the default ``pytest`` run deselects these tests. The people
(congress, author, cosigner, units, clerks) come from ``suggestions/tests/conftest.py``.
"""

from congress.testing.browser import chromium, desktop_page, new_page, phone_page  # noqa: F401
