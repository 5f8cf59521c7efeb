"""The unfiltered dossier list of a commune, read in two indexed parts (its own open dossiers and
those it handles for other units; `adminreform.selectors.dossier_open_list_of_unit`), shows
exactly the rows and order of the general query — overdue and later due dates, ties on the due
date and on the reference (references are unique per unit only), closed dossiers, and another
commune's dossiers that it does not handle."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from adminreform.models import Dossier, DossierStatus
from adminreform.selectors import QueueFilters, dossier_open_list_of_unit, dossier_queue, dossier_scope_unit
from tests.reports.factories import dossiers, save

pytestmark = pytest.mark.django_db
S = DossierStatus
TODAY = date(2026, 6, 15)


@pytest.fixture
def varied(commune, other_commune):
    statuses = [S.RECEIVED, S.IN_PROCESSING, S.RETURNED, S.RESULT_READY, S.WITHDRAWN, S.SUPPLEMENT_REQUESTED]
    for i in range(36):
        due = TODAY + timedelta(days=(i % 7) - 3)
        save(dossiers(commune if i % 3 else other_commune, 1, on=TODAY - timedelta(days=20), due=due))
    rows = list(Dossier.objects.order_by("pk"))
    for i, d in enumerate(rows):
        d.status = statuses[i % len(statuses)]
        if d.unit_id == other_commune.pk and i % 2:
            d.handling_unit_id = commune.pk  # handled by our commune
        Dossier.objects.filter(pk=d.pk).update(status=d.status, handling_unit_id=d.handling_unit_id)
    # the same reference and due date in both communes: one of ours, one we handle
    ours = Dossier.objects.filter(unit=commune).order_by("pk").first()
    handled = Dossier.objects.filter(unit=other_commune, handling_unit=commune).order_by("pk").first()
    Dossier.objects.filter(pk__in=[ours.pk, handled.pk]).update(ref="HS-CHUNG", due_on=TODAY, status=S.RECEIVED)


@pytest.mark.parametrize("today", [TODAY, TODAY - timedelta(days=4)])
@pytest.mark.parametrize("limit", [1, 5, 13, 100])
def test_the_two_part_read_shows_the_general_querys_rows_in_its_order(varied, commune, officer, today, limit):
    general = list(dossier_queue(user=officer, filters=QueueFilters(), today=today)[:limit])
    parts = dossier_open_list_of_unit(unit_id=commune.pk, today=today, limit=limit)
    assert [d.pk for d in parts] == [d.pk for d in general]
    assert [d.overdue for d in parts] == [d.overdue for d in general]
    if limit == 100:  # the data set has both parts, ties and closed dossiers left out
        assert any(d.unit_id != commune.pk for d in general) and len(general) < Dossier.objects.count()
        assert len({(d.due_on, d.ref) for d in general}) < len(general)


def test_the_list_page_shows_the_same_dossiers_through_either_read(varied, client, officer, monkeypatch):
    client.force_login(officer)
    fast = client.get(reverse("adminreform:dossier_list")).context["rows"]
    monkeypatch.setattr("adminreform.views.staff.dossier_scope_unit", lambda user: None)
    general = client.get(reverse("adminreform:dossier_list")).context["rows"]
    assert [r[0].pk for r in fast] == [r[0].pk for r in general] and fast


def test_only_a_single_unit_scope_takes_the_two_part_read(commune, officer, city_leader):
    assert dossier_scope_unit(user=officer) == commune.pk
    assert dossier_scope_unit(user=city_leader) is None
