"""Settings for the test suite: the environment still chooses the database and Redis."""

import os
import sys

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-suite-only-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

# Under pytest-xdist (`make test` runs two workers) each worker gets its own Redis database, as pytest-django
# gives it its own test database: one worker's cache.clear() or queued task must not reach the other's. Set in
# the environment, so the Celery workers and probes a test starts as subprocesses inherit it (or the URL the test
# gives them): only the pytest process itself derives it.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL") and "pytest" in sys.modules:
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(os.environ["REDIS_URL"])
    _redis_db = int(_redis.path.strip("/") or 0) + 1 + int(_xdist_worker[2:])
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_redis_db}"))

from .base import *  # noqa: E402,F403
from .base import DATABASES, VAR_DIR  # noqa: E402

if "replica" in DATABASES:
    # No test database is made on the replica: its alias reads the primary's test database, except in the tests
    # that point it at the real replica (congress/tests/test_replica.py).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = str(VAR_DIR / "test-media")
EXPORT_ROOT = str(VAR_DIR / "test-exports")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-axes refuses ``authenticate()`` without a request, which the test client's ``login()`` calls; the
# lockout tests switch it on for themselves (congress/security/tests).
AXES_ENABLED = False
CELERY_TASK_ALWAYS_EAGER = False
# Serve static files from the app folders, as in development: the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Counts stay exact in the suite, however slow the machine; the pagination tests switch the count cache on.
PAGE_COUNT_CACHE_AFTER_SECONDS = 3600
# Tests that step the clock would otherwise queue refreshes on the real broker, for a worker that never comes
# (or for the real-worker test's, ahead of its own task); the refresh_cache tests switch it on.
REFRESH_IN_BACKGROUND = False
# A variable that fails to resolve in one of the project's templates fails the test that renders it
# (congress/testing/templates.py); Django's and other packages' templates keep their silent lookups.
from congress.testing.templates import LOUD_UNDEFINED  # noqa: E402

TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = LOUD_UNDEFINED  # type: ignore[index]  # noqa: F405
