"""SMS that work: counted in segments the way a phone receives Vietnamese (UCS-2), every
citizen's message in one or two segments, said once, with an absolute link."""

import re

import pytest
from django.utils import translation

from core.sms import segments
from petitions import notify
from petitions.choices import Result
from petitions.models import Notification, PetitionStatus
from petitions.services.notifications import render_sms

SITE = "https://tiepcongdan.hanoi.gov.vn"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 160, 1),  # GSM-7: 160 in one
        ("a" * 161, 2),  # then 153 a part
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("[" * 80, 1),  # the extension table costs two septets
        ("[" * 81, 2),
        ("Đ" * 70, 1),  # one Vietnamese letter outside GSM: the whole text is UCS-2, 70 in one
        ("Đ" * 71, 2),  # then 67 a part
        ("Đ" * 134, 2),
        ("Đ" * 135, 3),
        ("😀" * 35, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, 2),
    ],
)
def test_segments_follow_the_gsm_and_ucs2_rules(text, count):
    assert segments(text) == count


# The longest values each template meets: a commune's ref, a code and secret, the longest status.
LONGEST = {
    "ref": "1234/2026/00070",
    "code": "PAB2C3D4E5",
    "secret_enc": None,
    "received_on": "31/12/2026",
    "status": max(PetitionStatus.values, key=lambda v: len(str(PetitionStatus(v).label))),
    "result": max(Result.values, key=lambda v: len(str(Result(v).label))),
}


def sms_of(template: str, settings) -> str:
    from civicdesk.crypto import fernet

    context = {k: v for k, v in LONGEST.items() if k != "secret_enc"}
    context["secret_enc"] = fernet().encrypt(b"K7M2Q9X4T8").decode()
    row = Notification(template=template, channel=Notification.Channel.SMS, context=context)
    return render_sms(row)


@pytest.mark.parametrize("template", sorted(notify.SMS))
def test_every_citizen_sms_fits_two_segments_in_vietnamese_with_an_absolute_link(template, settings):
    settings.SITE_URL = SITE
    with translation.override("vi"):
        text = sms_of(template, settings)
    assert segments(text) <= 2, (len(text), text)
    assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", text.lower())  # Vietnamese
    links = re.findall(r"\S*/petitions/\S*", text)
    assert links and all(link.startswith(SITE + "/") for link in links)


@pytest.mark.parametrize("template", sorted(notify.SMS))
def test_no_sms_says_a_sentence_twice(template, settings):
    settings.SITE_URL = SITE
    text = sms_of(template, settings)
    sentences = [s.strip().lower() for s in re.split(r"[.:]\s", text) if s.strip()]
    assert len(sentences) == len(set(sentences))
    words = re.findall(r"\w+", text.lower())
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    assert len(trigrams) == len(set(trigrams)), text
