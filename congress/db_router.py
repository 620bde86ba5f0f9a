"""Reports, dashboards and exports read from a PostgreSQL streaming replica when ``REPLICA_DATABASE_URL`` is set.

Only reads inside an explicit ``report_reads`` scope go to the replica: the statistics dashboard, the annual
report, the stations' statistics and the background exports, whose heavy aggregates are what a replica is for.
Everything else, every write, and every read inside a transaction stays on the primary. So does a scope that
may need the user's own recent write (read-after-write): a browser that sent a POST, PUT, PATCH or DELETE gets a
cookie that keeps its reports on the primary for ``replica_pin_seconds()``, and an export reads from the replica
only once it has replayed everything committed before the export began. A write older than the pin is on any
replica the health check accepts: the check refuses one that lags more than ``REPLICA_MAX_LAG_SECONDS`` and is
at most ``REPLICA_CHECK_SECONDS`` old.

The health check (replica reachable, replay lag) runs at most once per ``REPLICA_CHECK_SECONDS`` per process;
a replica that is down, lagging or failing a query leaves the pages working on the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "primary_reads_until"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Scope:
    # Set when the scope sent a query to the replica: a database error then blames the replica.
    used_replica: bool = False


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("report_reads_scope", default=None)
# Until when (epoch seconds) this request or task must read its own writes: reports stay on the primary.
_pinned_until: contextvars.ContextVar[float] = contextvars.ContextVar("primary_pinned_until", default=0.0)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_pin_seconds() -> float:
    # A write is on the replica once it is older than the largest lag the check accepts, plus the check's age.
    return float(settings.REPLICA_MAX_LAG_SECONDS + settings.REPLICA_CHECK_SECONDS)


# Health ------------------------------------------------------------------------------------------------------

_LAG_SQL = (
    # A replica that has replayed all it received is current (an idle primary sends nothing, so the last replayed
    # commit may be old); otherwise the lag is the age of the last replayed commit. NULL: not a standby at all.
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


class _Health:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at: float | None = None
        self.healthy = False

    def reset(self) -> None:
        with self.lock:
            self.checked_at, self.healthy = None, False

    def mark_down(self) -> None:
        with self.lock:
            self.checked_at, self.healthy = time.monotonic(), False

    def is_healthy(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if self.checked_at is not None and now - self.checked_at < settings.REPLICA_CHECK_SECONDS:
                return self.healthy
        healthy = replica_lag_ok()
        with self.lock:
            self.checked_at, self.healthy = time.monotonic(), healthy
        return healthy


health = _Health()


def replica_lag() -> float | None:
    """The replica's replay lag in seconds; ``None`` when it is not a standby. Raises on a connection error."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(_LAG_SQL)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])


def replica_lag_ok() -> bool:
    try:
        lag = replica_lag()
    except Exception:
        # Down, refusing connections, or not allowed here (a test that did not ask for the replica): primary.
        logger.warning("replica unavailable: reports read from the primary", exc_info=True)
        _close_replica()
        return False
    if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
        limit = settings.REPLICA_MAX_LAG_SECONDS
        logger.warning("replica lag %s s over %s s: reports read from the primary", lag, limit)
        return False
    return True


def _close_replica() -> None:
    # A broken connection may fail to close; it is dropped either way.
    with contextlib.suppress(Exception):
        connections[REPLICA].close()


# Scope -------------------------------------------------------------------------------------------------------


@contextmanager
def report_reads(*, read_own_writes: bool = False) -> Iterator[_Scope]:
    """Let this block's reads go to the replica (when it is healthy and nothing pins them to the primary).

    ``read_own_writes``: the block must see everything committed before it starts (a background export, which
    its request just wrote): it reads from the replica only if the replica has replayed the primary's WAL up to
    now. A database error after a replica read marks the replica down, so the next attempt (the decorator's
    retry, a task's retry) reads from the primary.
    """
    pin_token = None
    if read_own_writes and _replica_allowed() and not replica_caught_up():
        pin_token = _pinned_until.set(float("inf"))
    scope = _Scope()
    token = _scope.set(scope)
    try:
        yield scope
    except DatabaseError:
        if scope.used_replica:
            health.mark_down()
            _close_replica()
        raise
    finally:
        _scope.reset(token)
        if pin_token is not None:
            _pinned_until.reset(pin_token)


def replica_caught_up() -> bool:
    """Whether the replica has replayed every transaction the primary committed before this call."""
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (lsn,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            (caught_up,) = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica position unknown: this export reads from the primary", exc_info=True)
        health.mark_down()
        _close_replica()
        return False
    return bool(caught_up)


def reads_from_replica(view: F) -> F:
    """``report_reads`` around a read-only view; a replica failing mid-page renders it again from the primary."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scope = None
        try:
            with report_reads() as scope:
                return view(*args, **kwargs)
        except DatabaseError:
            if scope is None or not scope.used_replica:
                raise  # the primary's own error
            logger.warning("replica failed during %s: read again from the primary", view.__qualname__)
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _replica_allowed() -> bool:
    if not replica_configured() or _pinned_until.get() > time.time():
        return False
    # Inside a transaction the reads must see its writes, and a replica read would not be part of it.
    if connections[PRIMARY].in_atomic_block:
        return False
    return health.is_healthy()


def _use_replica() -> bool:
    scope = _scope.get()
    if scope is None or not _replica_allowed():
        return False
    scope.used_replica = True
    return True


class ReplicaRouter:
    """Writes and migrations on the primary; reads there too, except inside ``report_reads``."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return REPLICA if _use_replica() else PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both hold the same rows: a report's row may be saved (on the primary) or related to a primary row.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


# Read-after-write --------------------------------------------------------------------------------------------

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReadAfterWriteMiddleware:
    """A browser that wrote recently reads its reports from the primary, so it sees what it just saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        now = time.time()
        wrote = request.method in _UNSAFE
        until = now + replica_pin_seconds() if wrote else _cookie_until(request)
        token = _pinned_until.set(until)
        try:
            response = self.get_response(request)
        finally:
            _pinned_until.reset(token)
        if wrote:
            seconds = int(replica_pin_seconds()) + 1
            response.set_cookie(
                PIN_COOKIE,
                str(int(until) + 1),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _cookie_until(request: HttpRequest) -> float:
    # Only ever moves this browser's own reports to the primary (or back): a forged value harms no one else.
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return 0.0
    # A cookie pinning further ahead than a write ever does is ignored.
    return until if until <= time.time() + replica_pin_seconds() + 1 else 0.0
