"""The public lookup's answer drawn in Python (`petitions.fastpath.tracking_html`, P2) is the
markup its template fragment drew: same words, dates, sizes and order in both languages, every
value escaped, the reply letter's form with the page's CSRF token. `REFERENCE` is that fragment
(tracking_reference.html beside this file), kept as the twin the fast path must match."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from petitions.fastpath import tracking_html
from petitions.models import Attachment
from petitions.selectors import PublicStep, PublicTracking

REFERENCE = Template("{% load i18n %}" + (Path(__file__).parent / "tracking_reference.html").read_text().rstrip("\n"))

HOSTILE = "<script>alert(\"x\")</script> & 'co'"
TOKEN = "a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ01"


def _running(**changes) -> PublicTracking:
    values = {
        "code": "TC-AB12CD",
        "kind": "Khiếu nại",
        "received_on": date(2026, 3, 2),
        "status": "Đã thụ lý, đang giải quyết",
        "step": "Xác minh",
        "due_on": date(2026, 4, 30),
        "timeline": [
            PublicStep(on=date(2026, 3, 2), text="Đã nhận đơn"),
            PublicStep(on=date(2026, 3, 9), text="Đã thụ lý"),
        ],
    }
    return PublicTracking(**{**values, **changes})


def _letter(size: int) -> Attachment:
    return Attachment(original_name="tra-loi.pdf", mime="application/pdf", size=size, is_reply=True)


CASES = {
    "running": _running(),
    "no deadline": _running(due_on=None, step="", timeline=[]),
    "answered": _running(
        status="Đã giải quyết",
        due_on=None,
        result="Đúng một phần",
        resolved_on=date(2026, 4, 20),
        answer='Dòng một\nDòng <hai> & "ba"\r\nDòng bốn',
    ),
    "answered with a letter": _running(
        due_on=None, result="Sai toàn bộ", resolved_on=date(2026, 4, 20), answer="Trả lời", letter=_letter(1_234_567)
    ),
    "a denunciation concluded": _running(
        due_on=None, result="Có vi phạm", resolved_on=date(2026, 5, 2), is_denunciation=True, letter=_letter(900)
    ),
    "every value hostile": PublicTracking(
        code=HOSTILE,
        kind=HOSTILE,
        received_on=date(2026, 1, 1),
        status=HOSTILE,
        step=HOSTILE,
        due_on=date(2026, 1, 2),
        timeline=[PublicStep(on=date(2026, 1, 1), text=HOSTILE)],
        result=HOSTILE,
        resolved_on=date(2026, 1, 3),
        answer=HOSTILE,
        letter=_letter(10),
    ),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("case", CASES)
def test_the_answer_is_the_fragments_markup(case, language):
    tracking = CASES[case]
    with translation.override(language):
        expected = REFERENCE.render(Context({"tracking": tracking, "secret": HOSTILE, "csrf_token": TOKEN}))
        drawn = tracking_html(tracking, secret=HOSTILE, csrf_token=TOKEN)
    assert drawn == expected


def test_every_value_is_escaped():
    drawn = tracking_html(CASES["every value hostile"], secret=HOSTILE, csrf_token=TOKEN)
    assert "<script>" not in drawn
    # The code (heading and form), kind, status, step, result, answer, timeline and secret.
    assert drawn.count("&lt;script&gt;") == 9
