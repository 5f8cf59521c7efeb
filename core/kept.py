"""Markup kept per worker process, for parts of pages that are the same for many requests."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

V = TypeVar("V")

# Stands for the CSRF token while markup is rendered to be kept. NUL never occurs in a token, a
# URL or a translation, so nothing else rendered can be mistaken for it.
TOKEN_PLACEHOLDER = "\x00csrf-token\x00"  # noqa: S105 (not a secret: a placeholder)


class KeptMarkup(Generic[V]):
    """Renderings by key, at most `size` of them: the store is emptied when full, since keys
    built from addresses or query strings are unbounded. The key must hold everything the
    rendering shows, so that nothing kept can be stale."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[Hashable, V] = {}

    def get(self, key: Hashable, render: Callable[[], V]) -> V:
        found = self._kept.get(key)
        if found is None:
            found = render()
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = found
        return found


def _slot(name: str) -> str:
    return f"\x00slot:{name}\x00"


_PLACEHOLDER = re.compile("(\x00[^\x00]+\x00)")
# Pages by (template, language, address, slots): a bound, not a tuning knob.
_pages: KeptMarkup[tuple[str, ...]] = KeptMarkup(size=256)


def kept_page(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict[str, Any]],
    *,
    slots: Mapping[str, str],
) -> HttpResponse:
    """`template_name` showing `slots` (context name → the markup shown there, already safe)
    and the visitor's CSRF token, the rest rendered once per worker for each language and
    address, then kept: a public page whose only changing part is drawn by the view.

    `context()` builds the rest of the context, called only when the page is rendered. The
    template must show nothing of the request beyond the language, the address and the CSRF
    token, nor of the context beyond what `context()` always gives for that address. A visitor
    signed in (their own header) or with a message waiting gets the page rendered anew."""
    token = get_token(request)
    values = {name: mark_safe(markup) for name, markup in slots.items()}  # noqa: S308 (given safe)
    user = getattr(request, "user", None)
    # The messages are looked at as the layout would (`{% if messages %}`), and so is the session.
    if (user is not None and user.is_authenticated) or len(get_messages(request)):
        return TemplateResponse(request, template_name, {**context(), **values, "csrf_token": token})

    def render() -> tuple[str, ...]:
        placeholders = {name: SafeString(_slot(name)) for name in slots}
        html = render_to_string(template_name, {**context(), **placeholders, "csrf_token": TOKEN_PLACEHOLDER}, request)
        return tuple(_PLACEHOLDER.split(html))

    parts = _pages.get((template_name, get_language(), request.get_full_path(), *sorted(slots)), render)
    fill = {TOKEN_PLACEHOLDER: token, **{_slot(name): value for name, value in values.items()}}
    return HttpResponse("".join([fill.get(part, part) for part in parts]))
