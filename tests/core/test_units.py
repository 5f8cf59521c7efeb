"""Loading and importing administrative units; cheap subtrees."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import Role, Unit, UnitEvent, UnitLevel
from core.selectors import ancestor_paths, unit_ancestors, unit_subtree, users_with_role_in
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_load_units_loads_the_current_divisions_and_a_second_run_changes_nothing(capsys):
    call_command("load_units")
    assert Unit.objects.filter(level=UnitLevel.PROVINCE).count() == 34
    assert Unit.objects.filter(level=UnitLevel.COMMUNE).count() == 3321
    hanoi = Unit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert unit_subtree(hanoi).filter(level=UnitLevel.COMMUNE).count() == 126
    events, updated = UnitEvent.objects.count(), Unit.objects.order_by("-updated_at").first().updated_at
    capsys.readouterr()

    call_command("load_units")

    assert "0 created, 0 updated, 3355 unchanged" in capsys.readouterr().out
    assert UnitEvent.objects.count() == events
    assert Unit.objects.order_by("-updated_at").first().updated_at == updated


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


HISTORY = """code,name,level,parent_code,kind,valid_from,valid_to
HN-OLD,Thành phố Hà Nội (trước 2025),province,,thanh_pho_tw,2008-08-01,2025-06-30
HBT,Quận Hai Bà Trưng,district,HN-OLD,quận,2008-08-01,2025-06-30
HBT-BACHMAI,Phường Bạch Mai,commune,HBT,phường,,30/06/2025
HBT-MINHKHAI,Phường Minh Khai,commune,HBT,,,
"""


def test_import_units_builds_the_historical_tree(tmp_path):
    call_command("import_units", write(tmp_path, HISTORY))
    district = Unit.objects.get(code="HBT")
    assert district.level == UnitLevel.DISTRICT and district.kind == "quan"
    assert {u.code for u in unit_subtree(district)} == {"HBT", "HBT-BACHMAI", "HBT-MINHKHAI"}
    ward = Unit.objects.get(code="HBT-BACHMAI")
    assert [u.code for u in unit_ancestors(ward)] == ["HN-OLD", "HBT"]
    assert str(ward.valid_to) == "2025-06-30" and ward.valid_from is None


def test_import_units_twice_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, HISTORY)
    call_command("import_units", path)
    capsys.readouterr()
    call_command("import_units", path)
    assert "0 created, 0 updated, 4 unchanged" in capsys.readouterr().out


def test_import_units_reports_every_bad_row_with_line_and_column_and_imports_nothing(tmp_path, capsys):
    bad = """code,name,level,parent_code
OK1,Phường Tốt,commune,
BAD CODE,Phường Xấu,commune,
X2,,district,
X3,Phường Ba,ward,
X4,Phường Bốn,commune,NOPE
"""
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_units", write(tmp_path, bad))
    err = capsys.readouterr().err
    assert "line 3, column code" in err
    assert "line 4, column name: required value is empty" in err
    assert "line 5, column level" in err
    assert "line 6, column parent_code: unknown unit 'NOPE'" in err
    assert not Unit.objects.exists()


def test_import_units_refuses_unknown_columns(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_units", write(tmp_path, "code,name,level,parent_code,colour\nA,B,commune,,red\n"))
    assert "line 1, column colour: unknown column" in capsys.readouterr().err


def test_moving_a_unit_moves_its_subtree(tmp_path):
    call_command("import_units", write(tmp_path, HISTORY))
    moved = HISTORY.replace("HBT,Quận Hai Bà Trưng,district,HN-OLD", "HBT,Quận Hai Bà Trưng,district,")
    call_command("import_units", write(tmp_path, moved))
    assert Unit.objects.get(code="HBT-BACHMAI").path == "/HBT/HBT-BACHMAI/"


def test_a_units_ancestors_are_read_from_its_path_from_the_top_down():
    assert ancestor_paths("/01/") == ["/01/"]
    assert ancestor_paths("/01/00070/T5/") == ["/01/", "/01/00070/", "/01/00070/T5/"]


def test_the_roles_held_above_a_unit_count_in_it_and_those_beside_or_below_do_not():
    city = UnitFactory(code="01", level=UnitLevel.PROVINCE)
    commune = UnitFactory(code="00070", parent=city)
    beside = UnitFactory(code="00004", parent=city)
    below = UnitFactory(code="T5", parent=commune)
    holders = {}
    for unit in (city, commune, beside, below):
        holders[unit.code] = UserFactory(username=f"head.{unit.code}")
        MembershipFactory(user=holders[unit.code], unit=unit, role=Role.HEAD)
    MembershipFactory(user=UserFactory(username="officer.00070"), unit=commune, role=Role.OFFICER)
    found = [m.user.username for m in users_with_role_in(unit=commune, roles=[Role.HEAD])]
    # nearest first: the commune's own head, then the city's
    assert found == ["head.00070", "head.01"]
    assert [u.code for u in unit_ancestors(below)] == ["01", "00070"]


def test_a_unit_by_its_code_kept_per_process_follows_its_saves(city, commune, django_assert_num_queries):
    """Pages that name their unit in the address (a drill-through list) read it from the units
    kept per process: a unit saved here is read anew, one made elsewhere is still found, and
    each caller gets its own copy."""
    from core.selectors import unit_by_code_kept

    assert unit_by_code_kept("00070") == commune
    with django_assert_num_queries(0):
        kept = unit_by_code_kept("00070")
    kept.name = "changed by one request"
    assert unit_by_code_kept("00070").name == "Phường Hoàn Kiếm"  # another request's copy
    commune.name = "Phường Hoàn Kiếm (mới)"
    commune.save()
    assert unit_by_code_kept("00070").name == "Phường Hoàn Kiếm (mới)"
    Unit.objects.bulk_create(
        [Unit(code="00999", name="Xã mới", level=commune.level, parent=city, path=city.path + "zz/")]
    )
    assert unit_by_code_kept("00999").name == "Xã mới"  # no save signal: not kept, read
    assert unit_by_code_kept("nope") is None
