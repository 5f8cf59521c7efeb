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


def test_an_imported_register_says_which_complaints_a_court_has_judged_and_the_form_counts_them(
    tmp_path, commune, capsys
):
    from datetime import date

    from django.core.management import CommandError, call_command

    from petitions.models import Petition
    from reports.compiling import compile_figures
    from reports.periods import Period

    register = tmp_path / "register.csv"
    register.write_text(
        "ref,unit_code,received_on,kind,outcome,competent,court_judgment\n"
        "KN-1,00070,2026-03-02,complaint,accepted,true,có\n"
        "KN-2,00070,2026-03-03,complaint,accepted,true,\n"
        "KN-3,00070,2026-03-04,complaint,accepted,true,0\n",
        encoding="utf-8",
    )
    call_command("import_records", "petitions", str(register))
    judged = dict(Petition.objects.values_list("ref", "court_judgment"))
    assert judged == {"KN-1": True, "KN-2": False, "KN-3": False}
    figures = compile_figures(unit=commune, period=Period(date(2026, 1, 1), date(2026, 3, 31)))
    assert figures["forms"]["petitions"]["xld_complaint_court_judgment"] == 1  # 02/XLD "Đã có bản án"

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ref,unit_code,received_on,kind,court_judgment\n"
        "TC-1,00070,2026-03-02,denunciation,true\n"
        "KN-4,00070,2026-03-02,complaint,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_records", "petitions", str(bad))
    err = capsys.readouterr().err
    assert "line 2, column court_judgment: only a complaint can have a court judgment" in err
    assert "line 3, column court_judgment" in err
    assert not Petition.objects.filter(ref__in=["TC-1", "KN-4"]).exists()
