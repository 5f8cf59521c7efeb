"""The dossier's lookup PIN (mã PIN) is kept as a keyed digest, never as typed.

A 6-digit PIN is shown once, to the applicant (the receipt slip, the online confirmation, the
receipt message); the table keeps `h1$<salt>$<HMAC-SHA256>`: an HMAC of a random per-row salt
and the PIN under ADMINREFORM_PIN_KEY, or a key derived from SECRET_KEY (`salted_hmac`), so a
dump or a backup without the key gives no PIN, and two dossiers with the same PIN have
unrelated digests. A keyed HMAC, not a password hasher: the public lookup checks it in
microseconds (a password hasher's deliberate slowness would cost every lookup tens of
milliseconds, and six digits behind a secret key need no slowing; guessing online is stopped
by the lookup's per-address limit). Checked in constant time, under the current key and the
older ones (ADMINREFORM_PIN_KEY_FALLBACKS, or SECRET_KEY_FALLBACKS), and against a dummy
digest when the code is unknown, so a wrong code and a wrong PIN cost the same. A lost PIN is
not reprinted: the counter reissues one (`services.dossier_reissue_pin`).
"""

from __future__ import annotations

import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

PREFIX = "h1$"
_KEY_SALT = "civicdesk.adminreform.lookup-pin"
_DUMMY = f"{PREFIX}{'0' * 16}${'0' * 64}"


def new_pin() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(10**6):06d}"


def _keys() -> list[str]:
    """The key of new digests first, then older keys still accepted: ADMINREFORM_PIN_KEY (and
    its fallbacks) when set, else SECRET_KEY (and SECRET_KEY_FALLBACKS)."""
    dedicated = getattr(settings, "ADMINREFORM_PIN_KEY", "")
    if dedicated:
        return [dedicated, *getattr(settings, "ADMINREFORM_PIN_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _mac(pin: str, salt: str, key: str) -> str:
    return salted_hmac(_KEY_SALT, f"{salt}:{pin}", secret=key, algorithm="sha256").hexdigest()


def pin_digest(pin: str) -> str:
    """What is stored for `pin`: '' for none."""
    if not pin:
        return ""
    salt = secrets.token_hex(8)
    return f"{PREFIX}{salt}${_mac(pin, salt, _keys()[0])}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when `stored` is a digest of `pin` under the current or an older secret key. The
    same work whatever `stored` is: a missing or malformed one is compared with a dummy."""
    known = stored.startswith(PREFIX) and stored.count("$") == 2
    _prefix, salt, expected = (stored if known else _DUMMY).split("$")
    ok = False
    for key in _keys():
        ok |= hmac.compare_digest(_mac(pin, salt, key).encode(), expected.encode())
    return ok and known
