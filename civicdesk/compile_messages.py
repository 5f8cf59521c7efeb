"""Compile the .po catalogues to .mo at install, with no system gettext needed.

Django's `compilemessages` needs GNU msgfmt; a fresh machine with only Python may
not have it, so this uses polib (pure Python) for the same result."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
        if ".venv" in po_path.parts:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    main()
