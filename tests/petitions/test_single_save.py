"""A decision writes the petition once and records one event: guide, urge, transfer, accept."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.exceptions import InvalidTransition
from core.choices import PetitionKind
from petitions.models import PetitionEvent
from petitions.services import petition_accept, petition_guide, petition_transfer, petition_urge
from tests.petitions.factories import classify, receive

pytestmark = pytest.mark.django_db


def petition_updates(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith('UPDATE "petitions_petition"'))


@pytest.mark.parametrize(
    ("decide", "kind"),
    [
        (
            lambda p, u: petition_guide(petition=p, expected_version=p.version, body="Sở Tài nguyên", actor=None),
            "guided",
        ),
        (
            lambda p, u: petition_urge(
                petition=p, expected_version=p.version, to_unit=u, request="Báo cáo kết quả", actor=None
            ),
            "urged",
        ),
        (lambda p, u: petition_transfer(petition=p, expected_version=p.version, to_unit=u, actor=None), "transferred"),
        (
            lambda p, u: petition_accept(petition=p, expected_version=p.version, on=date(2026, 3, 5), actor=None),
            "accepted",
        ),
    ],
)
def test_one_save_and_one_event_per_decision(city, commune, decide, kind):
    # the city's petition: the commune below it can be urged, and receive a transfer
    petition = classify(receive(city, kind=PetitionKind.RECOMMENDATION, received_on=date(2026, 3, 2)))
    version = petition.version
    with CaptureQueriesContext(connection) as ctx:
        decide(petition, commune)
    assert petition_updates(ctx.captured_queries) == 1
    petition.refresh_from_db()
    assert petition.version == version + 1
    assert petition.events.filter(kind=kind).count() == 1


def test_a_refused_guide_changes_nothing(commune):
    petition = receive(commune, received_on=date(2026, 3, 2))  # not yet classified
    with pytest.raises(InvalidTransition), CaptureQueriesContext(connection) as ctx:
        petition_guide(petition=petition, expected_version=None, body="Sở Tài nguyên", actor=None)
    assert petition_updates(ctx.captured_queries) == 0
    petition.refresh_from_db()
    assert petition.outcome_body == "" and not petition.events.filter(kind=PetitionEvent.Kind.GUIDED).exists()
