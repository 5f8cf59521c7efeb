"""`import_records dossiers` as CONTRACTS.md defines it."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adminreform.models import Dossier, Procedure
from tests.adminreform.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

HEADER = "ref,unit_code,received_on,procedure_code,channel,due_on,resolved_on,outcome\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "dossiers.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_import_computes_missing_due_dates_in_working_days_and_reimport_changes_nothing(tmp_path, commune):
    ProcedureFactory(code="KS", processing_days=3)
    path = write(
        tmp_path,
        "HS-1,00070,13/02/2026,KS,online,,2026-02-24,granted\nHS-2,00070,2026-03-02,,counter,2026-03-10,,\n",
    )
    call_command("import_records", "dossiers", str(path))
    first = {d.ref: (d.due_on, d.resolved_on, d.status, d.channel) for d in Dossier.objects.all()}
    assert first["HS-1"] == (date(2026, 2, 25), date(2026, 2, 24), "returned", "online")
    assert first["HS-2"] == (date(2026, 3, 10), None, "received", "counter")
    call_command("import_records", "dossiers", str(path))
    again = {d.ref: (d.due_on, d.resolved_on, d.status, d.channel) for d in Dossier.objects.all()}
    assert again == first and Dossier.objects.count() == 2


def test_a_bad_row_imports_nothing_and_names_line_and_column(tmp_path, commune, capsys):
    path = write(
        tmp_path,
        "HS-1,00070,2026-03-02,,counter,2026-03-10,,\n"
        "HS-2,99999,2026-03-02,,counter,2026-03-10,,\n"
        "HS-3,00070,2026-13-02,,fax,,,\n",
    )
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_records", "dossiers", str(path))
    err = capsys.readouterr().err
    assert "line 3" in err and "unit_code" in err
    assert "line 4" in err and "received_on" in err and "channel" in err
    assert Dossier.objects.count() == 0


def test_due_on_is_required_without_a_procedure(tmp_path, commune, capsys):
    path = write(tmp_path, "HS-1,00070,2026-03-02,,counter,,,\n")
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_records", "dossiers", str(path))
    assert "due_on" in capsys.readouterr().err


def test_import_procedures_command_loads_the_catalogue_with_documents(tmp_path):
    path = tmp_path / "tthc.csv"
    path.write_text(
        "code,name,field,level,processing_days,fee,online_service,valid_from,valid_to,documents\n"
        "1.001193,Đăng ký khai sinh,Hộ tịch,commune,1,0,fully,,,Tờ khai;Giấy chứng sinh\n"
        "2.000815,Chứng thực bản sao,Chứng thực,commune,1,2000,none,,,Bản chính\n",
        encoding="utf-8",
    )
    call_command("import_procedures", str(path))
    call_command("import_procedures", str(path))
    p = Procedure.objects.get(code="1.001193")
    assert [d.name for d in p.documents.all()] == ["Tờ khai", "Giấy chứng sinh"]
    assert p.search_text == "1.001193 dang ky khai sinh ho tich"
    assert Procedure.objects.count() == 2


def test_refs_with_backslashes_and_tabs_arrive_as_written(tmp_path, commune):
    """The bulk path (COPY on PostgreSQL) must not read these characters as its own syntax."""
    path = write(
        tmp_path, '"HS\\\\1\tA",00070,2026-03-02,,counter,2026-03-10,,\n\\N,00070,2026-03-02,,post,2026-03-10,,\n'
    )
    call_command("import_records", "dossiers", str(path))
    assert sorted(Dossier.objects.values_list("ref", "channel")) == [("HS\\\\1\tA", "counter"), ("\\N", "post")]
