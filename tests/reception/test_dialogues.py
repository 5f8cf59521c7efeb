"""The register of dialogue conferences: the desk records one (with who and when), a bad entry
is refused next to its field with what was typed kept, each official sees only their units', and
the reports count it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reception.models import DialogueConference, ReceptionEvent
from reports.compiling import compile_figures
from reports.periods import Period

pytestmark = pytest.mark.django_db


def test_the_desk_records_a_conference_that_the_report_counts(client, officer, commune):
    client.force_login(officer)
    page = client.get(reverse("reception:dialogue_list"))
    assert page.status_code == 200 and "Ghi nhận hội nghị" in page.content.decode()
    held = timezone.localdate() - timedelta(days=2)
    response = client.post(
        reverse("reception:dialogue_list"),
        {"unit": commune.pk, "held_on": held.isoformat(), "attendees": 85, "topic": "Bồi thường đất"},
        follow=True,
    )
    conference = DialogueConference.objects.get()
    assert (conference.unit, conference.held_on, conference.attendees) == (commune, held, 85)
    assert conference.ref == f"HN-{held:%Y}-001" and conference.recorded_by == officer
    event = ReceptionEvent.objects.get(dialogue=conference)
    assert (event.kind, event.actor) == ("dialogue_recorded", officer)
    assert "Bồi thường đất" in response.content.decode()
    figures = compile_figures(unit=commune, period=Period(held, held), with_trend=False)
    assert (figures["dialogues"]["conferences"], figures["dialogues"]["attendees"]) == (1, 85)


def test_a_conference_to_come_is_refused_next_to_its_date_keeping_the_topic(client, officer, commune):
    client.force_login(officer)
    response = client.post(
        reverse("reception:dialogue_list"),
        {
            "unit": commune.pk,
            "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "attendees": 10,
            "topic": "Trật tự đô thị",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chỉ ghi nhận hội nghị đã tổ chức." in html and 'value="Trật tự đô thị"' in html
    assert not DialogueConference.objects.exists()


def test_each_official_sees_only_their_units_conferences(client, other_officer, commune, other_commune):
    DialogueConference.objects.create(unit=commune, ref="HN-A", held_on=date(2026, 1, 5), topic="Chợ A")
    DialogueConference.objects.create(unit=other_commune, ref="HN-B", held_on=date(2026, 1, 6), topic="Chợ B")
    client.force_login(other_officer)
    html = client.get(reverse("reception:dialogue_list")).content.decode()
    assert "Chợ B" in html and "Chợ A" not in html


def test_the_inspector_reads_the_register_and_records_nothing(client, city_inspector, commune):
    DialogueConference.objects.create(unit=commune, ref="HN-A", held_on=date(2026, 1, 5), topic="Chợ A")
    client.force_login(city_inspector)
    html = client.get(reverse("reception:dialogue_list")).content.decode()
    assert "Chợ A" in html and "Ghi nhận hội nghị" not in html
    client.post(reverse("reception:dialogue_list"), {"unit": commune.pk, "held_on": "2026-01-07", "attendees": 3})
    assert DialogueConference.objects.count() == 1
