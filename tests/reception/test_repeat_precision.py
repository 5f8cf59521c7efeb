"""Repeat-visit detection on the demo data: what is proposed to the desk is the same citizen.

The demo (reception.demo) brings some citizens back about the same matter, typed a little
differently (no accents, "Số" and the ward left out, no papers before 1/7/2026), and links each
return to the citizen's previous visit; everyone else is a different person, many of them with
the same matter in the same words. Every visit is looked up as the desk would look it up when
it was logged, and each proposal is checked against those links."""

from __future__ import annotations

from datetime import date

import pytest

from core.demo import DemoContext, demo_users
from reception.demo import seed
from reception.models import Visit
from reception.selectors import visit_repeat_candidates

pytestmark = pytest.mark.django_db

PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.9


def _person(visit: Visit, by_pk: dict[int, Visit]) -> int:
    """The first visit of the citizen `visit` belongs to, through the demo's repeat links."""
    while visit.repeat_of_id:
        visit = by_pk[visit.repeat_of_id]
    return visit.pk


def test_proposed_repeats_on_the_demo_data_are_the_same_citizen(city, commune, other_commune):
    communes = [commune, other_commune]
    seed(DemoContext(city=city, communes=communes, users=demo_users(city, communes), today=date(2026, 11, 22)))
    visits = list(Visit.objects.select_related("unit").order_by("received_on", "pk"))
    by_pk = {v.pk: v for v in visits}
    returns = [v for v in visits if v.repeat_of_id]
    assert len(visits) > 500 and len(returns) > 50  # enough of both to measure

    right, wrong, found_back = 0, [], 0
    for visit in visits:
        candidates = visit_repeat_candidates(
            unit=visit.unit,
            identity_number=visit.identity_number,
            citizen_name=visit.citizen_name,
            address=visit.address,
            content=visit.content,
            before=visit.received_on,
            exclude_pk=visit.pk,
        )
        for c in candidates:
            if _person(c.visit, by_pk) == _person(visit, by_pk):
                right += 1
            else:
                wrong.append(
                    f"{visit.ref} ({visit.citizen_name}, {visit.address}) ≠ {c.visit.ref} "
                    f"({c.visit.citizen_name}, {c.visit.address}): {c.reason}"
                )
        if visit.repeat_of_id and visit.repeat_of_id in {c.visit.pk for c in candidates}:
            found_back += 1

    precision = right / (right + len(wrong))
    recall = found_back / len(returns)
    assert precision >= PRECISION_FLOOR, f"precision {precision:.3f}; false positives:\n" + "\n".join(wrong)
    assert recall >= RECALL_FLOOR, f"recall {recall:.3f} ({found_back} of {len(returns)} returns found)"
    # The old rule proposed every visit with the same matter in the same words: none of that now.
    assert all("content" not in line.rsplit(": ", 1)[1] for line in wrong)
