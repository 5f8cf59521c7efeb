"""What officials notice in the one-stop shop: names in the handler list, a whole year's
register in one XLSX, and demo dossiers that travel between units."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from adminreform.demo import seed
from adminreform.models import Dossier, DossierStatus, Handover, HandoverStep
from adminreform.views import RegisterView
from core.demo import DemoContext
from core.models import Role
from tests.adminreform.factories import DossierFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_handler_list_shows_full_names_and_logins_only_without_a_name(client, handler, commune, receive):
    UserFactory(username="no.name", first_name="", last_name="")
    MembershipFactory(user=UserFactory(username="no.name"), unit=commune, role=Role.HANDLER)
    dossier = receive()
    client.force_login(handler)
    page = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk]))
    choices = [label for _value, label in page.context["action_forms"]["assign"].fields["assignee"].choices]
    assert handler.get_full_name() in choices and "no.name" in choices
    assert handler.username not in choices
    assert f">{handler.get_full_name()}</option>" in page.text


def test_a_year_of_dossiers_exports_whole_while_the_page_shows_the_first_rows(
    client, officer, commune, procedure, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(RegisterView, "PAGE_ROWS", 40)  # the page's limit (5.000) made small to keep this quick
    start = date(2025, 1, 1)
    Dossier.objects.bulk_create(
        [
            DossierFactory.build(
                unit=commune, ref=f"Y{n:05d}", procedure=procedure, received_on=start + timedelta(days=n % 365)
            )
            for n in range(5003)
        ]
    )
    client.force_login(officer)
    params = {"unit": commune.pk, "start": "2025-01-01", "end": "2025-12-31"}
    page = client.get(reverse("adminreform:register"), params)
    assert len(page.context["rows"]) == 40 and page.context["total"] == 5003
    assert "5.003 hồ sơ" in page.text and "tệp XLSX có đủ mọi hồ sơ" in page.text
    with django_assert_max_num_queries(12):
        response = client.get(reverse("adminreform:register"), {**params, "format": "xlsx"})
        content = b"".join(response.streaming_content)
    assert 'filename="so-theo-doi-ho-so-00070-20250101-20251231.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 5003 and rows[-1][0] == 5003
    assert {r[1] for r in rows} == {f"Y{n:05d}" for n in range(5003)}


def test_demo_dossiers_carry_their_hand_overs_some_through_the_city(city, commune, other_commune, officer, handler):
    context = DemoContext(
        city=city, communes=[commune, other_commune], users={}, today=date(2026, 11, 20), rng=random.Random(2026)
    )
    seed(context)
    steps = set(Handover.objects.values_list("step", flat=True))
    assert steps == set(HandoverStep.values)
    sent = Handover.objects.filter(step=HandoverStep.TRANSFERRED).select_related("dossier")
    assert sent.count() > 20
    assert all(h.from_unit in (commune, other_commune) and h.to_unit == city for h in sent)
    away = Dossier.objects.filter(handling_unit=city).exclude(unit=city)
    assert away.exists() and set(away.values_list("status", flat=True)) <= {
        DossierStatus.IN_PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.RESUBMITTED,
    }
    # the commune's dossiers are assigned to its handler, by name on the slip
    assert Handover.objects.filter(step=HandoverStep.ASSIGNED, to_user=handler).exists()
    assert Dossier.objects.filter(unit=commune, assignee=handler).exists()
    count = Handover.objects.count()
    context.rng = random.Random(2026)
    seed(context)
    assert Handover.objects.count() == count
