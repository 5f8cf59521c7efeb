"""`import_records petitions FILE` as CONTRACTS.md defines it."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from petitions.models import Case, Petition, PetitionEvent, PetitionStatus

pytestmark = pytest.mark.django_db

HEADER = (
    "ref,unit_code,received_on,kind,channel,signers,anonymous,over_level,outcome,competent,case_ref,resolved_on,subject"
)
GOOD = [
    "D-001,00070,2024-01-05,complaint,post,1,0,0,accepted,1,VV-1,2024-02-20,Thu hồi đất",
    "D-002,00070,05/01/2024,complaint,in_person,6,0,1,accepted,1,VV-1,,Thu hồi đất (đông người)",
    "D-003,00070,2024-01-09,denunciation,,1,1,0,no_action,,,2024-01-12,Tố cáo nặc danh",
    "D-004,00004,2024-02-01,feedback,online,1,có,không,,,,,Đèn đường",
]


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "petitions.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_import_creates_petitions_and_cases_and_reimport_changes_nothing(tmp_path, commune, other_commune, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_records", "petitions", str(path))
    assert "4 created, 0 updated" in capsys.readouterr().out
    first = Petition.objects.get(ref="D-001")
    assert (first.status, first.outcome, first.case.ref) == (PetitionStatus.RESOLVED, "accepted", "VV-1")
    second = Petition.objects.get(ref="D-002")
    assert (second.status, second.signers, second.over_level, second.case_id) == (
        PetitionStatus.ACCEPTED,
        6,
        True,
        first.case_id,
    )
    assert Petition.objects.get(ref="D-003").status == PetitionStatus.NO_ACTION
    assert Petition.objects.get(ref="D-004").anonymous is True
    assert Petition.objects.get(ref="D-003").channel == "post"  # empty means the default
    snapshot = list(Petition.objects.order_by("pk").values())
    events = PetitionEvent.objects.count()

    call_command("import_records", "petitions", str(path))
    assert "0 created, 4 updated" in capsys.readouterr().out
    assert list(Petition.objects.order_by("pk").values()) == snapshot
    assert (Case.objects.count(), PetitionEvent.objects.count()) == (1, events)


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_with_its_line(tmp_path, commune, capsys):
    path = write(
        tmp_path,
        [
            GOOD[0],
            "D-010,99999,2024-01-05,complaint,,,,,,,,,",
            "D-011,00070,2024-13-45,complaint,,,,,,,,,",
            "D-012,00070,2024-01-05,grievance,,,,,,,,,",
            "D-013,00070,2024-01-05,complaint,,0,,,,,,,",
            "D-001,00070,2024-01-05,complaint,,,,,,,,,",
        ],
    )
    with pytest.raises(CommandError):
        call_command("import_records", "petitions", str(path))
    err = capsys.readouterr().err
    assert "line 3, column unit_code" in err
    assert "line 4, column received_on" in err
    assert "line 5, column kind" in err
    assert "line 6, column signers" in err
    assert "line 7, column ref" in err
    assert Petition.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(tmp_path, commune, capsys):
    path = write(tmp_path, [GOOD[0], "D-010,99999,2024-01-05,complaint,,,,,,,,,"])
    call_command("import_records", "petitions", str(path), "--skip-invalid")
    assert list(Petition.objects.values_list("ref", flat=True)) == ["D-001"]


def test_an_unknown_column_is_an_error(tmp_path, commune, capsys):
    path = tmp_path / "p.csv"
    path.write_text("ref,unit_code,received_on,kind,colour\nX,00070,2024-01-01,complaint,red\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_records", "petitions", str(path))
    assert "column colour: unknown column" in capsys.readouterr().err


def test_new_petitions_skip_register_numbers_an_import_already_used(tmp_path, commune):
    from datetime import date

    from tests.petitions.factories import receive

    call_command("import_records", "petitions", str(write(tmp_path, ["2026/00001,00070,2026-01-05,complaint"])))
    assert receive(commune, received_on=date(2026, 3, 2)).ref == "2026/00002"


def test_reimporting_a_corrected_row_updates_it(tmp_path, commune, other_commune):
    call_command("import_records", "petitions", str(write(tmp_path, GOOD)))
    corrected = [GOOD[0].replace("Thu hồi đất", "Thu hồi đất (đã sửa)"), *GOOD[1:]]
    call_command("import_records", "petitions", str(write(tmp_path, corrected)))
    assert Petition.objects.get(ref="D-001").subject == "Thu hồi đất (đã sửa)"
    assert Petition.objects.count() == 4
