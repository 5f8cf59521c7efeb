"""Issue 19 items 4 and 5.

A denunciation's extension is recorded as "phức tạp" (once) or "đặc biệt phức tạp" (at most
twice) with its reason (Luật Tố cáo art. 30). A complaint outside competence is guided, never
transferred (TT 05/2021): the service refuses, and the page offers Guide, not Transfer."""

from datetime import date

import pytest
from django.urls import reverse

from civicdesk.exceptions import DomainError
from core.choices import PetitionKind
from petitions.models import PetitionEvent
from petitions.services import petition_extend
from tests.petitions.factories import accepted, classify, receive

pytestmark = pytest.mark.django_db
D = PetitionKind.DENUNCIATION


def extend(petition, head, complexity, reason="Cần xác minh thêm"):
    return petition_extend(petition=petition, expected_version=None, complexity=complexity, reason=reason, actor=head)


def test_a_complex_case_is_extended_once_only(commune, head):
    petition = extend(accepted(commune, kind=D, on=date(2026, 3, 5)), head, "complex")
    assert (petition.due_on, petition.extensions) == (date(2026, 5, 6), 1)  # 06/04 + 30 days
    with pytest.raises(DomainError, match="đặc biệt phức tạp"):
        extend(petition, head, "complex")


def test_a_particularly_complex_case_is_extended_twice_each_recorded_with_its_reason(commune, head):
    petition = extend(accepted(commune, kind=D, on=date(2026, 3, 5)), head, "complex", "Nhiều nội dung")
    petition = extend(petition, head, "particularly_complex", "Phải giám định lại")
    assert (petition.due_on, petition.extensions) == (date(2026, 6, 5), 2)
    events = petition.events.filter(kind=PetitionEvent.Kind.EXTENDED).order_by("pk")
    assert [(e.data["complexity"], e.reason) for e in events] == [
        ("complex", "Nhiều nội dung"),
        ("particularly_complex", "Phải giám định lại"),
    ]
    with pytest.raises(DomainError, match="tối đa hai lần"):
        extend(petition, head, "particularly_complex")


def test_an_extension_must_say_how_complex_the_case_is(commune, head):
    with pytest.raises(DomainError, match="phức tạp"):
        extend(accepted(commune, kind=D, on=date(2026, 3, 5)), head, "")


def test_the_head_extends_on_the_page_choosing_the_complexity(client, commune, head):
    petition = accepted(commune, kind=D, on=date(2026, 3, 5))
    client.force_login(head)
    url = reverse("petitions:action", args=[petition.pk, "extend"])
    form = client.get(url).content.decode()
    assert "Phức tạp (gia hạn một lần)" in form and "Đặc biệt phức tạp (gia hạn tối đa hai lần)" in form
    missing = client.post(url, {"reason": "Cần thêm thời gian", "version": petition.version})
    assert missing.status_code == 200 and "Cần thêm thời gian" in missing.content.decode()
    done = client.post(
        url, {"complexity": "particularly_complex", "reason": "Giám định lại", "version": petition.version}
    )
    assert done.status_code == 302
    event = petition.events.get(kind=PetitionEvent.Kind.EXTENDED)
    assert event.data["complexity"] == "particularly_complex"


def test_a_complaint_outside_competence_is_offered_guidance_not_transfer(client, commune, other_commune, officer):
    petition = classify(receive(commune, kind=PetitionKind.COMPLAINT), competent=False)
    client.force_login(officer)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert reverse("petitions:action", args=[petition.pk, "guide"]) in page
    assert reverse("petitions:action", args=[petition.pk, "transfer"]) not in page
    denunciation = classify(receive(commune, kind=D), competent=False)
    page = client.get(reverse("petitions:detail", args=[denunciation.pk])).content.decode()
    assert reverse("petitions:action", args=[denunciation.pk, "transfer"]) in page
