"""Request-wide steps: refusing a body larger than any form can need before a byte of it is
read; reading the signed-in official's memberships once for the whole request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.selectors import remember_memberships


class RequestSizeLimitMiddleware:
    """Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to disk
    whatever their size, and the 10 MB per file check runs only once they are there. A body
    declared larger than CIVICDESK_MAX_REQUEST_BYTES (all the files a form takes, at their
    limit) is answered 413 at once. The proxy in front should refuse it even earlier
    (operations.md: `client_max_body_size`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = getattr(settings, "CIVICDESK_MAX_REQUEST_BYTES", 100 * 1024 * 1024)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _(
                "What you sent is too large (%(size)s; at most %(limit)s in all). Go back, attach fewer or "
                "smaller files (each at most 10 MB) and send again."
            ) % {"size": filesizeformat(length), "limit": filesizeformat(limit)}
            language = escape(getattr(request, "LANGUAGE_CODE", "vi"))
            body = (
                f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>413</title></head>'
                f"<body><p>{escape(message)}</p></body></html>"
            )
            return HttpResponse(body, status=413)
        return self.get_response(request)


class RememberMembershipsMiddleware:
    """The signed-in official's (role, unit path) pairs, read once per request for every role
    and scope check that follows on `request.user` (the view's guard, its scoped reads, the
    navigation): `core.selectors.remember_memberships`. After the authentication and
    second-factor middleware, which set `request.user`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        remember_memberships(user=request.user)
        return self.get_response(request)
