"""import_units' optional predecessor_codes column (CONTRACTS.md, "Additions of 2026-12")."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import Unit, UnitEvent

pytestmark = pytest.mark.django_db

REFORM = """code,name,level,parent_code,kind,valid_from,valid_to,predecessor_codes
HN,Thành phố Hà Nội,province,,thanh_pho_tw,,,
HBT,Quận Hai Bà Trưng,district,HN,quận,,2025-06-30,
BACHMAI-CU,Phường Bạch Mai (cũ),commune,HBT,phường,,2025-06-30,
QUYNHMAI,Phường Quỳnh Mai,commune,HBT,phường,,2025-06-30,
MINHKHAI,Phường Minh Khai,commune,HBT,phường,,30/06/2025,
00163,Phường Bạch Mai,commune,HN,phường,2025-07-01,,BACHMAI-CU; QUYNHMAI ;MINHKHAI
00164,Phường Vĩnh Tuy,commune,HN,phường,2025-07-01,,MINHKHAI
"""


def write(tmp_path: Path, text: str, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def predecessors(code: str) -> list[str]:
    return sorted(Unit.objects.get(code=code).predecessors.values_list("code", flat=True))


def test_predecessors_are_linked_and_a_second_import_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, REFORM)
    call_command("import_units", path)
    assert predecessors("00163") == ["BACHMAI-CU", "MINHKHAI", "QUYNHMAI"]
    assert predecessors("00164") == ["MINHKHAI"]  # a ward split between two successors
    assert sorted(Unit.objects.get(code="MINHKHAI").successors.values_list("code", flat=True)) == ["00163", "00164"]
    created = UnitEvent.objects.get(unit__code="00163", kind=UnitEvent.Kind.CREATED)
    assert created.data["predecessors"] == ["BACHMAI-CU", "MINHKHAI", "QUYNHMAI"]
    capsys.readouterr()
    call_command("import_units", path)
    assert "0 created, 0 updated, 7 unchanged" in capsys.readouterr().out


def test_a_file_with_the_column_replaces_the_list_and_one_without_leaves_it(tmp_path):
    call_command("import_units", write(tmp_path, REFORM))
    call_command(
        "import_units",
        write(
            tmp_path,
            "code,name,level,parent_code,kind,valid_from,valid_to\n"
            "00164,Phường Vĩnh Tuy,commune,HN,phường,2025-07-01,\n",
            "a.csv",
        ),
    )
    assert predecessors("00164") == ["MINHKHAI"]
    call_command(
        "import_units",
        write(
            tmp_path,
            "code,name,level,parent_code,kind,valid_from,valid_to,predecessor_codes\n"
            "00164,Phường Vĩnh Tuy,commune,HN,phường,2025-07-01,,QUYNHMAI;MINHKHAI\n",
            "b.csv",
        ),
    )
    assert predecessors("00164") == ["MINHKHAI", "QUYNHMAI"]
    changed = UnitEvent.objects.filter(unit__code="00164", kind=UnitEvent.Kind.UPDATED).latest("pk")
    assert changed.data["predecessors"] == [["MINHKHAI"], ["MINHKHAI", "QUYNHMAI"]]


def test_a_predecessor_already_loaded_may_be_named(tmp_path):
    call_command("import_units", write(tmp_path, REFORM.split("00163")[0]))
    call_command(
        "import_units",
        write(
            tmp_path,
            "code,name,level,parent_code,kind,valid_from,valid_to,predecessor_codes\n"
            "00163,Phường Bạch Mai,commune,HN,phường,01/07/2025,,BACHMAI-CU;QUYNHMAI\n",
            "new.csv",
        ),
    )
    assert predecessors("00163") == ["BACHMAI-CU", "QUYNHMAI"]


def test_unknown_itself_later_or_still_valid_predecessors_are_refused_by_line_and_column(tmp_path, capsys):
    bad = """code,name,level,parent_code,kind,valid_from,valid_to,predecessor_codes
HN,Thành phố Hà Nội,province,,,,,
OLD1,Phường Cũ Một,commune,HN,,,2025-06-30,
OLD2,Phường Cũ Hai,commune,HN,,,2025-07-15,
OLD3,Phường Cũ Ba,commune,HN,,,,
NEW1,Phường Mới Một,commune,HN,,2025-07-01,,OLD1;NOPE
NEW2,Phường Mới Hai,commune,HN,,2025-07-01,,NEW2
NEW3,Phường Mới Ba,commune,HN,,2025-07-01,,OLD2
NEW4,Phường Mới Bốn,commune,HN,,2025-07-01,,OLD3
NEW5,Phường Mới Năm,commune,HN,,,,OLD1
NEW6,Phường Mới Sáu,commune,HN,,2025-07-01,,LATER
LATER,Phường Sau,commune,HN,,,2025-06-30,
NEW7,Phường Mới Bảy,commune,HN,,2025-07-01,,bad code
"""
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_units", write(tmp_path, bad))
    err = capsys.readouterr().err
    assert "line 6, column predecessor_codes: unknown unit 'NOPE'" in err
    assert "line 7, column predecessor_codes: a unit cannot be its own predecessor" in err
    assert "line 8, column predecessor_codes: predecessor 'OLD2' is valid until 15/07/2025" in err
    assert "line 9, column predecessor_codes: predecessor 'OLD3' has no valid_to" in err
    assert "line 10, column predecessor_codes: 'OLD1' is named as a predecessor but this unit has no valid_from" in err
    assert "line 11, column predecessor_codes: unknown unit 'LATER'" in err  # not earlier in the file
    assert "line 13, column predecessor_codes" in err
    assert "line 6, column predecessor_codes: unknown unit 'OLD1'" not in err
    assert not Unit.objects.exists()


def test_a_predecessor_ending_the_day_its_successor_starts_is_accepted(tmp_path):
    call_command(
        "import_units",
        write(
            tmp_path,
            "code,name,level,parent_code,kind,valid_from,valid_to,predecessor_codes\n"
            "OLD,Xã Cũ,commune,,,,2025-07-01,\n"
            "NEW,Xã Mới,commune,,,2025-07-01,,OLD\n",
        ),
    )
    assert predecessors("NEW") == ["OLD"]
