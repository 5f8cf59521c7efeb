"""Every GET page of the project with its objects filled in, and the query parameters each
page reads, for the query-string tests (`test_query_strings.py`, `test_malformed_query_strings.py`).

The parameters of a page are found on the page: the fields of its GET forms and the query
parameters of its own links, plus the ones the scoping matrix probes it with and a list that
pages commonly read (`COMMON_PARAMS`). A page added later is walked the day it is routed.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from django.urls import reverse

from tests.security.test_scoping_matrix import LIST_PROBES, PROVIDERS
from tests.security.world import CLIENT_IP, World, is_placeholder, walk_urlconf

COMMON_PARAMS = ("q", "unit", "page", "start", "end", "format", "kind", "status", "year", "number", "next", "sort")
NOT_A_SERVER_ERROR = {200, 301, 302, 303, 400, 403, 404, 405, 429}


class _Params(HTMLParser):
    """Names of the GET forms' fields, and the query parameters of links to `path`."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.names: set[str] = set()
        self.in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.in_get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self.in_get_form and a.get("name"):
            self.names.add(a["name"] or "")
        elif tag == "a" and a.get("href") and "?" in (a.get("href") or ""):
            parts = urlsplit(a["href"] or "")
            if parts.path in ("", self.path):
                self.names.update(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_get_form = False


def page_params(client: Client, url: str, name: str, world: World) -> list[str]:
    """The query parameters the page at `url` (route `name`) reads, as `client` sees it."""
    response = client.get(url)
    found = set(COMMON_PARAMS)
    if name in LIST_PROBES:
        found.update(LIST_PROBES[name](world))
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser = _Params(urlsplit(url).path)
        parser.feed(response.content.decode(errors="replace"))
        found |= parser.names
    return sorted(found - {"csrfmiddlewaretoken"})


def pages(world: World) -> list[tuple[str, str, str]]:
    """(route name, URL, who opens it) for every GET page of the project, objects filled in."""
    found = []
    for route in walk_urlconf():
        if route.route.startswith("admin/") or not route.accepts("get") or is_placeholder(route):
            continue
        if route.name in ("logout", "set_language"):
            continue
        who = "head"
        if route.kwargs:
            if route.name in OBJECTS:
                kwargs: dict[str, Any] = OBJECTS[route.name](world)
            elif route.name in PROVIDERS:
                target = PROVIDERS[route.name](world)[0]
                kwargs, who = target.kwargs, target.insider or "head"
            else:
                raise AssertionError(f"{route.name}: no way to fill {route.kwargs}")
        else:
            kwargs = {}
        found.append((route.name, reverse(route.name, kwargs=kwargs), who))
    return found


# Pages with an object that the scoping matrix does not walk (no unit owns it).
OBJECTS = {
    "adminreform:intake": lambda w: {"pk": w.procedure.pk},
    "adminreform:online_submit": lambda w: {"pk": w.procedure.pk},
    "api:unit": lambda w: {"code": w.commune.code},
    "api:procedure": lambda w: {"code": w.procedure.code},
    "api:schedule": lambda w: {"code": w.commune.code},
    "open311:discovery": lambda w: {"fmt": "json"},
    "open311:services": lambda w: {"fmt": "xml"},
    "open311:requests": lambda w: {"fmt": "json"},
    "open311:request": lambda w: {"fmt": "json", "code": w.petition(kind="feedback").tracking_code},
    "petitions:feedback": lambda w: {"code": w.petition(kind="feedback").tracking_code},
}


def client_for(user=None) -> Client:
    """A client from the world's address, logged in as `user` when given; a view's exception
    is answered as in production (a 500), not raised into the test."""
    client = Client(REMOTE_ADDR=CLIENT_IP, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client
