"""CONTRACTS.md "Additions of 2026-12" end to end: registers imported with `import_records`
(the new receivers, the petitions' closure, finding and due_on, the dialogue conferences), then
`compile_report` prints the new keys. Every expected figure is counted by hand from the small
registers below (the comments say which rows make it)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import Unit
from petitions.models import Petition
from petitions.services import petition_resolve
from reception.models import DialogueConference, Visit
from reports.compiling import compile_figures, compile_figures_of_units
from reports.periods import Period
from tests.petitions.factories import accepted
from tests.reports.factories import city_tree

pytestmark = pytest.mark.django_db

RECEPTIONS = """ref,unit_code,received_on,people,received_by
V1,T011,2026-01-05,1,head
V2,T011,2026-01-06,1,party_secretary
V3,T011,2026-02-01,6,deputy
V4,T0111,2026-02-02,1,staff
V5,T0111,2026-02-03,2,deputy
V6,T0111,2025-12-31,1,deputy
V7,T012,2026-03-01,1,delegate
"""

DIALOGUES = """ref,unit_code,held_on,attendees,topic
HN-1,T011,2026-01-10,120,Bồi thường giải phóng mặt bằng
HN-2,T0111,10/02/2026,45,
HN-3,T0111,2026-03-31,,Trật tự đô thị
HN-4,T012,2026-04-01,50,
"""

# Complaints P*, denunciations Q*, one recommendation R1; period 01/01–31/03/2026.
PETITIONS = """ref,unit_code,received_on,kind,outcome,competent,case_ref,resolved_on,closure,finding,due_on
P1,T011,2026-01-05,complaint,accepted,1,,2026-01-25,decided,correct,2026-02-04
P2,T011,2026-01-06,complaint,accepted,1,,2026-03-20,,wrong,2026-02-05
P3,T011,2026-01-07,complaint,accepted,1,,2026-02-01,withdrawn,,
P4,T0111,2026-02-01,complaint,accepted,1,,,,,
P5,T0111,2026-02-02,complaint,accepted,1,C1,2026-02-20,decided,wrong,2026-03-01
P6,T0111,2026-02-10,complaint,accepted,1,C1,2026-03-05,decided,partly_correct,2026-03-10
P7,T0111,2026-03-01,complaint,accepted,1,,2026-04-05,decided,correct,2026-04-10
P8,T011,2026-01-08,complaint,refused,1,,2026-01-09,,,
P9,T011,2025-12-20,complaint,accepted,1,,2026-01-10,decided,correct,
Q1,T012,2026-01-15,denunciation,accepted,1,,2026-02-10,decided,partly_correct,2026-02-14
Q2,T012,2026-01-16,denunciation,accepted,1,,2026-02-28,terminated,,
Q3,T011,2026-01-17,denunciation,accepted,1,,2026-01-20,,,
Q4a,T011,2026-02-01,denunciation,accepted,1,C2,2026-02-15,decided,correct,2026-03-01
Q4b,T011,2026-02-05,denunciation,accepted,1,C2,2026-03-10,decided,wrong,2026-03-05
R1,T01,2026-03-10,recommendation,,,,2026-03-12,,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_records(kind: str, path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", kind, str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def report(code: str) -> dict:
    out = io.StringIO()
    call_command("compile_report", "--unit", code, "--from", "2026-01-01", "--to", "2026-03-31", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def registers(tmp_path):
    city_tree()
    import_records("receptions", write(tmp_path, "receptions.csv", RECEPTIONS))
    import_records("dialogues", write(tmp_path, "dialogues.csv", DIALOGUES))
    import_records("petitions", write(tmp_path, "petitions.csv", PETITIONS))


def test_visits_by_receiver_per_level_with_every_key(registers):
    levels = report("T01")["reception"]["levels"]
    # district: V1 head, V2 party secretary, V3 deputy (T011), V7 delegate (T012); commune: V4, V5
    assert [(e["level"], e["visits"], e["head_visits"], e["by_receiver"]) for e in levels] == [
        ("district", 4, 1, {"staff": 0, "head": 1, "delegate": 1, "party_secretary": 1, "deputy": 1}),
        ("commune", 2, 0, {"staff": 1, "head": 0, "delegate": 0, "party_secretary": 0, "deputy": 1}),
    ]


def test_petitions_received_by_level_highest_first(registers):
    # R1 at the city; P1–P3, P8, Q1–Q3, Q4a, Q4b at the districts; P4–P7 at the ward (P9 is December)
    assert report("T01")["petitions"]["levels"] == [
        {"level": "province", "received": 1},
        {"level": "district", "received": 9},
        {"level": "commune", "received": 4},
    ]
    assert report("T0111")["petitions"]["levels"] == [{"level": "commune", "received": 4}]


def test_cases_decided_withdrawn_on_time_and_findings(registers):
    petitions = report("T01")["petitions"]
    # complaint cases: P1, P2, P3, P4, C1 (P5+P6), P7 — P8 refused, P9 received in December.
    # resolved by 31/03: P1, P2, P3, C1; withdrawn: P3; decided: P1, P2, C1 (P7 resolved in April).
    assert petitions["complaint_cases"] == {
        "to_resolve": 6,
        "resolved": 4,
        "resolved_pct": 66.7,
        "withdrawn": 1,
        "withdrawn_pct": 16.7,
        "decided": 3,
        "on_time": 2,
        "upheld": 2,
    }
    # denunciation cases: Q1, Q2 (terminated), Q3, C2 (Q4a+Q4b); decided Q1, Q3, C2;
    # on time: Q1 (10/02 ≤ 14/02), Q3 (3 days after receipt, deadline from the rule table);
    # C2 late (Q4b 10/03 > 05/03). Together: 6 of 10 decided, 4 of 6 on time.
    assert petitions["cases"] == {
        "to_resolve": 10,
        "decided": 6,
        "decided_pct": 60.0,
        "on_time": 4,
        "on_time_pct": 66.7,
    }
    # complaints upheld: P1 correct, C1 (its last resolved, P6, partly correct); P2 wrong.
    # denunciations: Q1 partly correct; Q3 has no finding; C2's last resolved (Q4b) is wrong.
    assert petitions["findings"] == {
        "complaint": {"decided": 3, "correct_or_partly": 2, "pct": 66.7},
        "denunciation": {"decided": 3, "correct_or_partly": 1, "pct": 33.3},
    }


def test_dialogues_of_the_subtree_by_level(registers):
    # HN-1 (district, 120), HN-2 (ward, 45), HN-3 (ward, no attendees given: 0); HN-4 is April
    assert report("T01")["dialogues"] == {
        "conferences": 3,
        "attendees": 165,
        "levels": [
            {"level": "district", "conferences": 1, "attendees": 120},
            {"level": "commune", "conferences": 2, "attendees": 45},
        ],
    }
    assert report("T012")["dialogues"] == {"conferences": 0, "attendees": 0, "levels": []}


def test_summary_says_the_conferences_and_the_decided_cases(registers):
    summary = report("T01")["summary"]
    assert "tổ chức 3 hội nghị đối thoại với 165 lượt người tham dự" in summary
    assert "quyết định giải quyết khiếu nại, kết luận giải quyết tố cáo 6/10 vụ, đạt 60%" in summary
    quiet = report("T012")["summary"]  # Q1, Q2: 1 of 2 decided; no conference
    assert "hội nghị đối thoại" not in quiet
    assert "kết luận giải quyết tố cáo 1/2 vụ, đạt 50%" in quiet


def test_rates_are_null_and_keys_present_when_nothing_to_count(tmp_path):
    city_tree()
    figures = report("T01")
    assert figures["petitions"]["cases"] == {
        "to_resolve": 0,
        "decided": 0,
        "decided_pct": None,
        "on_time": 0,
        "on_time_pct": None,
    }
    assert figures["petitions"]["complaint_cases"]["withdrawn_pct"] is None
    assert figures["petitions"]["findings"]["denunciation"] == {"decided": 0, "correct_or_partly": 0, "pct": None}
    assert figures["petitions"]["levels"] == []
    assert figures["dialogues"] == {"conferences": 0, "attendees": 0, "levels": []}
    assert "đối thoại" not in figures["summary"] and "kết luận giải quyết tố cáo" not in figures["summary"]


def test_bad_closure_finding_and_due_on_are_reported_by_line_and_nothing_is_imported(tmp_path):
    city_tree()
    bad = write(
        tmp_path,
        "bad.csv",
        "ref,unit_code,received_on,kind,outcome,competent,resolved_on,closure,finding,due_on\n"
        "B1,T011,2026-01-05,complaint,accepted,1,2026-01-20,settled,,\n"
        "B2,T011,2026-01-05,complaint,accepted,1,2026-01-20,decided,true,\n"
        "B3,T011,2026-01-05,complaint,accepted,1,,,,31/02/2026\n"
        "B4,T011,2026-01-05,complaint,accepted,1,,,,2026-01-01\n"
        "B5,T011,2026-01-05,complaint,accepted,1,2026-01-20,decided,correct,2026-02-01\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_records", "petitions", str(bad), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("line 2, column closure: 'settled' is not one of decided, withdrawn, terminated")
    assert lines[1].startswith("line 3, column finding: 'true' is not one of correct, partly_correct, wrong")
    assert lines[2] == "line 4, column due_on: '31/02/2026' is not a date (YYYY-MM-DD or DD/MM/YYYY)"
    assert lines[3] == "line 5, column due_on: before received_on"
    assert Petition.objects.count() == 0


def test_bad_dialogue_rows_are_reported_and_nothing_is_imported(tmp_path):
    city_tree()
    bad = write(
        tmp_path,
        "bad.csv",
        "ref,unit_code,held_on,attendees,topic\n"
        "HN-1,T011,2026-01-10,120,\n"
        "HN-2,T011,,10,\n"
        "HN-3,T011,2026-01-12,-4,\n"
        "HN-4,NOPE,2026-01-12,4,\n"
        "HN-1,T011,2026-01-13,4,\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_records", "dialogues", str(bad), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "line 3, column held_on: required value is empty",
        "line 4, column attendees: -4 is below the minimum 0",
        "line 5, column unit_code: unknown unit 'NOPE'",
        "line 6, column ref: same ref as line 2",
    ]
    assert DialogueConference.objects.count() == 0


def test_importing_twice_changes_nothing_and_a_changed_row_updates(tmp_path, registers):
    out, _ = import_records("dialogues", write(tmp_path, "again.csv", DIALOGUES))
    assert "0 created, 4 updated" in out
    assert DialogueConference.objects.count() == 4
    import_records(
        "dialogues", write(tmp_path, "fix.csv", "ref,unit_code,held_on,attendees\nHN-3,T0111,2026-03-31,30\n")
    )
    assert report("T01")["dialogues"]["attendees"] == 195
    assert Visit.objects.get(ref="V2").received_by == "party_secretary"
    import_records("petitions", write(tmp_path, "again.csv", PETITIONS))
    assert Petition.objects.count() == 15


def test_a_case_resolved_through_the_workflow_after_its_deadline_is_late(commune):
    petition = accepted(commune, on=date(2026, 3, 2), kind="complaint", received_on=date(2026, 2, 25))
    due = petition.due_on
    assert due is not None
    petition_resolve(petition=petition, expected_version=None, result="partly_correct", on=due, actor=None)
    late = accepted(commune, on=date(2026, 3, 2), kind="complaint", received_on=date(2026, 2, 26))
    petition_resolve(petition=late, expected_version=None, result="correct", on=due + timedelta(days=1), actor=None)
    figures = compile_figures(unit=commune, period=Period(date(2026, 2, 1), due + timedelta(days=1)))
    assert figures["petitions"]["cases"] == {
        "to_resolve": 2,
        "decided": 2,
        "decided_pct": 100.0,
        "on_time": 1,
        "on_time_pct": 50.0,
    }
    assert figures["petitions"]["findings"]["complaint"] == {"decided": 2, "correct_or_partly": 2, "pct": 100.0}


def test_the_quarterly_run_over_many_units_gives_the_same_figures(registers):
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    units = list(Unit.objects.order_by("code"))
    many = compile_figures_of_units(units=units, period=period)
    for unit in units:
        assert many[unit.pk] == compile_figures(unit=unit, period=period), unit.code
