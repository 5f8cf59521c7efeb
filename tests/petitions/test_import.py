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


def test_tabs_newlines_backslashes_and_a_literal_backslash_n_arrive_exactly(tmp_path, commune):
    import csv

    subjects = {
        "T-1": "cột\tthứ hai",
        "T-2": "dòng một\ndòng hai\n\nba",  # (the CSV reader makes \r\n a \n)
        "T-3": "C:\\đơn\\thư \\t không phải tab",
        "T-4": "\\N",
        "T-5": "",
    }
    path = tmp_path / "petitions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        for ref, subject in subjects.items():
            writer.writerow([f"{ref}\\x", "00070", "2024-01-05", "feedback", "", "", "", "", "", "", "", "", subject])
    call_command("import_records", "petitions", str(path))
    stored = dict(Petition.objects.values_list("ref", "subject"))
    assert stored == {f"{ref}\\x": subject for ref, subject in subjects.items()}
    assert Petition.objects.get(ref="T-4\\x").search_text == "t-4\\x \\n"


def test_each_new_petition_gets_one_imported_event_and_its_own_content_key(tmp_path, commune, other_commune):
    call_command("import_records", "petitions", str(write(tmp_path, GOOD)))
    petitions = list(Petition.objects.order_by("ref"))
    events = PetitionEvent.objects.filter(kind=PetitionEvent.Kind.IMPORTED)
    assert sorted(events.values_list("petition_id", flat=True)) == sorted(p.pk for p in petitions)
    assert {tuple(e.data.items()) for e in events} == {(("source", "import"),)}
    assert len({p.content_key for p in petitions}) == 4
    assert {p.source for p in petitions} == {"import"}
    assert {(p.petitioner_id_number, p.id_number_digest) for p in petitions} == {("", "")}


def test_a_changed_row_is_updated_and_the_unchanged_ones_are_not_touched(tmp_path, commune, other_commune):
    call_command("import_records", "petitions", str(write(tmp_path, GOOD)))
    before = dict(Petition.objects.values_list("ref", "updated_at"))
    corrected = [*GOOD[:3], GOOD[3].replace("Đèn đường", "Đèn đường hỏng")]
    call_command("import_records", "petitions", str(write(tmp_path, corrected)))
    after = Petition.objects.get(ref="D-004")
    assert (after.subject, after.search_text) == ("Đèn đường hỏng", "d-004 den duong hong")
    assert after.updated_at > before["D-004"]
    assert {ref: at for ref, at in Petition.objects.values_list("ref", "updated_at") if ref != "D-004"} == {
        ref: at for ref, at in before.items() if ref != "D-004"
    }
    assert PetitionEvent.objects.count() == 4


def test_fold_fast_path_gives_what_the_definition_gives():
    import random

    from petitions.text import _slow_fold, fold

    rng = random.Random(7)
    alphabet = [chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00)]]
    alphabet += ["\u2003", "\u3000", "\u0130", "\u1ab0", "\u20d0", "日"]
    texts = ["Đường Láng", "ỆỄỂ ƯỚC Ươ ơ", "e\u0301 Ä ß ǅ", "  A  b\u00a0c\u2003d ", "İstanbul ﬁ"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    assert [fold(t) for t in texts] == [_slow_fold(t) for t in texts]
    assert fold("Đơn THƯ  khiếu nại") == "don thu khieu nai"


def test_dry_run_checks_and_writes_nothing_then_the_real_import_writes_everything(tmp_path, commune, other_commune):
    path = write(tmp_path, GOOD)
    call_command("import_records", "petitions", str(path), "--dry-run")
    assert (Petition.objects.count(), Case.objects.count(), PetitionEvent.objects.count()) == (0, 0, 0)
    call_command("import_records", "petitions", str(path))
    assert (Petition.objects.count(), Case.objects.count(), PetitionEvent.objects.count()) == (4, 1, 4)


def test_register_numbers_keep_five_digits_and_grow_past_them(commune):
    """The number is padded to five digits in SQL (PostgreSQL and SQLite alike), and a unit's
    100,000th petition of a year gets six, not a truncated five."""
    from datetime import date

    from petitions.models import PetitionCounter
    from tests.petitions.factories import receive

    assert receive(commune, received_on=date(2026, 3, 2)).ref == "2026/00001"
    PetitionCounter.objects.filter(unit=commune, year=2026).update(last=99_999)
    assert receive(commune, received_on=date(2026, 3, 2)).ref == "2026/100000"
