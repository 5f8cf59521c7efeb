"""Bad query strings on every page (issue 17, finding 11): a NUL byte, an overlong value and
a number beyond a bigint in every GET parameter of every public and staff URL, the admin's lists
included, where malformed values go too. The answer is never a server error: NUL and overlong
values get the 400 page with a clear message (core.middleware.QueryStringCheckMiddleware),
malformed ones the page itself (with its form's error) or a 400/404.

The pages and their parameters are found as `tests.security.page_params` says. Malformed values
on the pages are `test_malformed_query_strings.py`: the two files are apart so that parallel
workers (`make test`, one file per worker at a time) share them.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.security.page_params import NOT_A_SERVER_ERROR, client_for, page_params, pages
from tests.security.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.long]


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


def _refused_clearly(response, message: str) -> bool:
    return response.status_code == 400 and message in response.content.decode()


def test_nul_bytes_and_overlong_values_get_a_400_with_a_clear_message(world):
    with translation.override("vi"):
        nul = gettext("The address contains a character that is not allowed. Go back and search again.")
        long = gettext("A search term in the address is too long (at most %(limit)s characters).") % {"limit": 2000}
        large = gettext("A number in the address is too large.")
    assert "ký tự" in nul  # the Vietnamese page
    failures: list[str] = []
    for name, url, who in pages(world):
        client = client_for(world.users[who])
        for param in page_params(client, url, name, world):
            for value, message in (("\x00", nul), (f"a\x00{param}", nul), ("x" * 5000, long), ("9" * 25, large)):
                response = client.get(url, {param: value})
                if not _refused_clearly(response, message):
                    failures.append(f"{name} ?{param}={value[:8]!r}: {response.status_code}")
            response = client.get(f"{url}?{param}%00=1")  # in the name, too
            if not _refused_clearly(response, nul):
                failures.append(f"{name} ?{param}%00: {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_the_public_pages_refuse_nul_for_anonymous_visitors_too(client):
    for name in ("core:home", "petitions:track", "adminreform:lookup", "adminreform:online_list", "reception:schedule"):
        response = client.get(reverse(name), {"q": "\x00", "code": "\x00", "unit": "\x00"})
        assert response.status_code == 400, name


def test_the_admin_lists_refuse_nul_and_take_malformed_filters(admin_user):
    client = client_for(admin_user)
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
