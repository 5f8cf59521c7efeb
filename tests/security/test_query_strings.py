"""Bad query strings on every page (issue 17, finding 11): a NUL byte, an overlong value and
malformed values in every GET parameter of every public and staff URL, the admin's lists
included. The answer is never a server error: NUL and overlong values get the 400 page with a
clear message (core.middleware.QueryStringCheckMiddleware), malformed ones the page itself (with
its form's error) or a 400/404.

The parameters of a page are found on the page: the fields of its GET forms and the query
parameters of its own links, plus the ones the scoping matrix probes it with and a list that
pages commonly read (`COMMON_PARAMS`). A page added later is walked the day it is routed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.security.test_scoping_matrix import LIST_PROBES, PROVIDERS
from tests.security.world import CLIENT_IP, World, build_world, is_placeholder, walk_urlconf

pytestmark = pytest.mark.django_db

COMMON_PARAMS = ("q", "unit", "page", "start", "end", "format", "kind", "status", "year", "number", "next", "sort")
MALFORMED = [
    "-1",
    "abc",
    "2026-02-30",
    "99999999999999999999999",
    "1e309",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "１２３",
    "\u202e\u200b",
    "",
]
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


def _params(client: Client, url: str, name: str, world: World) -> list[str]:
    response = client.get(url)
    found = set(COMMON_PARAMS)
    if name in LIST_PROBES:
        found.update(LIST_PROBES[name](world))
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser = _Params(urlsplit(url).path)
        parser.feed(response.content.decode(errors="replace"))
        found |= parser.names
    return sorted(found - {"csrfmiddlewaretoken"})


def _pages(world: World) -> list[tuple[str, str, str]]:
    """(route name, URL, who opens it) for every GET page of the project, objects filled in."""
    pages = []
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
        pages.append((route.name, reverse(route.name, kwargs=kwargs), who))
    return pages


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


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


def _client(user=None) -> Client:
    client = Client(REMOTE_ADDR=CLIENT_IP, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _refused_clearly(response, message: str) -> bool:
    return response.status_code == 400 and message in response.content.decode()


def test_nul_bytes_and_overlong_values_get_a_400_with_a_clear_message(world):
    with translation.override("vi"):
        nul = gettext("The address contains a character that is not allowed. Go back and search again.")
        long = gettext("A search term in the address is too long (at most %(limit)s characters).") % {"limit": 2000}
        large = gettext("A number in the address is too large.")
    assert "ký tự" in nul  # the Vietnamese page
    failures: list[str] = []
    for name, url, who in _pages(world):
        client = _client(world.users[who])
        for param in _params(client, url, name, world):
            for value, message in (("\x00", nul), (f"a\x00{param}", nul), ("x" * 5000, long), ("9" * 25, large)):
                response = client.get(url, {param: value})
                if not _refused_clearly(response, message):
                    failures.append(f"{name} ?{param}={value[:8]!r}: {response.status_code}")
            response = client.get(f"{url}?{param}%00=1")  # in the name, too
            if not _refused_clearly(response, nul):
                failures.append(f"{name} ?{param}%00: {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_malformed_values_in_every_parameter_never_give_a_server_error(world):
    failures: list[str] = []
    for name, url, who in _pages(world):
        client = _client(world.users[who])
        params = _params(client, url, name, world)
        for value in MALFORMED:  # all parameters at once
            response = client.get(url, dict.fromkeys(params, value))
            if response.status_code not in NOT_A_SERVER_ERROR:
                failures.append(f"{name} all={value!r}: {response.status_code}")
        for i, param in enumerate(params):  # each alone
            value = MALFORMED[i % len(MALFORMED)]
            response = client.get(url, {param: value})
            if response.status_code not in NOT_A_SERVER_ERROR:
                failures.append(f"{name} ?{param}={value!r}: {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_the_public_pages_refuse_nul_for_anonymous_visitors_too(client):
    for name in ("core:home", "petitions:track", "adminreform:lookup", "adminreform:online_list", "reception:schedule"):
        response = client.get(reverse(name), {"q": "\x00", "code": "\x00", "unit": "\x00"})
        assert response.status_code == 400, name


def test_the_admin_lists_refuse_nul_and_take_malformed_filters(admin_user):
    client = _client(admin_user)
    failures: list[str] = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        params = {"q", "o", "p", "all", *re.findall(r'href="\?([a-z_]+)=', client.get(url).content.decode())}
        for f in model_admin.list_filter:
            if isinstance(f, str):
                params.update({f, f"{f}__exact", f"{f}__gte", f"{f}__id__exact"})
        for param in sorted(params):
            if client.get(url, {param: "\x00"}).status_code != 400:
                failures.append(f"{url} ?{param}=NUL")
            for value in ("abc", "-1", "2026-02-30", "99999999999999999999999"):
                status = client.get(url, {param: value}).status_code
                if status not in NOT_A_SERVER_ERROR:
                    failures.append(f"{url} ?{param}={value!r}: {status}")
    assert failures == [], "\n".join(failures)
