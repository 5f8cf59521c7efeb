"""Reports across the 2025 reform: a merged ward counts its predecessors' past, a dissolved
district is refused after its end (CONTRACTS.md, "Additions of 2026-12")."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Role, Unit
from reception.models import DialogueConference
from reports.compiling import UnitEnded, compile_figures, compile_figures_of_units
from reports.models import CompiledReport
from reports.periods import Period
from reports.services import report_request
from tests.factories import MembershipFactory, UserFactory
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = pytest.mark.django_db
D = date

# Quận Hai Bà Trưng ended on 30/06/2025; three of its wards became one Phường Bạch Mai,
# and Phường Minh Khai was split between Bạch Mai and Vĩnh Tuy. Minh Khai itself was
# formed on 1/1/2020 from the older Phường Mai Động.
UNITS = """code,name,level,parent_code,kind,valid_from,valid_to,predecessor_codes
HN,Thành phố Hà Nội,province,,thanh_pho_tw,,,
HBT,Quận Hai Bà Trưng,district,HN,quận,,2025-06-30,
MAIDONG,Phường Mai Động,commune,HBT,phường,,2019-12-31,
BACHMAI-CU,Phường Bạch Mai (cũ),commune,HBT,phường,,2025-06-30,
QUYNHMAI,Phường Quỳnh Mai,commune,HBT,phường,,2025-06-30,
MINHKHAI,Phường Minh Khai,commune,HBT,phường,2020-01-01,2025-06-30,MAIDONG
00163,Phường Bạch Mai,commune,HN,phường,2025-07-01,,BACHMAI-CU;QUYNHMAI;MINHKHAI
00164,Phường Vĩnh Tuy,commune,HN,phường,2025-07-01,,MINHKHAI
"""


@pytest.fixture
def reform(tmp_path: Path) -> dict[str, Unit]:
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    call_command("import_units", path, stdout=io.StringIO())
    return {u.code: u for u in Unit.objects.all()}


def figures(unit: Unit, start: date, end: date) -> dict:
    return compile_figures(unit=unit, period=Period(start, end), with_trend=False)


def test_a_merged_ward_counts_its_three_predecessors_before_it_began(reform):
    u = reform
    save(
        petitions(u["BACHMAI-CU"], 2, on=D(2024, 3, 10))
        + petitions(u["QUYNHMAI"], 3, on=D(2025, 5, 1))
        + petitions(u["MINHKHAI"], 1, on=D(2025, 6, 30))  # its last day
        + petitions(u["MINHKHAI"], 5, on=D(2025, 7, 2))  # wrongly booked after its end: not inherited
        + petitions(u["00163"], 2, on=D(2025, 8, 1))
        + petitions(u["00164"], 7, on=D(2025, 8, 1)),  # the other successor's own
        visits(u["QUYNHMAI"], 4, on=D(2025, 6, 15)) + visits(u["00163"], 1, on=D(2025, 7, 1)),
    )
    DialogueConference.objects.create(unit=u["QUYNHMAI"], ref="HN-1", held_on=D(2025, 5, 5), attendees=40)
    DialogueConference.objects.create(unit=u["QUYNHMAI"], ref="HN-2", held_on=D(2025, 7, 5), attendees=9)
    report = figures(u["00163"], D(2025, 1, 1), D(2025, 12, 31))
    assert (report["dialogues"]["conferences"], report["dialogues"]["attendees"]) == (1, 40)
    assert report["unit"]["predecessors"] == ["BACHMAI-CU", "MAIDONG", "MINHKHAI", "QUYNHMAI"]
    assert report["petitions"]["received"] == 3 + 1 + 2
    assert report["petitions"]["received_previous"] == 2  # the old wards' 2024: the same period last year
    assert report["petitions"]["change_pct"] == 200.0
    assert report["reception"]["visits"] == 5
    # The first half-year after the reform, against the same half-year before it.
    after = figures(u["00163"], D(2026, 1, 1), D(2026, 6, 30))
    assert after["petitions"]["received_previous"] == 3 + 1


def test_an_open_dossier_of_an_old_ward_is_carried_over_by_its_successor(reform):
    u = reform
    save(
        dossiers(u["BACHMAI-CU"], 1, on=D(2025, 6, 20), due=D(2025, 7, 4), resolved_on=D(2025, 7, 3))
        + dossiers(u["QUYNHMAI"], 2, on=D(2025, 6, 25), due=D(2025, 7, 9))
        + dossiers(u["00163"], 1, on=D(2025, 7, 10), due=D(2025, 7, 20), resolved_on=D(2025, 7, 25))
    )
    (level,) = figures(u["00163"], D(2025, 7, 1), D(2025, 9, 30))["dossiers"]["levels"]
    assert (level["carried_over"], level["received"], level["to_resolve"]) == (3, 1, 4)
    assert (level["resolved"], level["on_time"], level["late"], level["in_progress"]) == (2, 1, 1, 2)


def test_a_split_ward_counts_whole_in_each_successor_and_once_in_their_parent(reform):
    u = reform
    save(petitions(u["MINHKHAI"], 4, on=D(2024, 2, 1)) + petitions(u["MAIDONG"], 2, on=D(2019, 5, 5)))
    year = (D(2024, 1, 1), D(2024, 12, 31))
    assert figures(u["00163"], *year)["petitions"]["received"] == 4
    assert figures(u["00164"], *year)["petitions"]["received"] == 4
    assert figures(u["HN"], *year)["petitions"]["received"] == 4  # its own subtree: once
    assert figures(u["HN"], *year)["unit"]["predecessors"] == []
    # Transitively: Mai Động's 2019 reaches Vĩnh Tuy through Minh Khai.
    vinh_tuy_2019 = figures(u["00164"], D(2019, 1, 1), D(2019, 12, 31))
    assert vinh_tuy_2019["petitions"]["received"] == 2
    assert vinh_tuy_2019["unit"]["predecessors"] == ["MAIDONG", "MINHKHAI"]


def test_many_units_at_once_give_the_same_figures(reform):
    u = reform
    save(
        petitions(u["QUYNHMAI"], 3, on=D(2025, 5, 1)) + petitions(u["00163"], 2, on=D(2025, 8, 1)),
        visits(u["MINHKHAI"], 2, on=D(2025, 3, 3)),
        dossiers(u["QUYNHMAI"], 2, on=D(2025, 6, 25), due=D(2025, 7, 9)),
    )
    period = Period(D(2025, 1, 1), D(2025, 12, 31))
    units = [u["HN"], u["00163"], u["00164"]]
    many = compile_figures_of_units(units=units, period=period)
    for unit in units:
        assert many[unit.pk] == compile_figures(unit=unit, period=period), unit.code
    assert many[u["00163"].pk]["petitions"]["received"] == 5


def test_a_dissolved_district_is_refused_after_its_end_naming_its_successors(reform):
    u = reform
    save(petitions(u["QUYNHMAI"], 3, on=D(2025, 5, 1)))
    assert figures(u["HBT"], D(2025, 1, 1), D(2025, 6, 30))["petitions"]["received"] == 3
    for start, end in [(D(2025, 7, 1), D(2025, 12, 31)), (D(2025, 1, 1), D(2025, 12, 31))]:
        with pytest.raises(UnitEnded) as refused:
            figures(u["HBT"], start, end)
        message = refused.value.message
        assert "30/06/2025" in message
        assert "Phường Bạch Mai (00163)" in message and "Phường Vĩnh Tuy (00164)" in message
    with pytest.raises(UnitEnded, match=r"Phường Bạch Mai \(00163\)"):
        figures(u["QUYNHMAI"], D(2026, 1, 1), D(2026, 3, 31))


def test_compile_report_refuses_a_dissolved_district_and_prints_predecessors(reform):
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"30/06/2025.*Phường Bạch Mai \(00163\)"):
        call_command("compile_report", "--unit", "HBT", "--from", "2025-07-01", "--to", "2025-09-30", stdout=out)
    assert out.getvalue() == ""
    call_command("compile_report", "--unit", "00163", "--from", "2025-01-01", "--to", "2025-03-31", stdout=out)
    assert json.loads(out.getvalue())["unit"]["predecessors"] == ["BACHMAI-CU", "MAIDONG", "MINHKHAI", "QUYNHMAI"]


def test_asking_for_a_dissolved_districts_report_on_the_site_says_why(reform, client):
    u = reform
    head = UserFactory()
    MembershipFactory(user=head, unit=u["HN"], role=Role.HEAD)
    with pytest.raises(UnitEnded):
        report_request(
            unit=u["HBT"],
            period=Period(D(2025, 7, 1), D(2025, 9, 30)),
            kind="quarter",
            convention="calendar",
            actor=head,
        )
    client.force_login(head)
    response = client.post(
        reverse("reports:compile"),
        {"unit": "HBT", "kind": "range", "date_from": "2025-07-01", "date_to": "2025-09-30"},
        follow=True,
    )
    assert response.status_code == 200
    assert not CompiledReport.objects.exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("30/06/2025" in m and "Phường Vĩnh Tuy (00164)" in m for m in shown), shown
