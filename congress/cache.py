"""A Redis cache that degrades instead of failing while Redis is down.

Django's ``RedisCache`` raises on every connection error, so a Redis outage would turn every page that touches
the cache into a 500. Nothing this project keeps in the cache is the only copy of anything (rate-limit counters,
scoring progress, import previews that can be uploaded again), so while Redis is unreachable reads miss, writes
are dropped and a warning is logged. After a failure the cache stays "open" for ``DOWN_SECONDS`` and does not
even try Redis, so a dead server costs one short connect timeout per process every few seconds rather than one
per call. Counters (``incr``/``decr``) have no honest default: they raise ``CacheUnavailable`` and the caller
decides (the public-form rate limit falls back to a per-process counter).
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)
T = TypeVar("T")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

# Short enough that a dead Redis costs milliseconds per request; long enough for a loaded server on a LAN.
DEFAULT_POOL_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


def monotonic() -> float:
    """The clock of the down window; the suite's ``clock`` fixture stands in for it."""
    return time.monotonic()


class CacheUnavailable(Exception):  # noqa: N818 — reads as the condition callers handle
    """The cache could not be reached for an operation that has no safe fallback value."""


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client with one ``redis.Redis`` per connection pool, made once.

    Django's builds a new ``redis.Redis`` for every call, and each builds its table of ~170 response callbacks:
    a few cache reads per page cost 0.6 ms of CPU doing it (profiled, bench/README.md). A ``redis.Redis`` only
    borrows a connection from its pool per command, so one serves every call of this client; Django keeps one
    cache object, so one client, per thread.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's, missing from its stubs
        client = self._clients.get(id(pool))
        if client is None:
            # Pools live as long as this client, so their ids stay theirs.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.down_seconds = float(options.pop("DOWN_SECONDS", 5))
        for name, value in DEFAULT_POOL_OPTIONS.items():
            options.setdefault(name, value)
        # redis-py retries a failed connect three times by default; one attempt is enough to know it is down.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0

    @property
    def is_down(self) -> bool:
        return monotonic() < self._down_until

    def mark_up(self) -> None:
        """Forget a recent failure and try Redis on the next call (tests use it after restarting Redis)."""
        self._down_until = 0.0

    def _guard(self, operation: str, default: T, call: Callable[[], T]) -> T:
        if self.is_down:
            return default
        try:
            return call()
        except OUTAGE_ERRORS as exc:
            self._down_until = monotonic() + self.down_seconds
            logger.warning(
                "Redis cache unreachable during %s; degrading for %ss: %s", operation, self.down_seconds, exc
            )
            return default

    def _strict(self, operation: str, call: Callable[[], T]) -> T:
        if self.is_down:
            raise CacheUnavailable(operation)
        try:
            return call()
        except OUTAGE_ERRORS as exc:
            self._down_until = monotonic() + self.down_seconds
            logger.warning("Redis cache unreachable during %s: %s", operation, exc)
            raise CacheUnavailable(operation) from exc

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard("add", False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard("get", default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        return self._guard("set", None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard("touch", False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard("delete", False, lambda: super(ResilientRedisCache, self).delete(key, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guard("get_many", {}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard("has_key", False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        # Django's contract: the keys that failed to be set.
        return self._guard(
            "set_many", list(data), lambda: super(ResilientRedisCache, self).set_many(data, timeout, version)
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        return self._guard("delete_many", None, lambda: super(ResilientRedisCache, self).delete_many(keys, version))

    def clear(self) -> bool:  # type: ignore[override]  # Django's Redis backend reports the flush (stubs: None)
        return self._guard("clear", False, lambda: bool(super(ResilientRedisCache, self).clear()))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._strict("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version))
