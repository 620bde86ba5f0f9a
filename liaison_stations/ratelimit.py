"""A per-IP fixed-window rate limit for the public forms, kept in Django's cache (Redis when configured).

Each limit is ``(count, seconds)``: at most ``count`` hits per client address in each window of ``seconds``.
The check runs before any form validation or database query, so a flood costs the site one cache round trip
per request and nothing more.

When the shared cache is unreachable the counting falls back to a counter in this process's memory rather than
failing open or closed. Failing closed would take the public form down with Redis; failing open would hand a
flood that coincides with an outage straight to the database. A per-process counter still bounds each client to
the limit times the number of server processes, costs no I/O, and every honest submission still lands.
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# (hits, window in seconds). Overridable in settings so an office can tighten them during an attack.
DEFAULT_LIMITS = {
    "opinion": ((5, 10 * 60), (50, 24 * 60 * 60)),
    "track": ((30, 10 * 60),),
    # A report meeting's voters often share one address (the venue's Wi-Fi, a carrier's NAT): room for a hall.
    "report_rating": ((60, 10 * 60), (300, 24 * 60 * 60)),
}
SETTINGS_NAMES = {
    "opinion": "OPINION_FORM_RATE_LIMITS",
    "track": "TRACKING_RATE_LIMITS",
    "report_rating": "REPORT_RATING_RATE_LIMITS",
}

# Only used while the shared cache is down; a bounded LRU so an outage under a flood cannot grow it without end.
local_cache = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def now() -> float:
    """The clock the windows are cut from; tests patch it to step past a window."""
    return time.time()


def limits_for(scope: str) -> tuple[tuple[int, int], ...]:
    return tuple(getattr(settings, SETTINGS_NAMES.get(scope, ""), None) or DEFAULT_LIMITS[scope])


def client_ip(request) -> str:
    """The address to count against.

    X-Forwarded-For is only believed when the site says how many proxies of its own sit in front
    (``TRUSTED_PROXY_COUNT``); otherwise anyone could send a fresh header with each request and never be limited.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    address = remote
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            # Each trusted proxy appends the address it saw; the client is the one the outermost proxy saw.
            address = forwarded[-min(proxies, len(forwarded))]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return remote
    if parsed.version == 6:
        # One subscriber usually holds a whole /64; counting single IPv6 addresses would let them rotate freely.
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)


def _count(store, key: str, timeout: int) -> int:
    # add() only creates the counter at the start of a window, so its expiry is never pushed back by later hits.
    store.add(key, 0, timeout=timeout)
    try:
        return store.incr(key)
    except ValueError:
        # The counter expired between add() and incr(): this hit opens the next window.
        store.add(key, 1, timeout=timeout)
        return 1


def _allowed(store, scope: str, address: str, moment: float) -> bool:
    allowed = True
    for count, seconds in limits_for(scope):
        window = int(moment // seconds)
        key = f"ratelimit:{scope}:{seconds}:{window}:{address}"
        if _count(store, key, seconds + 1) > count:
            allowed = False
    return allowed


def hit(request, scope: str) -> bool:
    """Count one request from the client in ``scope``; False when any of the scope's limits is exceeded.

    If the shared cache is unreachable the request is counted in this process instead (see the module's note).
    """
    address = client_ip(request)
    moment = now()
    try:
        return _allowed(cache, scope, address, moment)
    except Exception:
        logger.warning(
            "Rate limit cache unavailable; counting %s request from %s in this process", scope, address, exc_info=True
        )
        return _allowed(local_cache, scope, address, moment)
