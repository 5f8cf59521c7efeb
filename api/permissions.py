"""What a caller needs for an endpoint. Every view names one; the default refuses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from .auth import caller_of


class Deny(permissions.BasePermission):
    """The default: an endpoint that forgot to say who may call it answers nobody."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return False


class Public(permissions.AllowAny):
    """Anyone: the units, the catalogue, the schedule, filing and the status by code."""


class ScopedRead(permissions.BasePermission):
    """A key (read or write) or a member of staff; the records are then limited to the scope."""

    message = _("This needs an API key or a staff session with a role in some unit.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return caller_of(request).is_known


class KeyWrite(permissions.BasePermission):
    """A key with the write scope."""

    message = _("This needs an API key with the write scope.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return caller_of(request).can_write
