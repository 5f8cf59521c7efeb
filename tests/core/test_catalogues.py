"""Every Vietnamese translation we write is the one a user sees.

Django merges all catalogues into one dictionary keyed by (context, msgid): the root
`locale/` wins, then the apps in INSTALLED_APPS order (Django's own admin, auth and
sessions before ours). The same English word meaning two things in two apps ("Refuse" a
dossier vs. "Refuse" a petition) must carry a context, or one app shows the other's word."""

from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    [ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po", *ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")]
)


def _translated(po_path: Path) -> list[polib.POEntry]:
    # Fuzzy and empty entries are not compiled, so they cannot clash.
    return [e for e in polib.pofile(str(po_path)) if not e.obsolete and e.translated()]


def _name(po_path: Path) -> str:
    return str(po_path.relative_to(ROOT).parts[0])


def test_all_catalogues_are_found():
    assert {_name(p) for p in CATALOGUES} >= {"locale", "petitions", "reception", "adminreform", "reports"}


def test_no_msgid_has_two_vietnamese_translations():
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for po_path in CATALOGUES:
        for entry in _translated(po_path):
            text = entry.msgstr or " | ".join(v for _k, v in sorted(entry.msgstr_plural.items()))
            seen[(entry.msgctxt, entry.msgid)][_name(po_path)] = text
    clashes = {key: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert not clashes, "Give these a context (pgettext) or make them agree:\n" + "\n".join(
        f"  {ctx or ''}|{msgid}: {by_app}" for (ctx, msgid), by_app in clashes.items()
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_name)
def test_each_translation_is_the_one_django_shows(po_path):
    # Catches clashes with Django's and third-party catalogues too ("Save", "session").
    wrong = []
    with translation.override("vi"):
        for entry in _translated(po_path):
            if entry.msgid_plural:
                continue
            shown = pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)
            if shown != entry.msgstr:
                wrong.append(f"  {entry.msgctxt or ''}|{entry.msgid}: want {entry.msgstr!r}, shown {shown!r}")
    assert not wrong, "Another catalogue wins for these (run `make install` if the .mo files are stale):\n" + (
        "\n".join(wrong)
    )


def test_the_same_word_reads_right_in_each_app():
    with translation.override("vi"):
        assert pgettext("dossier", "Refuse") == "Từ chối giải quyết"
        assert gettext("Refuse") == "Không thụ lý"
        assert pgettext("hand-over", "Received by") == "Bên nhận"
        assert gettext("Received by") == "Người tiếp"
        assert pgettext("membership", "Granted") == "Cấp quyền"
        assert gettext("Granted") == "Giải quyết"
