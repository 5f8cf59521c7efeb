"""A dossier received after 15:00 on a working day counts from the next working day (Decree
61/2018 art. 18(2); rule `dossier.after_hours`): at the counter, online and in imports; the
receipt slip says so."""

from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from adminreform.models import Dossier, DossierChannel
from adminreform.services import Applicant, dossier_receive
from tests.adminreform.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize(
    ("received", "counted_from", "due_on"),
    [
        # Friday 13/02/2026, the last working day before Tết (16–20/02): 3 working days.
        (at(2026, 2, 13, 14, 59), date(2026, 2, 13), date(2026, 2, 25)),
        (at(2026, 2, 13, 15, 0), date(2026, 2, 13), date(2026, 2, 25)),
        # After 15:00 the count starts on Monday 23/02, the first working day after Tết.
        (at(2026, 2, 13, 15, 1), date(2026, 2, 23), date(2026, 2, 26)),
        (at(2026, 2, 13, 16, 40), date(2026, 2, 23), date(2026, 2, 26)),
        # A Saturday is no working day: its count already starts on Monday, whatever the hour.
        (at(2026, 3, 7, 16, 0), date(2026, 3, 7), date(2026, 3, 11)),
    ],
)
def test_the_count_starts_the_next_working_day_after_15_00(commune, procedure, received, counted_from, due_on):
    dossier = dossier_receive(
        unit=commune,
        procedure=procedure,
        applicant=Applicant(name="Trần Thị Nộp"),
        documents=list(procedure.documents.all()),
        actor=None,
        channel=DossierChannel.ONLINE,
        received_at=received,
    )
    assert (dossier.received_on, dossier.clock_started_on, dossier.due_on) == (
        received.date(),
        counted_from,
        due_on,
    )
    assert dossier.received_at == received
    assert dossier.counted_from_next_day == (counted_from != received.date())


def test_at_the_counter_after_15_00_the_receipt_slip_gives_the_day_the_count_starts(client, officer, procedure):
    client.force_login(officer)
    form = {
        "applicant_name": "Lê Văn Cư",
        "channel": "counter",
        "documents": [d.pk for d in procedure.documents.all()],
        "decision": "accept",
    }
    with time_machine.travel(at(2026, 3, 6, 16, 20), tick=False):  # a Friday
        response = client.post(reverse("adminreform:intake", args=[procedure.pk]), form)
        receipt = client.get(response["Location"]).content.decode()
    dossier = Dossier.objects.get()
    # Counted from Monday 09/03: 3 working days end on Thursday 12/03, not Wednesday 11/03.
    assert (dossier.clock_started_on, dossier.due_on) == (date(2026, 3, 9), date(2026, 3, 12))
    assert "16:20 06/03/2026" in receipt
    assert "Tiếp nhận sau 15 giờ: thời hạn giải quyết tính từ ngày 09/03/2026" in receipt
    assert "12/03/2026" in receipt
    client.force_login(officer)  # the slip's PIN was kept in the session, saved on 06/03: expired by now
    page = client.get(reverse("adminreform:dossier_detail", args=[dossier.pk])).content.decode()
    assert "tính từ ngày 09/03/2026" in page


def test_before_15_00_the_slip_says_nothing_of_it(client, officer, receive):
    dossier = receive(None, received_at=at(2026, 3, 6, 9, 30))
    client.force_login(officer)
    receipt = client.get(reverse("adminreform:dossier_receipt", args=[dossier.pk])).content.decode()
    assert "09:30 06/03/2026" in receipt and "Tiếp nhận sau 15 giờ" not in receipt
    assert dossier.due_on == date(2026, 3, 11)


HEADER = "ref,unit_code,received_on,procedure_code,channel,due_on,resolved_on,outcome,received_time\n"


def test_an_import_with_the_time_of_receipt_counts_after_15_00_from_the_next_working_day(tmp_path: Path, commune):
    ProcedureFactory(code="KS", processing_days=3)
    path = tmp_path / "dossiers.csv"
    path.write_text(
        HEADER + "HS-1,00070,13/02/2026,KS,counter,,,,16:20\n"
        "HS-2,00070,13/02/2026,KS,counter,,,,10h05\n"
        "HS-3,00070,13/02/2026,KS,counter,,,,\n",
        encoding="utf-8",
    )
    call_command("import_records", "dossiers", str(path))
    rows = {d.ref: d for d in Dossier.objects.all()}
    assert (rows["HS-1"].clock_started_on, rows["HS-1"].due_on) == (date(2026, 2, 23), date(2026, 2, 26))
    assert rows["HS-1"].received_at == at(2026, 2, 13, 16, 20)
    assert (rows["HS-2"].clock_started_on, rows["HS-2"].due_on) == (date(2026, 2, 13), date(2026, 2, 25))
    assert (rows["HS-3"].received_at, rows["HS-3"].due_on) == (None, date(2026, 2, 25))
    call_command("import_records", "dossiers", str(path))  # re-importing changes nothing
    assert {d.ref: d.due_on for d in Dossier.objects.all()} == {r: d.due_on for r, d in rows.items()}


def test_an_impossible_time_is_refused_by_line_and_column(tmp_path: Path, commune, capsys):
    ProcedureFactory(code="KS", processing_days=3)
    path = tmp_path / "dossiers.csv"
    path.write_text(HEADER + "HS-1,00070,13/02/2026,KS,counter,,,,16:20\nHS-2,00070,13/02/2026,KS,counter,,,,25:70\n")
    with pytest.raises((SystemExit, Exception)):
        call_command("import_records", "dossiers", str(path))
    err = capsys.readouterr().err
    assert "line 3" in err and "received_time" in err
    assert not Dossier.objects.exists()
