"""Text helpers: folding Vietnamese for search, tracking codes and secrets."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings

from civicdesk.crypto import blind_index

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_PREFIX = "PA"


def _slow_fold(text: str) -> str:
    """`fold` by its definition: decompose, drop every combining mark, lower, squeeze spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


_MARKS = re.compile("[\u0300-\u036f]+")  # combining diacritics: all of category Mn


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đường Láng' -> 'duong lang'.

    Fast path (imports fold every row): when the decomposed text is ASCII once its combining
    diacritics are removed, every character removed was a mark (category Mn), so the result is
    exactly the per-character filter's; anything else takes that filter."""
    quick = _MARKS.sub("", unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")))
    if quick.isascii():
        return " ".join(quick.lower().split())
    return _slow_fold(text)


def random_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(8))


def random_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


def derived_secret(idempotency_key: str) -> str:
    """The secret of a filing identified by `idempotency_key`: a repeated submit (double
    click) gets the same secret back without it ever being stored in clear."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"petition-secret:{idempotency_key}".encode(), hashlib.sha256)
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest.digest()[:10])


def id_number_digest(id_number: str) -> str:
    """Blind index of an identity number (civicdesk.crypto): equal numbers match, the number
    is not readable. The same value as the blind indexes of visits and dossiers."""
    return blind_index(id_number)


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()
