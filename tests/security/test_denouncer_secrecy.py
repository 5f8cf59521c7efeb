"""A denouncer's identity never leaks (Luật Tố cáo art. 9, 47): not through duplicate
suggestions, not through a join of blind indexes across tables, not through reception."""

from datetime import date as date_

import pytest
from django.db import connection
from django.urls import reverse

from adminreform.models import Dossier
from civicdesk.crypto import IndexFamily, blind_index
from core.choices import PetitionKind
from petitions.models import Petition
from petitions.services import identity_reveal_grant
from reception.models import Visit
from tests.adminreform.factories import DossierFactory
from tests.petitions.factories import receive
from tests.reception.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.long]

CCCD = "001090007777"
DENOUNCER = "Đinh Tố Giác Hoàn"
PROTECTED = "Một đơn tố cáo có thể liên quan — danh tính được giữ bí mật"
PROTECTED_BACK = "Một đơn khác của cùng người tố cáo có thể liên quan — danh tính được giữ bí mật"


def _denunciation_and_complaint(unit):
    denunciation = receive(
        unit,
        kind=PetitionKind.DENUNCIATION,
        subject="Tố cáo cán bộ địa chính nhận tiền",
        petitioner_name=DENOUNCER,
        petitioner_id_number=CCCD,
        petitioner_phone="0977111222",
        petitioner_email="togiac@example.vn",
        petitioner_address="5 Ngõ Trạm",
    )
    complaint = receive(
        unit,
        subject="Khiếu nại quyết định xử phạt hành chính",
        petitioner_name=DENOUNCER,
        petitioner_id_number="001 090 007777",
        petitioner_phone="0977111222",
        petitioner_email="togiac@example.vn",
        petitioner_address="5 Ngõ Trạm",
    )
    return denunciation, complaint


