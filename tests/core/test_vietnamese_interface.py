"""No English in the Vietnamese interface.

Every page of every app (public and staff: every URL name of the URLconf but Django's admin and
the machine-facing API), opened with `Accept-Language: vi` as a role that may open it, over
records of every kind (tests.security.world), and every form sent back empty so that its
errors show. The visible text (text nodes, and the labels a screen reader reads: placeholder,
title, aria-label, alt) is cut into words; a word is English when it is written in plain ASCII,
is a word of the project's or Django's English messages, and cannot be a Vietnamese syllable
written without its marks ("can", "ban", "long" can; "reception", "art", "status" cannot).
Names, codes and abbreviations are allowed (ALLOWED). PDF, XLSX and CSV files are read too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.security.test_denouncer_crawl import _text
from tests.security.test_scoping_matrix import LIST_PROBES, PROVIDERS
from tests.security.world import PUBLIC_URLS, World, build_world, is_admin, is_placeholder, walk_urlconf

pytestmark = pytest.mark.django_db

# Codes, abbreviations and names that read the same in Vietnamese.
ALLOWED = frozenset(
    {
        "cccd", "cmnd", "pdf", "xlsx", "csv", "docx", "json", "api", "sms", "otp", "url", "http", "https",
        "www", "email", "mail", "zalo", "ubnd", "tcd", "hcc", "qr", "ok", "id", "english", "open311", "openapi",
        "totp", "vneid", "xml", "jpg", "jpeg", "png", "mb", "kb", "utc", "ict", "ip", "gps", "wgs", "vnpost",
        "civicdesk", "tab", "enter", "word", "google", "microsoft", "authenticator", "freeotp", "tt", "nđ", "qh",
        "mp", "webm", "mkv", "mov", "ogg", "wav", "video",
    }
)  # fmt: skip
# Machine-facing routes: JSON for programs, not pages for people.
NOT_PAGES = ("api:", "open311:", "sms-delivery-report", "core:health", "set_language", "logout")
# Files people uploaded (a citizen's scan, the signed reply letter, a recording): their words are theirs.
UPLOADED = (
    "adminreform:document_file",
    "petitions:attachment",
    "petitions:track_letter",
    "reception:recording_open",
    "petitions:urge_document",
)

# A Vietnamese syllable written in plain ASCII: initial consonant, vowels, final consonant.
_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(uye|uya|ieu|yeu|uoi|uou|oai|oay|oao|oeo|uay|uau|uoi|ia|ie|iu|ya|ye|ua|uo|ue|ui|uy|oa|oe|oi|oo|ao|au|ay|"
    r"eo|eu|ai|ay|ou|[aeiouy])"
    r"(ch|ng|nh|[cmnpt])?",
)


def _is_syllable(word: str) -> bool:
    return bool(_SYLLABLE.fullmatch(word))


def _english_words() -> frozenset[str]:
    """The words of the English messages: the project's msgids written in plain ASCII
    (Vietnamese msgids carry marks), and Django's."""
    catalogues = [*Path(settings.BASE_DIR).glob("*/locale/vi/LC_MESSAGES/django.po")]
    catalogues += [*Path(settings.BASE_DIR).glob("locale/vi/LC_MESSAGES/django.po")]
    django_root = Path(django.__file__).parent
    catalogues += [django_root / "conf/locale/vi/LC_MESSAGES/django.po"]
    catalogues += [*django_root.glob("contrib/*/locale/vi/LC_MESSAGES/django.po")]
    words: set[str] = set()
    for path in catalogues:
        for entry in polib.pofile(str(path)):
            for msgid in (entry.msgid, entry.msgid_plural):
                if msgid and msgid.isascii():
                    words.update(
                        w.lower() for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"%\(\w+\)s|\{\w+\}", " ", msgid))
                    )
    return frozenset(w for w in words if not _is_syllable(w)) - ALLOWED


class _Visible(HTMLParser):
    """The text a person sees or hears on the page."""

    HIDDEN = frozenset({"script", "style", "template", "code", "kbd", "samp", "noscript"})
    READ = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        self.parts.extend(v for k, v in values.items() if k in self.READ and v)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _visible_text(response) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith("text/html"):
        parser = _Visible()
        parser.feed(response.content.decode())
        return "\n".join(parser.parts)
    if "json" in kind or "javascript" in kind or "csv" in kind or kind.startswith("image/"):  # data for programs
        return ""
    if response.status_code != 200:
        return ""
    text = _text(response)
    if kind.startswith("application/pdf"):
        text = text.split("\n%PDF-", 1)[0]  # the extracted text, not the file's own bytes
    return text


URL_LIKE = re.compile(r"\S+@\S+|\w+://\S+|/[\w\-./?=&%]+|\b[\w.]+\.(?:pdf|xlsx|csv|docx|jpg|png)\b", re.I)


def _english_in(text: str, english: frozenset[str]) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        clean = URL_LIKE.sub(" ", line)
        for word in re.findall(r"[^\W\d_]+", clean):
            if word.isascii() and word.lower() in english:
                yield word, " ".join(line.split())[:160]


