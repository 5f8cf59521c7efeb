"""Per-IP rate limits for public forms: a fixed-window counter in Django's cache.

The client's address is REMOTE_ADDR, or the last address in X-Forwarded-For that
is not itself a trusted proxy when REMOTE_ADDR is one of CIVICDESK_TRUSTED_PROXIES
(a header from anyone else could be forged to dodge the limit)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

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
    """Count one hit on `key`; True while the window's count is within `limit`.

    A cache outage lets the request through (logged): the limit protects the
    service, it must not take it down."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    try:
        count = _count(bucket, timeout=window + 1)
    except Exception:  # cache backend down
        logger.warning("Rate-limit cache unavailable; letting %s through", key, exc_info=True)
        return True
    return count <= limit


def is_rate_limited(request: HttpRequest, *, scope: str, limit: int, window: int = 3600) -> bool:
    """True when this client has gone over `limit` hits of `scope` in the current window."""
    return not hit(f"{scope}:{client_ip(request)}", limit=limit, window=window)


def _count(bucket: str, *, timeout: int) -> int:
    """Add one to the bucket's counter (created with `timeout`) and return it."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip: create the counter with its expiry if missing, then INCR, in one
        # MULTI/EXEC (atomic, so the counter cannot lose its expiry in between).
        key = backend.make_and_validate_key(bucket)
        pipe = _redis_client(backend, key).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])
    cache.add(bucket, 0, timeout=timeout)
    try:
        return int(cache.incr(bucket))
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=timeout)
        return 1


def _redis_client(backend: RedisCache, key: str) -> Any:
    """A Redis client over the cache's own connection pool, kept: Django builds a new client
    object for every cache call, which cost more CPU than the round trip itself."""
    pool = backend._cache._get_connection_pool(write=True)
    client = _clients.get(id(pool))
    if client is None:
        client = _clients[id(pool)] = backend._cache.get_client(key, write=True)
    return client
