"""A phone number is parsed once per filing (civicdesk.phones): what the form's field parsed is
kept under the text it cleaned the number to, and its blind index and the choice of an SMS read
it from there. They must answer exactly as a parse of that text would."""

import phonenumbers
import pytest

from civicdesk import phones
from civicdesk.crypto import IndexFamily, blind_index
from core.contact import is_mobile, normalise_phone

TYPED = [
    "0912 345 678",
    "+84 912.345.678",
    "024 3825 3536",
    "0912345678 ext. 12",
    "+39 06 6982 1234",
    "+1 650 253 0000",
]


@pytest.fixture(autouse=True)
def _nothing_kept():
    phones._kept.clear()
    yield
    phones._kept.clear()


@pytest.mark.parametrize("typed", TYPED)
def test_the_number_kept_is_what_a_parse_of_the_cleaned_text_gives(typed):
    cleaned = normalise_phone(typed)
    assert phones.parse(cleaned) is phones._kept[cleaned]
    assert phones.parse(cleaned) == phonenumbers.parse(cleaned, phones.REGION)


@pytest.mark.parametrize("typed", TYPED)
def test_the_blind_index_and_the_sms_choice_are_those_of_a_fresh_parse(typed):
    cleaned = normalise_phone(typed)
    kept = (blind_index(cleaned, family=IndexFamily.PETITIONER_PHONE), is_mobile(cleaned))
    phones._kept.clear()
    assert kept == (blind_index(cleaned, family=IndexFamily.PETITIONER_PHONE), is_mobile(cleaned))


def test_what_a_person_types_is_always_parsed(monkeypatch):
    normalise_phone("0912345678")  # kept under its own text
    calls = []
    parse = phonenumbers.parse
    monkeypatch.setattr(phonenumbers, "parse", lambda *a, **k: calls.append(a) or parse(*a, **k))
    assert normalise_phone("0912345678") == "0912345678"
    assert calls == [("0912345678", "VN")]


def test_the_numbers_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(phones, "KEPT", 3)
    for typed in ["0912345671", "0912345672", "0912345673", "0912345674"]:
        normalise_phone(typed)
    assert list(phones._kept) == ["0912345674"]