@pytest.fixture
def world(commune, other_commune, officer, head, other_officer, city_head) -> World:
    world = build_world(commune, other_commune, officer, head, other_officer)
    world.users["city_head"] = city_head
    return world


def _pages(world: World) -> Iterator[tuple[str, str, dict | None, tuple[str, ...]]]:
    """(route name, url, POST data or None, who may open it) for every page."""
    staff = ("officer", "head", "city_head")
    for route in walk_urlconf():
        if is_admin(route) or is_placeholder(route) or route.name.startswith(NOT_PAGES) or route.name in UPLOADED:
            continue
        if route.name.startswith("<unnamed"):
            continue
        who = ("anonymous",) if route.name in PUBLIC_URLS else staff
        if route.kwargs:
            if route.name not in PROVIDERS:
                continue
            for target in PROVIDERS[route.name](world):
                url = reverse(route.name, kwargs=target.kwargs)
                if route.accepts("get"):
                    yield route.name, url, None, who
                if route.accepts("post"):
                    yield route.name, url, {}, who
            continue
        url = reverse(route.name, kwargs=route.default_args or None)
        if route.accepts("get"):
            yield route.name, url, None, who
            if route.name in LIST_PROBES:
                yield (
                    route.name,
                    url + "?" + "&".join(f"{k}={v}" for k, v in LIST_PROBES[route.name](world).items()),
                    None,
                    who,
                )
        if route.accepts("post"):
            yield route.name, url, {}, who


def test_every_page_in_vietnamese_has_no_english_words(world, settings):
    settings.LANGUAGE_CODE = "vi"
    english = _english_words()
    assert {"reception", "status", "complaint"} <= english and "can" not in english  # the list is sound
    clients: dict[str, Client] = {"anonymous": Client(HTTP_ACCEPT_LANGUAGE="vi")}
    for name, user in world.users.items():
        clients[name] = Client(HTTP_ACCEPT_LANGUAGE="vi")
        clients[name].force_login(user)

    found: dict[str, set[str]] = {}
    opened: set[str] = set()
    for name, url, data, who in _pages(world):
        for role in who:
            client = clients[role]
            response = client.get(url) if data is None else client.post(url, data, follow=True)
            if response.status_code in (403, 404, 405) and role != who[-1]:
                continue
            if response.status_code >= 500:
                found.setdefault(f"{name} {url}", set()).add(f"HTTP {response.status_code}")
            if response.status_code < 400 or data is not None:
                opened.add(name)
            for word, line in _english_in(_visible_text(response), english):
                found.setdefault(f"{name} {'POST' if data is not None else 'GET'} {url} ({role})", set()).add(
                    f"{word!r} in «{line}»"
                )
            break

    report = "\n".join(f"{page}:\n    " + "\n    ".join(sorted(words)) for page, words in sorted(found.items()))
    assert not found, f"English in the Vietnamese interface on {len(found)} pages:\n{report}"
    assert {"petitions:file", "petitions:detail", "reception:visit_detail", "adminreform:dossier_detail"} <= opened


@pytest.mark.parametrize(
    ("stored", "vietnamese", "english"),
    [
        ("Luật Khiếu nại art. 9", "Điều 9 Luật Khiếu nại", "Luật Khiếu nại art. 9"),
        ("Luật TCD art. 15(2)(d)", "điểm d khoản 2 Điều 15 Luật TCD", "Luật TCD art. 15(2)(d)"),
        (
            "Luật Tiếp công dân art. 26(2), 28(1); TT 05/2021/TT-TTCP",
            "khoản 2 Điều 26, khoản 1 Điều 28 Luật Tiếp công dân; TT 05/2021/TT-TTCP",
            "Luật Tiếp công dân art. 26(2), art. 28(1); TT 05/2021/TT-TTCP",
        ),
        (
            "Luật Khiếu nại art. 27; TT 07/2013/TT-TTCP art. 5, sửa đổi bởi TT 02/2016/TT-TTCP",
            "Điều 27 Luật Khiếu nại; Điều 5 TT 07/2013/TT-TTCP, sửa đổi bởi TT 02/2016/TT-TTCP",
            "Luật Khiếu nại art. 27; TT 07/2013/TT-TTCP art. 5, sửa đổi bởi TT 02/2016/TT-TTCP",
        ),
        ("Luật TCD art. 15, Luật 136/2025", "Điều 15 Luật TCD, Luật 136/2025", "Luật TCD art. 15, Luật 136/2025"),
        (
            "Nghị định 61/2018/NĐ-CP art. 17–21",
            "Điều 17–21 Nghị định 61/2018/NĐ-CP",
            "Nghị định 61/2018/NĐ-CP art. 17–21",
        ),
        ("Luật 136/2025/QH15 (sửa đổi Luật Khiếu nại)", "Luật 136/2025/QH15 (sửa đổi Luật Khiếu nại)", None),
    ],
)
def test_a_legal_basis_reads_in_the_readers_language(stored, vietnamese, english):
    from django.utils import translation

    from core.legal import legal_basis_text

    with translation.override("vi"):
        assert legal_basis_text(stored) == vietnamese
    with translation.override("en"):
        assert legal_basis_text(stored) == (english or stored)


def test_a_missing_page_says_so_in_vietnamese(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()
