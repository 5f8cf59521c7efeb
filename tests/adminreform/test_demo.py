"""The demo seed: a catalogue and dossiers in every state, idempotent."""

import random
from datetime import date

import pytest

from adminreform.demo import seed
from adminreform.models import Dossier, DossierStatus, Procedure
from adminreform.selectors import catalogue_stats
from core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_seed_adds_every_state_once(city, commune, other_commune, officer):
    context = DemoContext(
        city=city,
        communes=[commune, other_commune],
        users={"canbo": officer},
        today=date(2026, 11, 20),
        rng=random.Random(2026),
    )
    seed(context)
    count = Dossier.objects.count()
    assert count > 1000
    assert set(Dossier.objects.values_list("status", flat=True)) == set(DossierStatus.values)
    assert Dossier.objects.filter(unit=city).exists() and Dossier.objects.filter(unit=other_commune).exists()
    stats = catalogue_stats()
    assert stats.total == Procedure.objects.count() == 20 and stats.fully_online > 0 and stats.partly_online > 0
    context.rng = random.Random(2026)
    seed(context)
    assert Dossier.objects.count() == count
