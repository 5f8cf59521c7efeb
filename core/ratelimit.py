"""Per-IP rate limits for public forms: sliding-window counters in Django's cache (Redis).

Every public form has two limits per client address: its own sustained limit (e.g. 10
petitions an hour) and a burst limit shared by all forms' settings, CIVICDESK_RATELIMIT_BURST
posts of the same form per CIVICDESK_RATELIMIT_BURST_WINDOW seconds (5 a minute), so that 100
rapid posts get at most a handful through whatever the sustained limit is (S4).

The client's address is REMOTE_ADDR, or the last address in X-Forwarded-For that
is not itself a trusted proxy when REMOTE_ADDR is one of CIVICDESK_TRUSTED_PROXIES
(a header from anyone else could be forged to dodge the limit). The staff login's lockout
(django-axes) uses the same address (AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
_clients: dict[int, Any] = {}


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(getattr(settings, "CIVICDESK_TRUSTED_PROXIES", ()))
    if remote in trusted:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if address not in trusted:
                return address
    return remote


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on `key`; True while the hits of the last `window` seconds are within `limit`.

    A sliding window, estimated from two fixed ones: this window's count plus the previous
    window's, weighted by how much of it is still inside the last `window` seconds. So a burst
    that straddles the edge of a window is not let through twice. Refused hits count too: a
    client that keeps hammering stays refused.

    A cache outage lets the request through (logged): the limit protects the
    service, it must not take it down."""
    now = time.time()
    index = int(now // window)
    bucket = f"ratelimit:{key}:{index}"
    try:
        count, previous = _count(bucket, previous=f"ratelimit:{key}:{index - 1}", timeout=2 * window + 1)
    except Exception:  # cache backend down
        logger.warning("Rate-limit cache unavailable; letting %s through", key, exc_info=True)
        return True
    elapsed = (now % window) / window
    return count + previous * (1 - elapsed) <= limit


def is_rate_limited(request: HttpRequest, *, scope: str, limit: int, window: int = 3600) -> bool:
    """True when this client has gone over `limit` hits of `scope` in the last `window` seconds,
    or over the burst limit (CIVICDESK_RATELIMIT_BURST per CIVICDESK_RATELIMIT_BURST_WINDOW).

    Both counters are counted on every call. CIVICDESK_RATELIMIT_ENABLED = False (the
    benchmark's settings) still counts, so the cost is measured, but refuses nobody."""
    address = client_ip(request)
    burst = getattr(settings, "CIVICDESK_RATELIMIT_BURST", 5)
    burst_window = getattr(settings, "CIVICDESK_RATELIMIT_BURST_WINDOW", 60)
    within_burst = hit(f"{scope}:burst:{address}", limit=burst, window=burst_window)
    within_limit = hit(f"{scope}:{address}", limit=limit, window=window)
    limited = not (within_burst and within_limit)
    if limited and not getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True):
        return False
    if limited:
        logger.info("Rate limit on %s for %s", scope, address)
    return limited


def refusal_message() -> str:
    """What a refused citizen reads, for forms that have no wording of their own."""
    return _(
        "Too many requests were sent from your connection. Please try again in a few minutes; what you "
        "typed is kept below (files must be chosen again)."
    )


def _count(bucket: str, *, previous: str, timeout: int) -> tuple[int, int]:
    """Add one to the bucket's counter (created with `timeout`); return it and the previous
    window's counter."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip: create the counter with its expiry if missing, INCR it and read the
        # previous window's, in one MULTI/EXEC (atomic, so the counter cannot lose its expiry).
        key = backend.make_and_validate_key(bucket)
        pipe = _redis_client(backend, key).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        pipe.get(backend.make_and_validate_key(previous))
        _created, count, before = pipe.execute()
        return int(count), int(before or 0)
    cache.add(bucket, 0, timeout=timeout)
    try:
        count = int(cache.incr(bucket))
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=timeout)
        count = 1
    return count, int(cache.get(previous) or 0)


def _redis_client(backend: RedisCache, key: str) -> Any:
    """A Redis client over the cache's own connection pool, kept: Django builds a new client
    object for every cache call, which cost more CPU than the round trip itself."""
    pool = backend._cache._get_connection_pool(write=True)
    client = _clients.get(id(pool))
    if client is None:
        client = _clients[id(pool)] = backend._cache.get_client(key, write=True)
    return client
