"""Vietnamese alphabetical order without ICU.

Python compares code points, so "Đống Đa" sorts after "Tây Hồ" and "Bắc Từ Liêm" before
"Ba Đình". The Vietnamese alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y:
ă, â, đ, ê, ô, ơ, ư are letters of their own. Tone marks only break ties, in dictionary order
(none, huyền, hỏi, ngã, sắc, nặng), and case breaks the remaining ties. This is the order ICU's
Vietnamese collation gives, which is not installed here."""

from __future__ import annotations

import unicodedata

_ALPHABET = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Combining marks that make a letter of its own (breve, circumflex, horn) …
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# … and the five tones, in dictionary order after the unmarked (ngang) tone.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SortKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]


def vietnamese_sort_key(text: str) -> SortKey:
    """A key for sorted(): base letters first, then tones, then case.

    >>> sorted(["Đống Đa", "Cầu Giấy", "Bắc Từ Liêm", "Ba Đình"], key=vietnamese_sort_key)
    ['Ba Đình', 'Bắc Từ Liêm', 'Cầu Giấy', 'Đống Đa']
    """
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(char):
            if char in _TONE_RANK and tones:
                tones[-1] = _TONE_RANK[char]
            elif char in _LETTER_MARKS and letters:
                base = unicodedata.normalize("NFC", _ALPHABET[letters[-1][1]] + char) if letters[-1][0] == 1 else ""
                if base in _LETTER_RANK:
                    letters[-1] = (1, _LETTER_RANK[base])
            continue
        if char in _LETTER_RANK:
            letters.append((1, _LETTER_RANK[char]))
        elif char.isalpha():
            letters.append((2, ord(char)))
        else:  # spaces, digits and punctuation sort before letters
            letters.append((0, ord(char)))
        tones.append(0)
    return tuple(letters), tuple(tones), text
