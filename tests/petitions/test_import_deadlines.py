"""Imported petitions get their stored deadlines from the rule table, as their state implies,
so that they sit correctly in the queue and the reports; computed in bulk (no query per row)."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.selectors import reference_cache
from petitions.choices import Step
from petitions.models import Petition
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "ref,unit_code,received_on,kind,channel,signers,anonymous,over_level,outcome,competent,case_ref,resolved_on,subject"
)


def load(tmp_path: Path, lines: list[str], name: str = "p.csv") -> None:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    call_command("import_records", "petitions", str(path))


def stored(ref: str) -> tuple[object, ...]:
    p = Petition.objects.select_related("due_rule", "classify_rule").get(ref=ref)
    return p.step, p.due_on, p.due_rule.code if p.due_rule else None, p.classify_due_on


def test_each_state_gets_the_deadline_the_law_gives(tmp_path, commune, city):
    UnitFactory(code="99201", parent=city, is_remote=True)
    load(
        tmp_path,
        [
            # feedback received Fri 13/02/2026, just before Tết: classify by 06/03/2026
            "I-1,00070,2026-02-13,feedback,post,1,0,0,,,,,Đèn đường",
            # complaint received Tue 10/02/2026: accept within 10 working days, Tết skipped → Tue 03/03/2026
            "I-2,00070,2026-02-10,complaint,post,1,0,0,,,,,Thu hồi đất",
            # denunciation recorded outside competence: transfer within 5 working days
            "I-3,00070,2026-03-02,denunciation,post,1,0,0,,0,,,Tố cáo",
            # accepted complaint, not resolved: 30 days from receipt 05/03 → Sat 04/04 → Mon 06/04
            "I-4,00070,2026-03-05,complaint,post,1,0,0,accepted,1,,,Khiếu nại",
            # the same in a remote unit: 45 days → Sun 19/04 → Mon 20/04
            "I-5,99201,2026-03-05,complaint,post,1,0,0,accepted,1,,,Khiếu nại vùng xa",
            # closed: no running deadline, the classification limit is still stored
            "I-6,00070,2026-03-02,complaint,post,1,0,0,refused,1,,2026-03-09,Hết thời hiệu",
        ],
    )
    assert stored("I-1") == (Step.CLASSIFY, date(2026, 3, 6), "petition.classify", date(2026, 3, 6))
    assert stored("I-2")[:3] == (Step.ACCEPT, date(2026, 3, 3), "complaint.accept")
    assert stored("I-3")[:3] == (Step.TRANSFER, date(2026, 3, 9), "denunciation.transfer")
    assert stored("I-4")[:3] == (Step.RESOLVE, date(2026, 4, 6), "complaint.first.resolve")
    assert stored("I-5")[:3] == (Step.RESOLVE, date(2026, 4, 20), "complaint.first.resolve.remote")
    assert stored("I-6") == (Step.NONE, None, None, date(2026, 3, 16))


def test_reimport_with_a_new_state_moves_the_deadline(tmp_path, commune):
    load(tmp_path, ["I-7,00070,2026-03-05,complaint,post,1,0,0,,,,,Khiếu nại"])
    assert stored("I-7")[0] == Step.ACCEPT
    load(tmp_path, ["I-7,00070,2026-03-05,complaint,post,1,0,0,accepted,1,,,Khiếu nại"], "again.csv")
    assert stored("I-7")[:2] == (Step.RESOLVE, date(2026, 4, 6))


def test_no_query_per_row(tmp_path, commune, other_commune):
    def rows(prefix: str, n: int) -> list[str]:
        return [
            f"{prefix}{i},{'00070' if i % 2 else '00004'},2026-0{1 + i % 6}-{1 + i % 27:02d},"
            f"{('complaint', 'denunciation', 'feedback')[i % 3]},post,1,0,0,{('', 'accepted')[i % 2]},1,,,S"
            for i in range(n)
        ]

    with CaptureQueriesContext(connection) as small:
        load(tmp_path, rows("A", 10), "a.csv")
    reference_cache.clear()  # the calendar is read again, as it was for the small file
    with CaptureQueriesContext(connection) as big:
        load(tmp_path, rows("B", 200), "b.csv")

    def reads(ctx: CaptureQueriesContext) -> list[str]:  # inserts go in batches (SQLite: ~12 rows each)
        return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]

    assert len(reads(big)) == len(reads(small))
    assert Petition.objects.filter(ref__startswith="B", due_on__isnull=False).count() > 100


def test_reimport_in_the_same_state_keeps_a_deadline_moved_since(tmp_path, commune):
    load(tmp_path, ["I-8,00070,2026-03-02,denunciation,post,1,0,0,accepted,1,,,Tố cáo"])
    Petition.objects.filter(ref="I-8").update(due_on=date(2026, 5, 4))  # e.g. extended by the head
    load(tmp_path, ["I-8,00070,2026-03-02,denunciation,post,1,0,0,accepted,1,,,Tố cáo (sửa)"], "again.csv")
    petition = Petition.objects.get(ref="I-8")
    assert (petition.subject, petition.due_on) == ("Tố cáo (sửa)", date(2026, 5, 4))


def test_a_register_ending_on_29_february(tmp_path, commune):
    load(tmp_path, ["I-9,00070,2024-02-29,feedback,post,1,0,0,,,,,Ngày nhuận"])
    assert stored("I-9")[:3] == (Step.CLASSIFY, date(2024, 3, 14), "petition.classify")
