"""Rate limits: per key (its own limit, or API_KEY_RATE_PER_MINUTE), and per address for
callers without one (API_PUBLIC_RATE_PER_MINUTE), counted in the shared cache (core.ratelimit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.ratelimit import client_ip, hit

from .models import ApiKey

WINDOW_S = 60


class PerKeyOrAddressThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None:
            limit = key.rate_per_minute or settings.API_KEY_RATE_PER_MINUTE
            counter = f"api:key:{key.prefix}"
        else:
            limit = settings.API_PUBLIC_RATE_PER_MINUTE
            counter = f"api:ip:{client_ip(request)}"
        allowed = hit(counter, limit=limit, window=WINDOW_S)
        return allowed or not getattr(settings, "CIVICDESK_RATELIMIT_ENABLED", True)

    def wait(self) -> float:
        return WINDOW_S
