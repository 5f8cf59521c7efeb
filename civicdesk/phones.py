"""A phone number parsed once per filing.

`phonenumbers.parse` is the dear part of a phone's checks (about 17 µs), and one filing parsed
the same number three times: the form's field cleans what the citizen typed to its national
form ("0912345678", core.contact), then its blind index (civicdesk.crypto) and the choice of
an SMS (core.contact.is_mobile) parsed that national form again. The field's parse is now kept
under the text it cleaned the number to, and `parse` answers those two from it. What a person
typed is always parsed anew (the field never reads what is kept), so every filing still parses
its number once, whoever sent the same number before.
"""

from __future__ import annotations

import phonenumbers

REGION = "VN"
KEPT = 1024  # numbers kept per process; emptied when full

_kept: dict[str, phonenumbers.PhoneNumber] = {}


def keep(text: str, number: phonenumbers.PhoneNumber) -> None:
    """Keep `number`, parsed from what a person typed, under `text`, the form it was cleaned to:
    what `phonenumbers.parse(text, REGION)` gives (its country and national number, without
    the extension or the raw input the typed text may have carried)."""
    if len(_kept) >= KEPT:
        _kept.clear()
    _kept[text] = phonenumbers.PhoneNumber(
        country_code=number.country_code,
        national_number=number.national_number,
        italian_leading_zero=number.italian_leading_zero,
        number_of_leading_zeros=number.number_of_leading_zeros,
    )


def parse(text: str) -> phonenumbers.PhoneNumber:
    """`phonenumbers.parse(text, REGION)`, from what `keep` kept when `text` is a cleaned number.
    Never change the number returned: it may be shared."""
    number = _kept.get(text)
    return number if number is not None else phonenumbers.parse(text, REGION)
