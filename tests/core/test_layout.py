"""The site header on every page: kept per worker once rendered (core.templatetags.layout),
it must still show each visitor their own page, language, menu and CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Role
from core.services import membership_grant

pytestmark = pytest.mark.django_db

LANGUAGE_FORM = re.compile(r'<form action="/i18n/setlang/".*?name="csrfmiddlewaretoken" value="([^"]+)"', re.S)


def header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def test_each_visitor_switches_language_with_their_own_token():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [c.get(reverse("petitions:track")).content.decode() for c in (first, second)]
    tokens = [LANGUAGE_FORM.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    # Another visitor's token is refused; one's own switches the language.
    assert second.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": tokens[0]}).status_code == 403
    assert second.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert "Track a petition" in header(second.get(reverse("petitions:track")).content.decode())
    assert "Tra cứu" in header(first.get(reverse("petitions:track")).content.decode())


def test_the_menu_marks_the_page_being_used(client):
    on_track = header(client.get(reverse("petitions:track")).content.decode())
    on_file = header(client.get(reverse("petitions:file")).content.decode())
    current = re.compile(r'href="([^"]+)" aria-current="page"')
    assert current.findall(on_track) == [reverse("petitions:track")]
    assert current.findall(on_file) == [reverse("petitions:file")]
    assert f'name="next" type="hidden" value="{reverse("petitions:file")}?unit=7"' in header(
        client.get(reverse("petitions:file"), {"unit": "7"}).content.decode()
    )


def test_a_role_granted_or_a_new_name_shows_on_the_next_page(client, officer, city):
    client.force_login(officer)
    before = header(client.get(reverse("core:staff_home")).content.decode())
    assert reverse("reports:dashboard") not in before
    assert officer.get_full_name() in before
    membership_grant(user=officer, unit=city, role=Role.LEADER_VIEWER, actor=None, reason="test")
    assert reverse("reports:dashboard") in header(client.get(reverse("core:staff_home")).content.decode())
    officer.first_name, officer.last_name = "Trần Thị", "Bình"
    officer.save()
    assert "Trần Thị Bình" in header(client.get(reverse("core:staff_home")).content.decode())


def test_a_logged_in_official_logs_out_with_their_own_token(officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    page = header(browser.get(reverse("core:staff_home")).content.decode())
    token = re.search(r'action="/accounts/logout/">\s*<input [^>]*name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    assert browser.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert browser.get(reverse("core:staff_home")).status_code == 302


def test_the_lookup_form_keeps_what_was_typed_and_the_blank_one_stays_blank():
    """The blank lookup form is kept per language; a form with values and errors never is."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    form_token = re.compile(r'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')
    tokens = [form_token.search(c.get(reverse("petitions:track")).content.decode()).group(1) for c in (first, second)]
    assert tokens[0] != tokens[1]
    refused = second.post(
        reverse("petitions:track"), {"csrfmiddlewaretoken": tokens[1], "code": "PZZZZZZZZZ", "secret": "wrong"}
    ).content.decode()
    assert 'value="PZZZZZZZZZ"' in refused and "alert-danger" in refused
    blank = first.get(reverse("petitions:track")).content.decode()
    assert "PZZZZZZZZZ" not in blank and "alert-danger" not in blank
