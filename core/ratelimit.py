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
from dataclasses import dataclass
from typing import Any, NamedTuple

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


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits on `key` in any `window` seconds."""

    key: str
    limit: int
    window: int


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on `key`; True while the hits of the last `window` seconds are within `limit`."""
    return hits(Limit(key, limit, window))[0]


def hits(*limits: Limit) -> list[bool]:
    """Count one hit on each limit's key, all in one cache round trip; for each, True while
    the hits of the last `window` seconds are within `limit`.

    A sliding window, estimated from two fixed ones: this window's count plus the previous
    window's, weighted by how much of it is still inside the last `window` seconds. So a burst
    that straddles the edge of a window is not let through twice. Refused hits count too: a
    client that keeps hammering stays refused.

    A cache outage lets the request through (logged): the limit protects the
    service, it must not take it down."""
    now = time.time()
    windows = []
    for limit in limits:
        index = int(now // limit.window)
        windows.append(
            _Window(f"ratelimit:{limit.key}:{index}", f"ratelimit:{limit.key}:{index - 1}", 2 * limit.window + 1)
        )
    try:
        counts = _count(windows)
    except Exception:  # cache backend down
        logger.warning("Rate-limit cache unavailable; letting %s through", limits, exc_info=True)
        return [True] * len(limits)
    answers = []
    for limit, (count, previous) in zip(limits, counts, strict=True):
        elapsed = (now % limit.window) / limit.window
        answers.append(count + previous * (1 - elapsed) <= limit.limit)
    return answers


def form_limits(address: str, *, scope: str, limit: int, window: int = 3600) -> tuple[Limit, Limit]:
    """A public form's two limits for `address`: the burst (CIVICDESK_RATELIMIT_BURST per
    CIVICDESK_RATELIMIT_BURST_WINDOW) and its own, `limit` hits of `scope` per `window` seconds."""
    burst = getattr(settings, "CIVICDESK_RATELIMIT_BURST", 5)
    burst_window = getattr(settings, "CIVICDESK_RATELIMIT_BURST_WINDOW", 60)
    return Limit(f"{scope}:burst:{address}", burst, burst_window), Limit(f"{scope}:{address}", limit, window)


def is_rate_limited(request: HttpRequest, *, scope: str, limit: int, window: int = 3600) -> bool:
    """True when this client has gone over `limit` hits of `scope` in the last `window` seconds,
    or over the burst limit (CIVICDESK_RATELIMIT_BURST per CIVICDESK_RATELIMIT_BURST_WINDOW).

    Both counters are counted on every call. CIVICDESK_RATELIMIT_ENABLED = False (the
    benchmark's settings) still counts, so the cost is measured, but refuses nobody."""
    address = client_ip(request)
    limited = not all(hits(*form_limits(address, scope=scope, limit=limit, window=window)))
    if limited and not getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True):
        return False
    if limited:
        log_refusal(scope, address)
    return limited


def log_refusal(scope: str, address: str) -> None:
    logger.info("Rate limit on %s for %s", scope, address)


def refusal_message() -> str:
    """What a refused citizen reads, for forms that have no wording of their own."""
    return _(
        "Too many requests were sent from your connection. Please try again in a few minutes; what you "
        "typed is kept below (files must be chosen again)."
    )


class _Window(NamedTuple):
    bucket: str  # this fixed window's counter
    previous: str  # the previous window's
    timeout: int


def _count(windows: list[_Window]) -> list[tuple[int, int]]:
    """Add one to each window's counter (created with its timeout); return each counter and
    the previous window's."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip and one reply for all the windows: a script (atomic, so a counter
        # cannot lose its expiry) rather than MULTI/EXEC, whose six commands and replies cost
        # the web worker more CPU to write and parse than the check itself.
        keys = []
        for window in windows:
            keys += [backend.make_key(window.bucket), backend.make_key(window.previous)]
        client = _redis_client(backend, keys[0])
        counts = _count_script(client)(keys=keys, args=[w.timeout for w in windows], client=client)
        return [(int(counts[i]), int(counts[i + 1])) for i in range(0, len(counts), 2)]
    return [_count_in_cache(w) for w in windows]


def _count_in_cache(window: _Window) -> tuple[int, int]:
    cache.add(window.bucket, 0, timeout=window.timeout)
    try:
        count = int(cache.incr(window.bucket))
    except ValueError:  # expired between add and incr
        cache.set(window.bucket, 1, timeout=window.timeout)
        count = 1
    return count, int(cache.get(window.previous) or 0)


# KEYS: each window's counter, then the previous window's; ARGV: each window's expiry (s).
_COUNT_LUA = """
local out = {}
for i = 1, #ARGV do
  local count = redis.call('INCR', KEYS[2 * i - 1])
  if count == 1 then redis.call('EXPIRE', KEYS[2 * i - 1], ARGV[i]) end
  out[2 * i - 1] = count
  out[2 * i] = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
end
return out
"""
_scripts: dict[int, Any] = {}


def _count_script(client: Any) -> Any:
    """The counting script, registered once per client (sent by its SHA1, loaded on a miss)."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_COUNT_LUA)
    return script


def _redis_client(backend: RedisCache, key: str) -> Any:
    """A Redis client over the cache's own connection pool, kept: Django builds a new client
    object for every cache call, which cost more CPU than the round trip itself."""
    pool = backend._cache._get_connection_pool(write=True)
    client = _clients.get(id(pool))
    if client is None:
        client = _clients[id(pool)] = backend._cache.get_client(key, write=True)
    return client
