"""A public page kept by the worker with its one changing part put in per request
(core.kept.kept_page; the lookup's answer page): each visitor still reads their own petition,
language and CSRF token, exactly the page a fresh rendering gives; a signed-in official and a
visitor with a message waiting get theirs rendered anew."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from core.kept import _pages
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.CIVICDESK_RATELIMIT_BURST = settings.PETITIONS_TRACK_RATE = 100  # more lookups than a citizen's
    cache.clear()
    _pages._kept.clear()
    yield
    cache.clear()


def _visitor(language: str = "vi") -> Client:
    """A browser with CSRF checks on, holding the token its first page gave it."""
    browser = Client(enforce_csrf_checks=True)
    browser.token = TOKEN.search(browser.get(reverse("petitions:track")).content.decode()).group(1)
    if language != "vi":
        browser.post(reverse("set_language"), {"language": language, "csrfmiddlewaretoken": browser.token})
    return browser


def _look_up(browser: Client, petition, path: str = "") -> str:
    response = browser.post(
        reverse("petitions:track") + path,
        {"code": petition.tracking_code, "secret": petition.tracking_secret, "csrfmiddlewaretoken": browser.token},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def _tokens_out(page: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', page)


def test_two_citizens_in_turn_each_read_their_own_petition_with_their_own_token(commune):
    first, second = receive(commune, subject="Đèn đường hỏng"), receive(commune, subject="Rác thải")
    browsers = {first: _visitor(), second: _visitor()}
    english = _visitor("en")
    browsers_en = {first: english}
    seen: dict[tuple[str, str], list[str]] = {}
    for _round in range(2):
        for petition, browser in [*browsers.items(), *browsers_en.items()]:
            key = (petition.tracking_code, "en" if browser is english else "vi")
            seen.setdefault(key, []).append(_look_up(browser, petition))
    for (code, language), pages in seen.items():
        for page in pages:
            assert code in page
            others = [p.tracking_code for p in (first, second) if p.tracking_code != code]
            assert not any(other in page for other in others)
            assert f'<html lang="{language}">' in page
            assert ("Look up another petition" in page) == (language == "en")
            # One token on the whole page (the header's language switch and the lookup form).
            tokens = set(TOKEN.findall(page))
            assert len(tokens) == 1
            assert tokens.pop() not in _tokens_out(page)
    # Each visitor's own token works, another's is refused.
    page = seen[(second.tracking_code, "vi")][-1]
    own = TOKEN.search(page).group(1)
    other = TOKEN.search(seen[(first.tracking_code, "vi")][-1]).group(1)
    switch = reverse("set_language")
    assert browsers[second].post(switch, {"language": "en", "csrfmiddlewaretoken": other}).status_code == 403
    assert browsers[second].post(switch, {"language": "en", "csrfmiddlewaretoken": own}).status_code == 302


@pytest.mark.parametrize("path", ["", "?from=sms"])
def test_the_kept_page_is_the_page_a_fresh_rendering_gives(commune, path):
    petition = receive(commune)
    browser = _visitor()
    fresh = _look_up(browser, petition, path)
    kept = _look_up(browser, petition, path)
    assert len(_pages._kept) == 1  # the second came from the kept copy
    _pages._kept.clear()
    assert _tokens_out(kept) == _tokens_out(fresh) == _tokens_out(_look_up(browser, petition, path))


def test_a_signed_in_official_gets_their_own_header_and_the_next_citizen_the_public_one(commune, officer):
    petition = receive(commune)
    official, citizen = _visitor(), _visitor()
    official.force_login(officer)
    for _round in range(2):
        mine = _look_up(official, petition)
        assert officer.get_full_name() in mine and "/accounts/logout/" in mine
        theirs = _look_up(citizen, petition)
        assert officer.get_full_name() not in theirs and "/accounts/logout/" not in theirs
        assert petition.tracking_code in mine and petition.tracking_code in theirs


def test_a_message_waiting_for_the_visitor_is_shown_on_the_answer(commune):
    petition = receive(commune)
    browser = _visitor()
    _look_up(browser, petition)  # the page is kept
    storage = CookieStorage(RequestFactory().get("/"))
    browser.cookies["messages"] = storage._encode([Message(constants.INFO, "Ngôn ngữ đã được đổi.")])
    page = _look_up(browser, petition)
    assert "Ngôn ngữ đã được đổi." in page and petition.tracking_code in page
    assert "Ngôn ngữ đã được đổi." not in _look_up(browser, petition)  # shown once
