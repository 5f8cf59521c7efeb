"""Rate limits: per key (its own limit, or API_KEY_RATE_PER_MINUTE), and per address for
callers without one (API_PUBLIC_RATE_PER_MINUTE), counted in the shared cache (core.ratelimit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.ratelimit import Limit, client_ip, hits

from .models import ApiKey

WINDOW_S = 60


def address_limit(address: str) -> Limit:
    """The limit of a caller without a key, per address (the status lookup's fast path counts
    it too: api.fastpath)."""
    return Limit(f"api:ip:{address}", settings.API_PUBLIC_RATE_PER_MINUTE, WINDOW_S)


class PerKeyOrAddressThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None:
            limit = Limit(f"api:key:{key.prefix}", key.rate_per_minute or settings.API_KEY_RATE_PER_MINUTE, WINDOW_S)
        else:
            limit = address_limit(client_ip(request))
        [allowed] = hits(limit)
        return allowed or not getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True)

    def wait(self) -> float:
        return WINDOW_S