def _page(client, user, petition) -> str:
    client.force_login(user)
    response = client.get(reverse("petitions:detail", args=[petition.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_equal_numbers_in_different_tables_and_roles_never_give_the_same_index(commune):
    denunciation, complaint = _denunciation_and_complaint(commune)
    VisitFactory(unit=commune, identity_number=CCCD)
    DossierFactory(unit=commune, applicant_id_number=CCCD)
    digests = {
        Petition.objects.get(pk=denunciation.pk).id_number_digest,
        Petition.objects.get(pk=complaint.pk).id_number_digest,
        Visit.objects.get().identity_number_index,
        Dossier.objects.get().applicant_id_number_index,
    }
    assert len(digests) == 4 and "" not in digests
    # Without the key, a join on equal digests across the tables names nobody.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM petitions_petition p JOIN reception_visit v"
            " ON v.identity_number_index = p.id_number_digest"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM petitions_petition d JOIN petitions_petition c"
            " ON c.id_number_digest = d.id_number_digest AND c.id <> d.id"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM petitions_petition p JOIN adminreform_dossier x"
            " ON x.applicant_id_number_index = p.id_number_digest"
        )
        assert cursor.fetchone()[0] == 0


def test_an_official_without_the_grant_sees_no_trace_of_the_denunciation_on_the_complaint(client, commune, officer):
    denunciation, complaint = _denunciation_and_complaint(commune)
    html = _page(client, officer, complaint)
    assert reverse("petitions:detail", args=[denunciation.pk]) not in html
    assert denunciation.ref not in html and "trùng số CCCD" not in html
    assert PROTECTED not in html and "tố cáo" not in html.split('id="duplicates"')[-1][:400]


def test_backwards_the_denunciation_never_points_to_the_complaint_by_its_number(client, commune, officer):
    denunciation, complaint = _denunciation_and_complaint(commune)
    html = _page(client, officer, denunciation)
    assert reverse("petitions:detail", args=[complaint.pk]) not in html
    assert DENOUNCER not in html and CCCD not in html and PROTECTED_BACK not in html


def test_a_grant_holder_is_told_one_may_be_related_but_not_which_nor_who(client, commune, head):
    denunciation, complaint = _denunciation_and_complaint(commune)
    identity_reveal_grant(user=head, unit=commune, note="QĐ 12/QĐ-UBND", actor=None)
    html = _page(client, head, complaint)
    assert PROTECTED in html
    assert reverse("petitions:detail", args=[denunciation.pk]) not in html and denunciation.ref not in html
    html = _page(client, head, denunciation)
    assert PROTECTED_BACK in html
    assert reverse("petitions:detail", args=[complaint.pk]) not in html and DENOUNCER not in html


def test_complaints_with_the_same_number_are_still_proposed_as_duplicates(client, commune, officer):
    first = receive(commune, petitioner_id_number=CCCD, subject="Việc A")
    second = receive(commune, petitioner_id_number=CCCD, subject="Việc B hoàn toàn khác")
    html = _page(client, officer, second)
    assert reverse("petitions:detail", args=[first.pk]) in html and "trùng số CCCD" in html


def test_no_denunciation_is_proposed_to_an_official_without_the_grant_for_any_reason(client, commune, officer, head):
    denunciation = receive(
        commune, kind=PetitionKind.DENUNCIATION, subject="Tố cáo cán bộ địa chính nhận tiền", respondent="Ông X"
    )
    complaint = receive(commune, subject="Tố cáo cán bộ địa chính nhận tiền", respondent="Ông X")
    assert reverse("petitions:detail", args=[denunciation.pk]) not in _page(client, officer, complaint)
    identity_reveal_grant(user=head, unit=commune, note="QĐ 12/QĐ-UBND", actor=None)
    assert reverse("petitions:detail", args=[denunciation.pk]) in _page(client, head, complaint)


def test_the_families_have_distinct_keys():
    indexes = {blind_index(CCCD, family=family) for family in IndexFamily.ALL}
    assert len(indexes) == len(IndexFamily.ALL)
    with pytest.raises(ValueError):
        blind_index(CCCD, family="")


@pytest.mark.django_db(transaction=True)
def test_the_migrations_recompute_every_existing_index_in_its_family(commune):
    from django.apps import apps as django_apps
    from django.db.migrations.executor import MigrationExecutor

    denunciation, complaint = _denunciation_and_complaint(commune)
    visit = VisitFactory(unit=commune, identity_number=CCCD)
    dossier = DossierFactory(unit=commune, applicant_id_number=CCCD)
    before = [
        ("petitions", "0013_complaint_decision_sending_rule"),
        ("reception", "0004_dialogue_conferences_and_more_receivers"),
        ("adminreform", "0009_dossier_documents_random_names"),
    ]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        with connection.cursor() as cursor:  # one digest for everybody, as an older version wrote them
            cursor.execute("UPDATE petitions_petition SET id_number_digest = 'shared'")
            cursor.execute("UPDATE reception_visit SET identity_number_index = 'shared'")
            cursor.execute("UPDATE adminreform_dossier SET applicant_id_number_index = 'shared'")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        django_apps.clear_cache()
    digest = dict(Petition.objects.values_list("pk", "id_number_digest"))
    assert digest[denunciation.pk] == blind_index(CCCD, family=IndexFamily.DENOUNCER)
    assert digest[complaint.pk] == blind_index(CCCD, family=IndexFamily.PETITIONER)
    assert Visit.objects.get(pk=visit.pk).identity_number_index == blind_index(CCCD, family=IndexFamily.VISITOR)
    index = Dossier.objects.get(pk=dossier.pk).applicant_id_number_index
    assert index == blind_index(CCCD, family=IndexFamily.APPLICANT)


# --- finding 2: in-person denunciations -------------------------------------------------------

VISITOR = "Phạm Thị Tố Giác"
VISITOR_CCCD = "001190008888"
VISITOR_ADDRESS = "17 Ngõ Huế"
HIDDEN = "(giữ bí mật)"


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


def _log_denunciation(client, officer, session, **extra):
    from reception.models import Visit

    client.force_login(officer)
    data = {
        "citizen_name": VISITOR,
        "identity_number": VISITOR_CCCD,
        "address": VISITOR_ADDRESS,
        "people": "1",
        "representatives": "",
        "representative_names": "",
        "kind": "denunciation",
        "content": "Tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ",
        "earlier_handling": "",
        "outcome": "answered",
        "guided_to": "",
        "received_by": "staff",
        "save": "1",
        **extra,
    }
    response = client.post(reverse("reception:session_detail", args=[session.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Visit.objects.get(session=session, kind="denunciation")


def _assert_hidden(text: str) -> None:
    for secret in (VISITOR, VISITOR_CCCD, VISITOR_ADDRESS):
        assert secret not in text


def test_a_denunciation_visit_keeps_its_identity_in_the_vault_not_on_its_row(client, commune, officer):
    from tests.reception.factories import SessionFactory

    visit = _log_denunciation(client, officer, SessionFactory(unit=commune))
    _assert_hidden(_raw_rows("reception_visit"))
    _assert_hidden(_raw_rows("reception_visitdenounceridentity"))  # encrypted there
    assert visit.denouncer.identity_index == blind_index(VISITOR_CCCD, family=IndexFamily.VISIT_DENOUNCER)
    assert (visit.citizen_name, visit.identity_number, visit.address) == ("", "", "")


def test_a_denunciation_visit_handing_in_a_petition_puts_the_denouncer_in_the_petitions_vault(client, commune, officer):
    from tests.reception.factories import SessionFactory

    visit = _log_denunciation(client, officer, SessionFactory(unit=commune), outcome="petition")
    petition = Petition.objects.get(ref=visit.petition_ref)
    assert petition.is_denunciation and petition.petitioner_name == ""
    assert petition.id_number_digest == blind_index(VISITOR_CCCD, family=IndexFamily.DENOUNCER)
    _assert_hidden(_raw_rows("petitions_petition"))


def test_every_reception_page_book_and_the_admin_show_kept_secret(client, commune, officer, head, admin_user):
    import io

    from openpyxl import load_workbook

    from tests.reception.factories import SessionFactory

    session = SessionFactory(unit=commune)
    visit = _log_denunciation(client, officer, session, outcome="petition")
    for user in (officer, head):
        client.force_login(user)
        pages = [
            reverse("reception:visit_detail", args=[visit.pk]),
            reverse("reception:session_detail", args=[session.pk]),
            reverse("reception:visit_queue"),
        ]
        for url in pages:
            html = client.get(url).content.decode()
            _assert_hidden(html)
            assert HIDDEN in html, url
        query = {"unit": commune.pk, "start": "2026-01-01", "end": "2026-12-31"}
        html = client.get(reverse("reception:book"), query).content.decode()
        _assert_hidden(html)
        assert HIDDEN in html
        book = client.get(reverse("reception:book"), {**query, "format": "xlsx"}).content
        cells = repr([list(row) for row in load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True)])
        _assert_hidden(cells)
        assert HIDDEN in cells
    client.force_login(admin_user)
    for url in (
        reverse("admin:reception_visit_changelist"),
        reverse("admin:reception_visit_change", args=[visit.pk]),
    ):
        html = client.get(url).content.decode()
        assert client.get(url).status_code == 200
        _assert_hidden(html)
        assert HIDDEN in html


def test_the_repeats_lookup_never_returns_a_denunciation_visit_without_the_grant(client, commune, officer, head):
    from reception.models import ReceptionEvent
    from tests.reception.factories import SessionFactory

    earlier = _log_denunciation(client, officer, SessionFactory(unit=commune, date=date_(2026, 3, 2)))
    later = SessionFactory(unit=commune, date=date_(2026, 3, 12))
    typed = {
        "citizen_name": VISITOR,
        "identity_number": VISITOR_CCCD,
        "address": VISITOR_ADDRESS,
        "content": "Tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ",
    }
    client.force_login(officer)
    fragment = client.post(reverse("reception:visit_repeats", args=[later.pk]), typed).content.decode()
    assert earlier.ref not in fragment and reverse("reception:visit_detail", args=[earlier.pk]) not in fragment
    # A complaint by the same person, logged later, is not tied to the denunciation.
    client.post(
        reverse("reception:session_detail", args=[later.pk]),
        {
            **typed,
            "people": "1",
            "kind": "complaint",
            "outcome": "answered",
            "received_by": "staff",
            "save": "1",
            "content": "Khiếu nại quyết định xử phạt",
        },
    )
    complaint = later.visits.get()
    assert complaint.repeat_of_id is None
    assert earlier.pk not in ReceptionEvent.objects.get(visit=complaint).data["candidates"]
    html = client.get(reverse("reception:visit_detail", args=[complaint.pk])).content.decode()
    assert reverse("reception:visit_detail", args=[earlier.pk]) not in html


def test_the_visit_identity_opens_only_through_the_audited_reveal(client, commune, officer, head):
    from reception.models import ReceptionEvent
    from tests.reception.factories import SessionFactory

    visit = _log_denunciation(client, officer, SessionFactory(unit=commune))
    url = reverse("reception:visit_reveal", args=[visit.pk])
    client.force_login(head)
    refused = client.post(url, {"reason": "Cần xác minh"})
    assert refused.status_code == 400 and VISITOR not in refused.content.decode()
    assert "không có quyền" in refused.content.decode()
    assert ReceptionEvent.objects.filter(visit=visit, kind=ReceptionEvent.Kind.IDENTITY_REVEAL_REFUSED).count() == 1
    identity_reveal_grant(user=head, unit=commune, note="QĐ 12/QĐ-UBND", actor=None)
    assert "Mở thông tin người tố cáo" in client.get(reverse("reception:visit_detail", args=[visit.pk])).text
    assert client.post(url, {"reason": ""}).status_code == 400
    opened = client.post(url, {"reason": "Bố trí gặp người tố cáo"})
    assert opened.status_code == 200 and opened["Cache-Control"] == "no-store"
    html = opened.content.decode()
    assert VISITOR in html and VISITOR_CCCD in html and VISITOR_ADDRESS in html
    event = ReceptionEvent.objects.get(visit=visit, kind=ReceptionEvent.Kind.IDENTITY_REVEALED)
    assert (event.actor, event.reason) == (head, "Bố trí gặp người tố cáo")
    _assert_hidden(repr(event.data))


def test_an_imported_denunciation_keeps_the_name_in_the_vault(commune, tmp_path):
    from django.core.management import call_command

    from reception.services import decrypt_visit_identity

    path = tmp_path / "visits.csv"
    path.write_text(
        "ref,unit_code,received_on,kind,citizen_name,content\n"
        f"S-1,{commune.code},2026-03-04,denunciation,{VISITOR},Tố cáo\n"
        f"S-2,{commune.code},2026-03-04,complaint,Nguyễn Văn An,Khiếu nại\n",
        encoding="utf-8",
    )
    call_command("import_records", "receptions", str(path))
    _assert_hidden(_raw_rows("reception_visit"))
    visit = Visit.objects.get(ref="S-1")
    assert decrypt_visit_identity(visit.denouncer.ciphertext).name == VISITOR
    assert Visit.objects.get(ref="S-2").citizen_name == "Nguyễn Văn An"
    stamp = visit.denouncer.updated_at
    call_command("import_records", "receptions", str(path))  # again: nothing changes
    assert Visit.objects.get(ref="S-1").denouncer.updated_at == stamp


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_existing_denunciation_visits_into_the_vault(commune):
    from django.apps import apps as django_apps
    from django.db.migrations.executor import MigrationExecutor

    from reception.services import decrypt_visit_identity

    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("reception", "0005_visit_index_family")])
        visit = VisitFactory(unit=commune, kind="denunciation", citizen_name="x")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reception_visit SET citizen_name = %s, address = %s WHERE id = %s",
                [VISITOR, VISITOR_ADDRESS, visit.pk],
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        django_apps.clear_cache()
    _assert_hidden(_raw_rows("reception_visit"))
    identity = decrypt_visit_identity(Visit.objects.get(pk=visit.pk).denouncer.ciphertext)
    assert (identity.name, identity.address) == (VISITOR, VISITOR_ADDRESS)
