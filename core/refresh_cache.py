"""Slow figures served from the cache and refreshed in the background once they are old.

The staff start page counts a province's three million activity records, and the dashboard a whole year of
a province's opinions and suggestions: seconds of database time each. Kept with a plain expiry, the first
visitor after every expiry waited those seconds and held a web worker while doing so (a 2-worker server
lost a tenth of its throughput to it, bench/README.md). Here a figure older than ``fresh_seconds`` is still
shown while one Celery task computes it again; only a figure never computed, or not refreshed for
``keep_seconds``, is computed in the request.

Compute functions are registered in ``computers`` under a name, from the owning app's ``AppConfig.ready()``
(or with ``@computer(name)``); they take JSON-serialisable keyword arguments (ids, years), since the refresh
runs in the worker, which finds them by that name. Only registered names can be run through the task.

Figures are kept per language: a computed value may hold labels (an activity type's name), and the worker
computes it again in the language of the visit that asked for it.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .registry import Registry

logger = logging.getLogger(__name__)
# Longer than any refresh takes, so a second one is not queued while the first runs; short enough that a lost
# task (worker restarted) is retried by a later visit.
REFRESH_LOCK_SECONDS = 120

Computer = Callable[..., Any]
computers: Registry[Computer] = Registry("refreshable computations")


def computer(name: str) -> Callable[[Computer], Computer]:
    """Registers ``func(**kwargs)`` under ``name``, for ``get`` to call in a request or in the refresh task."""
    return computers.register(name)


def now() -> float:
    """The clock figures are aged on; the suite's ``clock`` fixture stands in for it."""
    return time.time()


def _compute(name: str, kwargs: dict[str, Any]) -> Any:
    # The task's arguments come through the broker: only registered functions may be called by name.
    if name not in computers:
        raise ValueError(f"{name} is not a refreshable computation")
    return computers[name](**kwargs)


def _lock_key(key: str) -> str:
    return f"{key}:refreshing"


def get(name: str, key: str, *, fresh_seconds: int, keep_seconds: int, **kwargs: Any) -> Any:
    key = f"{key}:{translation.get_language()}"
    entry = cache.get(key)
    if entry is None:
        return store(name, key, keep_seconds=keep_seconds, **kwargs)
    computed_at, value = entry
    if now() - computed_at <= fresh_seconds:
        return value
    if not settings.REFRESH_IN_BACKGROUND:
        return store(name, key, keep_seconds=keep_seconds, **kwargs)
    if cache.add(_lock_key(key), 1, REFRESH_LOCK_SECONDS):
        _schedule(name, key, keep_seconds, kwargs)
    return value


def store(name: str, key: str, *, keep_seconds: int, **kwargs: Any) -> Any:
    """Computes the figures now and keeps them (the request's path on a miss, and the Celery task's)."""
    value = _compute(name, kwargs)
    cache.set(key, (now(), value), keep_seconds)
    cache.delete(_lock_key(key))
    return value


@shared_task(name="core.tasks.refresh_cached", ignore_result=True)
def refresh_cached(name: str, key: str, keep_seconds: int, kwargs: dict[str, Any], language: str | None = None) -> None:
    """Computes slow figures again for ``get`` while pages keep showing the older ones."""
    # In the language of the visit that asked: the key is that language's.
    with translation.override(language or settings.LANGUAGE_CODE):
        store(name, key, keep_seconds=keep_seconds, **kwargs)


def _schedule(name: str, key: str, keep_seconds: int, kwargs: dict[str, Any]) -> None:
    try:
        refresh_cached.delay(name, key, keep_seconds, kwargs, translation.get_language())
    except Exception:
        # The broker is down: the page still has its (older) figures, and the next visit tries again.
        cache.delete(_lock_key(key))
        logger.warning("could not queue the refresh of %s", key, exc_info=True)
