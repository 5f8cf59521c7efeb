"""What every endpoint shares: the caller's scope, the audit of a key's writes, cursor
pagination, and a date parameter read without a 500."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.ratelimit import client_ip

from .. import services
from ..auth import Caller, caller_of
from ..models import ApiKey


class ApiView(GenericAPIView):  # type: ignore[type-arg]
    """The base of every endpoint. A request made with a key's write scope is audited with
    its answer, whatever the answer was."""

    def caller(self) -> Caller:
        return caller_of(self.request)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "_authenticator", None) and request.auth
        if isinstance(key, ApiKey) and key.can_write and request.method not in ("GET", "HEAD", "OPTIONS"):
            services.api_key_record_write(
                key=key,
                method=str(request.method),
                path=request.get_full_path(),
                status=response.status_code,
                ip_address=client_ip(request) or None,
            )
        return response


class Cursor(CursorPagination):
    """Opaque cursors over an indexed order: a page costs the same at the millionth row."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def date_param(request: Request, name: str) -> date | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise exceptions.ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None
