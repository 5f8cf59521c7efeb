"""Malformed query strings on every page (issue 17, finding 11): malformed values in every GET
parameter of every public and staff URL, all parameters at once and each alone, never give a
server error: the page itself (with its form's error) or a 400/404.

The NUL and overlong values, and the admin's lists, are `test_query_strings.py`; the two files
are apart so that parallel workers (`make test`, one file per worker at a time) share them.
"""

from __future__ import annotations

import pytest

from tests.security.page_params import NOT_A_SERVER_ERROR, client_for, page_params, pages
from tests.security.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.long]

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


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer) -> World:
    return build_world(commune, other_commune, officer, head, other_officer)


def test_malformed_values_in_every_parameter_never_give_a_server_error(world):
    failures: list[str] = []
    for name, url, who in pages(world):
        client = client_for(world.users[who])
        params = page_params(client, url, name, world)
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
