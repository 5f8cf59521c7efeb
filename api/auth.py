"""Who is calling: another system with its API key, or staff through their session.

A key travels as `Authorization: Bearer cdk_…` (or `X-Api-Key: cdk_…`; Open311 clients
send `api_key` with the request, as the GeoReport specification says). `request.auth` is then
the ApiKey and `request.user` stays anonymous: a key is no person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.models import Role, Unit
from core.ratelimit import client_ip
from core.selectors import unit_paths_for, unit_under

from . import services
from .models import ApiKey

# Staff who read records through the API: every role with a desk or a reading duty.
STAFF_ROLES = tuple(Role.values)


def key_text(request: Request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    if request.META.get("HTTP_X_API_KEY"):
        return str(request.META["HTTP_X_API_KEY"]).strip()
    if request.method == "POST" and request.path.startswith("/open311/"):
        return str(request.POST.get("api_key", "")).strip()
    return ""


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        raw = key_text(request)
        if not raw:
            return None
        key = services.api_key_authenticate(raw, ip_address=client_ip(request) or None)
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid or was revoked."))
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An API key issued by an administrator: cdk_…"}


@dataclass(frozen=True)
class Caller:
    """The scope of a request: the subtrees it may read (None: everywhere, a superuser), and
    whether it may write."""

    key: ApiKey | None
    paths: list[str] | None
    can_write: bool

    @property
    def is_known(self) -> bool:
        return self.key is not None or self.paths is None or bool(self.paths)

    def covers(self, unit: Unit) -> bool:
        return self.paths is None or unit_under(unit, self.paths)


def caller_of(request: Request) -> Caller:
    key = request.auth if isinstance(request.auth, ApiKey) else None
    if key is not None:
        return Caller(key=key, paths=[key.unit.path], can_write=key.can_write)
    user = request.user
    if user is not None and user.is_authenticated:
        return Caller(key=None, paths=unit_paths_for(user=user, roles=STAFF_ROLES), can_write=False)
    return Caller(key=None, paths=[], can_write=False)
