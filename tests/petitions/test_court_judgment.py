"""A complaint whose matter a court has already judged: recorded at classification (02/XLD's
"đã có bản án"), shown on the petition page, and proposed as the reason to refuse it."""

import pytest
from django.urls import reverse

from core.choices import PetitionKind
from petitions.models import PetitionEvent
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db


def _classify_post(client, petition, **overrides):
    data = {"version": petition.version, "kind": petition.kind, "eligible": "1", "competent": "1", "signers": "1"}
    data.update(overrides)
    return client.post(reverse("petitions:action", args=[petition.pk, "classify"]), data)


def test_the_classifying_official_records_a_court_judgment_and_the_refusal_gives_the_reason(client, commune, officer):
    petition = receive(commune)
    client.force_login(officer)
    form = client.get(reverse("petitions:action", args=[petition.pk, "classify"])).content.decode()
    assert 'name="court_judgment"' in form and "bản án" in form
    assert _classify_post(client, petition, court_judgment="on").status_code == 302
    petition.refresh_from_db()
    assert petition.court_judgment
    event = PetitionEvent.objects.get(petition=petition, kind=PetitionEvent.Kind.CLASSIFIED)
    assert event.data["court_judgment"] is True and event.actor == officer
    html = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert 'id="court-judgment"' in html
    refuse = client.get(reverse("petitions:action", args=[petition.pk, "refuse"])).content.decode()
    assert "Luật Khiếu nại" in refuse and "11" in refuse
    # classified again without the mark: it is taken off
    petition.refresh_from_db()
    assert _classify_post(client, petition).status_code == 302
    petition.refresh_from_db()
    assert not petition.court_judgment


def test_only_a_complaint_has_the_mark(client, commune, officer):
    petition = receive(commune, kind=PetitionKind.DENUNCIATION)
    client.force_login(officer)
    form = client.get(reverse("petitions:action", args=[petition.pk, "classify"])).content.decode()
    assert 'name="court_judgment"' not in form
    assert not classify(petition, court_judgment=True).court_judgment
