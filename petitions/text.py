"""Text helpers: folding Vietnamese for search, tracking codes and secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

from civicdesk.crypto import blind_index
from core.search import _slow_fold, fold  # noqa: F401  # the one fold (core.search), used across petitions

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_PREFIX = "PA"


def random_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(8))


def random_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


def derived_secret(idempotency_key: str) -> str:
    """The secret of a filing identified by `idempotency_key`: a repeated submit (double
    click) gets the same secret back without it ever being stored in clear."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"petition-secret:{idempotency_key}".encode(), hashlib.sha256)
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest.digest()[:10])


# Tracking secrets are stored as HMAC-SHA256(key, secret), tagged with this prefix. The
# secret is random (10 letters of a 31-letter alphabet, about 2^49.5 values) and online
# guessing is stopped by the per-IP limit, so a slow password hash buys nothing; the key
# keeps a stolen table useless. Rows stored before used Django's password hashers
# ("pbkdf2_sha256$..."): petitions.services still verifies those.
SECRET_DIGEST_PREFIX = "hmac_sha256$"  # noqa: S105 - a format tag, not a secret
_SECRET_SALT = "civicdesk.petitions.tracking-secret"  # noqa: S105 - a key salt, public
# Compared against when the code is unknown (or the petition untracked): the same work.
_NO_DIGEST = SECRET_DIGEST_PREFIX + "0" * 64


def _secret_keys() -> list[str]:
    """The key that signs new digests first, then older keys still accepted: the dedicated
    PETITIONS_TRACKING_KEY (and PETITIONS_TRACKING_KEY_FALLBACKS) when set, else SECRET_KEY
    (and SECRET_KEY_FALLBACKS), so rotating a key does not lock citizens out."""
    dedicated = getattr(settings, "PETITIONS_TRACKING_KEY", "")
    if dedicated:
        return [dedicated, *getattr(settings, "PETITIONS_TRACKING_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def normalise_secret(secret: str) -> str:
    return "".join(secret.split()).upper()


def secret_digest(secret: str, *, key: str | None = None) -> str:
    """What is stored for a tracking secret: a keyed HMAC-SHA256, a few microseconds."""
    mac = salted_hmac(_SECRET_SALT, normalise_secret(secret), secret=key or _secret_keys()[0], algorithm="sha256")
    return SECRET_DIGEST_PREFIX + mac.hexdigest()


def secret_digest_matches(secret: str, stored: str | None) -> bool:
    """True when `stored` is the HMAC digest of `secret` under the current or an older key.

    The same work whatever `stored` is (one HMAC per key and a constant-time comparison):
    a missing or foreign value is compared against a dummy digest, so an unknown code costs
    what a known one does."""
    known = bool(stored and stored.startswith(SECRET_DIGEST_PREFIX))
    expected = (stored if known else _NO_DIGEST).encode()
    ok = False
    for key in _secret_keys():
        ok |= hmac.compare_digest(secret_digest(secret, key=key).encode(), expected)
    return ok and known


def id_number_digest(id_number: str) -> str:
    """Blind index of an identity number (civicdesk.crypto): equal numbers match, the number
    is not readable. The same value as the blind indexes of visits and dossiers."""
    return blind_index(id_number)


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()
