"""Errors as RFC 9457 problem details (`application/problem+json`), in Vietnamese and English.

    {"type": "urn:civicdesk:problem:validation", "title": "Dữ liệu không hợp lệ", "status": 400,
     "detail": "…", "messages": {"vi": {"title": …, "detail": …}, "en": {…}},
     "errors": {"subject": [{"vi": "…", "en": "…"}]}}

`title` and `detail` are in the request's language (Vietnamese unless the caller asks for
English with Accept-Language); `messages` and each field error carry both. A message raised by
a service is translated when it is raised; the other language is found by looking the text up
in the merged catalogues (a message with values filled in keeps the language it was raised in).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from civicdesk.exceptions import InvalidTransition, NotAllowed, StaleEdit

PROBLEM_TYPE = "application/problem+json"

# code → (status, title)
TITLES: dict[str, tuple[int, Any]] = {
    "validation": (400, _("The request is not valid")),
    "malformed": (400, _("The request could not be read")),
    "unauthenticated": (401, _("An API key or a signed-in session is needed")),
    "forbidden": (403, _("You are not allowed to do this")),
    "not_found": (404, _("Not found")),
    "method_not_allowed": (405, _("This method is not allowed here")),
    "not_acceptable": (406, _("This format cannot be produced")),
    "conflict": (409, _("The record changed or cannot take this step")),
    "unsupported_media_type": (415, _("This content type is not accepted")),
    "rule": (422, _("A rule forbids this")),
    "rate_limited": (429, _("Too many requests")),
}


@cache
def _reverse_catalogue(language: str) -> dict[str, str]:
    """Translated text → English id, for `language`'s merged catalogues."""
    catalogue = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    out: dict[str, str] = {}
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, str) and isinstance(msgstr, str) and msgstr:
            out.setdefault(msgstr, msgid.split("\x04", 1)[-1])
    return out


def both(text: Any) -> dict[str, str]:
    """`text` (a lazy or already translated message) in Vietnamese and English."""
    if hasattr(text, "_proxy____args"):  # lazy: translate it in each language
        with translation.override("vi"):
            vi = str(text)
        with translation.override("en"):
            en = str(text)
        return {"vi": vi, "en": en}
    text = str(text)
    english = _reverse_catalogue("vi").get(text)
    if english is not None:  # raised in Vietnamese
        with translation.override("en"):
            return {"vi": text, "en": translation.gettext(english)}
    with translation.override("vi"):  # raised in English (or untranslated)
        return {"vi": translation.gettext(text), "en": text}


def _in_request_language(messages: dict[str, str]) -> str:
    return messages["en"] if (translation.get_language() or "vi").startswith("en") else messages["vi"]


def problem(
    code: str, *, detail: Any = None, errors: dict[str, list[Any]] | None = None, status_code: int | None = None
) -> dict[str, Any]:
    status_code = status_code or TITLES[code][0]
    title = both(TITLES[code][1])
    detail_both = both(detail) if detail is not None else title
    body: dict[str, Any] = {
        "type": f"urn:civicdesk:problem:{code}",
        "title": _in_request_language(title),
        "status": status_code,
        "detail": _in_request_language(detail_both),
        "messages": {lang: {"title": title[lang], "detail": detail_both[lang]} for lang in ("vi", "en")},
    }
    if errors:
        body["errors"] = {field: [both(m) for m in msgs] for field, msgs in errors.items()}
    return body


def _field_errors(detail: Any) -> dict[str, list[Any]]:
    """DRF's nested error detail flattened to field → messages ("non_field_errors" for the rest)."""
    if isinstance(detail, dict):
        out: dict[str, list[Any]] = {}
        for field, value in detail.items():
            for sub, msgs in _field_errors(value).items():
                name = field if sub == "non_field_errors" else f"{field}.{sub}"
                out.setdefault(name, []).extend(msgs)
        return out
    if isinstance(detail, list):
        msgs: list[Any] = []
        nested: dict[str, list[Any]] = {}
        for i, item in enumerate(detail):
            if isinstance(item, dict | list) and not isinstance(item, str):
                for sub, m in _field_errors(item).items():
                    nested.setdefault(f"{i}.{sub}" if sub != "non_field_errors" else str(i), []).extend(m)
            else:
                msgs.append(item)
        return {"non_field_errors": msgs, **nested} if msgs else nested
    return {"non_field_errors": [detail]}


def _django_validation(exc: DjangoValidationError) -> tuple[str, dict[str, Any]]:
    if isinstance(exc, NotAllowed):
        code = "forbidden"
    elif isinstance(exc, StaleEdit | InvalidTransition):
        code = "conflict"
    else:
        code = "rule"
    if hasattr(exc, "error_dict"):
        errors = {field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        return "validation", problem("validation", errors=errors)
    messages = exc.messages
    return code, problem(code, detail=messages[0] if len(messages) == 1 else "; ".join(messages))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler: every refusal as a problem; anything else is a bug (500)."""
    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        body = problem("not_found")
    elif isinstance(exc, DjangoPermissionDenied):
        body = problem("forbidden")
    elif isinstance(exc, DjangoValidationError):
        _code, body = _django_validation(exc)
    elif isinstance(exc, exceptions.ValidationError):
        body = problem("validation", errors=_field_errors(exc.detail))
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        failed = isinstance(exc, exceptions.AuthenticationFailed)
        body = problem("unauthenticated", detail=exc.detail if failed else None)
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    elif isinstance(exc, exceptions.PermissionDenied):
        body = problem("forbidden", detail=exc.detail)
    elif isinstance(exc, exceptions.NotFound):
        body = problem("not_found")
    elif isinstance(exc, exceptions.MethodNotAllowed):
        body = problem("method_not_allowed")
    elif isinstance(exc, exceptions.NotAcceptable):
        body = problem("not_acceptable")
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body = problem("unsupported_media_type")
    elif isinstance(exc, exceptions.Throttled):
        body = problem("rate_limited")
        headers["Retry-After"] = str(int(exc.wait or 60))
    elif isinstance(exc, exceptions.ParseError):
        body = problem("malformed", detail=exc.detail)
    elif isinstance(exc, exceptions.APIException):
        body = problem("malformed", detail=exc.detail, status_code=exc.status_code)
    else:
        return None
    set_rollback()  # nothing half-written
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_TYPE)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under /api/ that names no endpoint."""
    return JsonResponse(problem("not_found"), status=status.HTTP_404_NOT_FOUND, content_type=PROBLEM_TYPE)
