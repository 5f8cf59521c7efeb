"""The site header on every page: kept per worker once rendered (core.templatetags.layout),
it must still show each visitor their own page, language, menu and CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Role
from core.services import membership_grant
from core.templatetags.layout import _rendered

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


def _kept_renderings() -> int:
    return len(_rendered._kept)


def _menu(page_header: str) -> list[str]:
    return re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"', page_header)


def test_officials_never_see_each_others_header_even_when_it_comes_from_the_kept_copy(officer, handler, city_leader):
    """Two officials of one commune (the same menu, other names), a leader (another menu) and
    a citizen open the same page in turn, then again: each sees their own name and menu,
    whether their header was rendered for them or came from the kept copy."""
    browsers = {name: Client() for name in ("officer", "handler", "leader", "citizen")}
    for name, user in (("officer", officer), ("handler", handler), ("leader", city_leader)):
        browsers[name].force_login(user)
    users = {"officer": officer, "handler": handler, "leader": city_leader}
    page = reverse("petitions:track")  # a page citizens and officials both open

    def headers() -> dict[str, str]:
        return {name: header(b.get(page).content.decode()) for name, b in browsers.items()}

    first = headers()
    kept = _kept_renderings()
    again = headers()
    assert _kept_renderings() == kept  # the second round came from the kept copies
    for seen in (first, again):
        for name, user in users.items():
            own = user.get_full_name()
            assert own in seen[name] and "/accounts/logout/" in seen[name]
            others = [u.get_full_name() for n, u in users.items() if n != name]
            assert not any(other in seen[name] for other in others), name
            assert not any(other in seen["citizen"] for other in (own, "/accounts/logout/"))
        # the same menu for the two desk officials, another for the leader, the public one for the citizen
        assert _menu(seen["officer"]) == _menu(seen["handler"])
        assert reverse("reports:dashboard") in _menu(seen["leader"])
        assert reverse("petitions:queue") not in _menu(seen["leader"])
        assert reverse("petitions:queue") in _menu(seen["officer"])
        assert reverse("petitions:file") in _menu(seen["citizen"])
        assert not {reverse("petitions:queue"), reverse("reports:dashboard")} & set(_menu(seen["citizen"]))


def test_a_citizen_after_an_official_on_the_staff_login_page_gets_the_public_header(officer):
    """The login page is where an official's session ends and a citizen's begins on a shared
    computer: the same address, the header of whoever is there now."""
    shared = Client()
    shared.force_login(officer)
    page = reverse("petitions:file")
    assert officer.get_full_name() in header(shared.get(page).content.decode())
    shared.logout()
    after = header(shared.get(page).content.decode())
    assert officer.get_full_name() not in after and "/accounts/logout/" not in after
    assert reverse("login") in after


def test_two_officials_with_the_same_name_each_see_their_own_menu(officer, city_leader):
    """Nguyễn Văn An is a common name: the kept header is told apart by the menu too."""
    city_leader.first_name, city_leader.last_name = officer.first_name, officer.last_name
    city_leader.save()
    page = reverse("core:staff_home")
    menus = {}
    for _round in range(2):
        for user in (officer, city_leader):
            browser = Client()
            browser.force_login(user)
            menus[user.username] = _menu(header(browser.get(page).content.decode()))
    assert reverse("reports:dashboard") in menus[city_leader.username]
    assert reverse("reports:dashboard") not in menus[officer.username]
    assert reverse("petitions:queue") in menus[officer.username]
    assert reverse("petitions:queue") not in menus[city_leader.username]


def test_the_layouts_translated_parts_follow_each_visitors_language():
    """The title, skip link and footer are kept once per language: a Vietnamese visitor and an
    English one, in turn and again, each read their own language, never the other's."""
    vietnamese, english = Client(), Client()
    english.post(reverse("set_language"), {"language": "en"})
    page = reverse("petitions:track")
    for _round in range(2):
        vi, en = (b.get(page).content.decode() for b in (vietnamese, english))
        assert 'lang="vi"' in vi and "Chuyển đến nội dung chính" in vi and "Skip to content" not in vi
        assert 'lang="en"' in en and "Skip to content" in en and "Chuyển đến nội dung chính" not in en
        assert "citizen reception, petitions" in en and "citizen reception, petitions" not in vi
        for shown in (vi, en):
            assert shown.count('<link rel="stylesheet"') == 3 and shown.count("bootstrap.bundle") == 1
