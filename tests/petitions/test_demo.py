"""The demo seed: petitions in every state, idempotent."""

import random
from datetime import date

import pytest

from core.demo import DemoContext
from petitions import demo
from petitions.models import Petition, PetitionEvent, PetitionStatus
from petitions.selectors import petition_by_code
from petitions.services import petition_check_secret
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_seed_covers_every_state_and_running_it_twice_adds_nothing(city, commune, other_commune, officer):
    UnitFactory(code="00008", parent=city)
    context = DemoContext(
        city=city,
        communes=[commune, other_commune],
        users={"canbo.hoankiem": officer},
        today=date(2026, 11, 20),
        rng=random.Random(2026),
    )
    demo.seed(context)
    assert set(Petition.objects.values_list("status", flat=True)) == set(PetitionStatus.values)
    assert Petition.objects.filter(received_on__lt=date(2025, 6, 1)).exists()
    assert Petition.objects.filter(unit__code="00008").exists()
    counts = (Petition.objects.count(), PetitionEvent.objects.count())
    context.rng = random.Random(7)
    demo.seed(context)
    assert (Petition.objects.count(), PetitionEvent.objects.count()) == counts
    tracked = petition_by_code(code=demo.DEMO_CODE)
    assert petition_check_secret(petition=tracked, secret=demo.DEMO_SECRET)
    denunciation = Petition.objects.filter(kind="denunciation").first()
    assert denunciation.petitioner_name == "" and denunciation.denouncer is not None
