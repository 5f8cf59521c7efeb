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


def test_satisfaction_stats_feed_the_reports(city, commune, procedure, django_assert_num_queries):
    from adminreform.selectors import dossier_satisfaction_stats
    from tests.adminreform.factories import DossierFactory

    for n, (score, visits) in enumerate([(3, 1), (2, 1), (1, 3), (None, None)]):
        DossierFactory(
            unit=commune,
            ref=f"S{n}",
            procedure=procedure,
            received_on=date(2026, 3, 2),
            resolved_on=date(2026, 3, 4),
            status="returned",
            rating_score=score,
            rating_visits=visits,
            rated_at=None if score is None else "2026-03-04T10:00:00+07:00",
        )
    with django_assert_num_queries(1):
        stats = dossier_satisfaction_stats(unit=city, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert (stats.rated, stats.very_satisfied, stats.satisfied, stats.not_satisfied, stats.came_once) == (3, 1, 1, 1, 2)
    assert round(stats.satisfied_pct, 1) == 66.7
