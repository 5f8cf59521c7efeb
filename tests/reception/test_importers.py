"""`import_records receptions` as CONTRACTS.md defines it."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from reception.models import Visit
from reception.services import decrypt_visit_identity
from tests.reception.factories import SessionFactory, VisitFactory

pytestmark = pytest.mark.django_db

HEADER = "ref,unit_code,received_on,people,received_by,kind,repeat,citizen_name,content,petition_ref\n"


def _write(tmp_path, body, header=HEADER, name="visits.csv"):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def test_importing_a_book_and_again_changes_nothing(commune, city, tmp_path, capsys):
    path = _write(
        tmp_path,
        "S-1,00070,2019-03-04,1,staff,complaint,0,Nguyễn Văn An,Khiếu nại đất đai,\n"
        "S-2,00070,05/03/2019,7,head,recommendation,có,Trần Thị Bình,Kiến nghị,P-9\n"
        "S-3,01,2019-03-06,,,,,,,\n",
    )
    call_command("import_records", "receptions", str(path))
    assert "3 created, 0 updated" in capsys.readouterr().out
    before = sorted(
        Visit.objects.values_list("unit__code", "ref", "received_on", "people", "received_by", "kind", "repeat")
    )
    assert before == [
        ("00070", "S-1", date(2019, 3, 4), 1, "staff", "complaint", False),
        ("00070", "S-2", date(2019, 3, 5), 7, "head", "recommendation", True),
        ("01", "S-3", date(2019, 3, 6), 1, "staff", "", False),
    ]
    stamps = dict(Visit.objects.values_list("ref", "updated_at"))
    call_command("import_records", "receptions", str(path))
    assert "0 created, 3 updated" in capsys.readouterr().out
    assert dict(Visit.objects.values_list("ref", "updated_at")) == stamps
    after = sorted(
        Visit.objects.values_list("unit__code", "ref", "received_on", "people", "received_by", "kind", "repeat")
    )
    assert after == before
    assert Visit.objects.get(ref="S-2").petition_ref == "P-9"


def test_a_file_with_bad_rows_imports_nothing_and_names_each_by_line_and_column(commune, tmp_path, capsys):
    path = _write(
        tmp_path,
        "S-1,00070,2019-03-04,1,staff,complaint,0,An,,\n"
        "S-2,00070,2019-13-04,1,staff,complaint,0,Bình,,\n"
        "S-3,99999,2019-03-04,0,boss,gripe,maybe,Cường,,\n"
        "S-4,00070,2019-03-04,2,staff,,0,Dung,,\n",
    )
    with pytest.raises(CommandError):
        call_command("import_records", "receptions", str(path))
    err = capsys.readouterr().err
    assert "line 3, column received_on" in err
    for column in ("people", "received_by", "kind", "repeat"):
        assert f"line 4, column {column}" in err
    assert Visit.objects.count() == 0


def test_an_unknown_unit_code_is_reported_by_line(commune, tmp_path, capsys):
    path = _write(tmp_path, "S-1,00070,2019-03-04,1,staff,,0,An,,\nS-2,XYZ,2019-03-04,1,staff,,0,Bình,,\n")
    with pytest.raises(CommandError):
        call_command("import_records", "receptions", str(path))
    assert "line 3, column unit_code: unknown unit 'XYZ'" in capsys.readouterr().err
    assert Visit.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(commune, tmp_path, capsys):
    path = _write(tmp_path, "S-1,00070,2019-03-04,1,staff,,0,An,,\nS-2,XYZ,2019-03-04,1,staff,,0,Bình,,\n")
    call_command("import_records", "receptions", str(path), "--skip-invalid")
    assert list(Visit.objects.values_list("ref", flat=True)) == ["S-1"]


def test_unknown_columns_are_an_error_and_optional_ones_may_be_missing(commune, tmp_path, capsys):
    bad = _write(tmp_path, "S-1,00070,2019-03-04,x\n", header="ref,unit_code,received_on,colour\n", name="bad.csv")
    with pytest.raises(CommandError):
        call_command("import_records", "receptions", str(bad))
    assert "column colour: unknown column" in capsys.readouterr().err
    good = _write(tmp_path, "S-1,00070,2019-03-04\n", header="ref,unit_code,received_on\n", name="good.csv")
    call_command("import_records", "receptions", str(good))
    visit = Visit.objects.get()
    assert (visit.people, visit.received_by, visit.repeat) == (1, "staff", False)


def test_xlsx_files_import_too(commune, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ref", "unit_code", "received_on", "people"])
    ws.append(["X-1", "00070", date(2020, 1, 6), 12])
    path = tmp_path / "visits.xlsx"
    wb.save(path)
    call_command("import_records", "receptions", str(path))
    assert Visit.objects.get(ref="X-1").people == 12


def test_a_changed_row_updates_the_visit_and_keeps_the_reception_workflow(commune, tmp_path):
    session = SessionFactory(unit=commune)
    VisitFactory(unit=commune, ref="S-1", session=session, people=1, answer="accepted", identity_number="0010")
    path = _write(tmp_path, "S-1,00070,2019-03-04,9,head,denunciation,1,Tên mới,Nội dung mới,P-1\n")
    call_command("import_records", "receptions", str(path))
    visit = Visit.objects.get(ref="S-1")
    assert (visit.people, visit.received_by, visit.kind, visit.repeat) == (9, "head", "denunciation", True)
    assert (visit.session, visit.answer) == (session, "accepted")
    # Now a denunciation: the name and the number recorded at the desk are in the vault, not on the row.
    assert (visit.citizen_name, visit.identity_number, visit.identity_number_index) == ("", "", "")
    identity = decrypt_visit_identity(visit.denouncer.ciphertext)
    assert (identity.name, identity.id_number) == ("Tên mới", "0010")


def test_text_with_line_breaks_tabs_and_backslashes_arrives_as_written(commune, tmp_path, capsys):
    """The bulk path (COPY on PostgreSQL) must not read these characters as its own syntax."""
    content = "Dòng một\nDòng hai\tcó tab, C:\\đường\\dẫn và \\N"
    path = _write(tmp_path, f'S-7,00070,2019-03-04,1,staff,complaint,0,"Lê \\\\ Văn","{content}",\n')
    call_command("import_records", "receptions", str(path))
    visit = Visit.objects.get(ref="S-7")
    assert (visit.content, visit.citizen_name) == (content, "Lê \\\\ Văn")
    call_command("import_records", "receptions", str(path))
    assert "0 created, 1 updated" in capsys.readouterr().out.splitlines()[-1]
    assert Visit.objects.get(ref="S-7").updated_at == visit.updated_at
