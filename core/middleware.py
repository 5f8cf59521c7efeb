"""Request-wide steps: refusing a body larger than any form can need before a byte of it is
read; refusing a query string no page can use (NUL and control characters, overlong values);
reading the signed-in official's memberships once for the whole request."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.selectors import remember_memberships
from core.two_factor import ENROL_KEY


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


# C0 control characters but tab, line feed and carriage return, and DEL: nothing a person types in
# a search box or a link carries them, and PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))
MAX_QUERY_VALUE = 2000  # characters; the longest field a GET form takes is a 200-character search
# A whole number no column holds (beyond a bigint): SQLite raises OverflowError and PostgreSQL
# "out of range" on it, in the admin's filters as anywhere else.
LONG_NUMBER = re.compile(r"[+-]?\d{19,}")
MAX_BIGINT = 2**63 - 1


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """The 400 page (templates/400.html, rendered without the database) with what was wrong;
    under /api/ the same message as an RFC 9457 problem, as the API answers its other errors."""
    if request.path.startswith("/api/"):
        problem = {"type": "urn:civicdesk:problem:malformed", "title": message, "status": 400, "detail": message}
        return JsonResponse(
            problem, status=400, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(render_to_string("400.html", {"message": message}, request=None), status=400)


class QueryStringCheckMiddleware:
    """Answers 400, with a page that says why, a query string carrying a NUL byte or another
    control character, a value longer than any page takes, or a number larger than any id.
    Without it a NUL in `?unit=` or `?q=` reached PostgreSQL (which refuses NUL in a string)
    and answered 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING"):
            for key, values in request.GET.lists():
                for text in (key, *values):
                    if not CONTROL_CHARACTERS.isdisjoint(text):
                        return bad_request(
                            request,
                            _("The address contains a character that is not allowed. Go back and search again."),
                        )
                    if len(text) > MAX_QUERY_VALUE:
                        return bad_request(
                            request,
                            _("A search term in the address is too long (at most %(limit)s characters).")
                            % {"limit": MAX_QUERY_VALUE},
                        )
                    if LONG_NUMBER.fullmatch(text) and abs(int(text)) > MAX_BIGINT:
                        return bad_request(request, _("A number in the address is too large."))
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


class SecondFactorEnrolmentMiddleware:
    """A user who must use two-step login and has not turned it on (flagged at login by
    `core.two_factor.enrolment_due_at_login`) may open only the page that turns it on, and log
    out; every other page sends them there. No query: the flag is in the session."""

    ALLOWED_NAMES = ("two_factor", "logout", "set_language", "login", "login_second_factor")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(ENROL_KEY) and request.user.is_authenticated:
            allowed = {reverse(name) for name in self.ALLOWED_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL or "/static/"):
                return redirect("two_factor")
        return self.get_response(request)
