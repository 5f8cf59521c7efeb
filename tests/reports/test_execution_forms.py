"""05/KQTH of TT 06/2025 (02/KQGQ and 04/KQGQ of TT 02/2021): the decisions on complaints and the
conclusions on denunciations to carry out in a period, those carried out in full, and what they
require beside what has been recovered, returned, handled and prosecuted. Headers as LEGAL.md
§3.1 lists them; figures counted on a register built here, at the period's boundaries."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import UnitKind, UnitLevel
from petitions.choices import Result
from petitions.models import DecisionExecution, DecisionFigures, Outcome, Petition
from reports.compiling import compile_figures, compile_figures_of_units
from reports.exports import render_pdf, render_xlsx
from reports.periods import Period
from tests.reports.factories import ref, unit
from tests.reports.test_forms import _header_pairs, _rows

pytestmark = pytest.mark.django_db
D = date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31))
MONEY, LAND = "Tiền (triệu đồng)", "Đất (m²)"
OFFICIALS = "Trong đó: cán bộ, công chức, viên chức"


def _expected(decisions: str) -> list[tuple[str, str]]:
    """LEGAL.md §3.1, 02/KQGQ (04/KQGQ: the same shape, for conclusions)."""
    return [
        ("", f"Tổng số {decisions} phải thực hiện"),
        ("", f"Số {decisions} đã thực hiện xong"),
        *[
            (f"{group}: {when} {verb}", column)
            for group, verb in (("Thu hồi cho Nhà nước", "thu"), ("Trả lại cho tổ chức", "trả"),
                                ("Trả lại cho cá nhân", "trả"))
            for when in ("phải", "đã")
            for column in (MONEY, LAND)
        ],
        ("Đã xử lý hành chính", "Số người"),
        ("Đã xử lý hành chính", OFFICIALS),
        ("Đã khởi tố", "Số vụ"),
        ("Đã khởi tố", "Số người"),
        ("Đã khởi tố", OFFICIALS),
    ]  # fmt: skip


KN, TC = _expected("quyết định"), _expected("kết luận")


def _decided(at, kind: str, received: date, resolved: date, result: str, **fields) -> Petition:
    return Petition.objects.create(
        unit=at,
        ref=ref("QD"),
        received_on=received,
        kind=kind,
        outcome=Outcome.ACCEPTED,
        competent=True,
        resolved_on=resolved,
        result=result,
        **fields,
    )


@pytest.fixture
def register(db):
    """A commune's decisions and conclusions around Q1 2026."""
    commune = unit("K1", "Xã Thi Hành", level=UnitLevel.COMMUNE, kind=UnitKind.COMMUNE)
    # decided in December, carried out in full in February (in the period): to carry out, done
    december = _decided(commune, "complaint", D(2025, 11, 3), D(2025, 12, 10), Result.CORRECT)
    DecisionFigures.objects.create(
        petition=december,
        recover_money=150_000_000,
        recover_land_m2=Decimal("20.5"),
        return_money=30_000_000,
        return_org_money=10_000_000,
        return_land_m2=Decimal(40),
        handling_proposed_people=2,
    )
    DecisionExecution.objects.create(
        petition=december,
        done_on=D(2026, 2, 20),
        recovered_money=150_000_000,
        recovered_land_m2=Decimal("20.5"),
        returned_org_money=10_000_000,
        returned_ind_money=20_000_000,
        returned_ind_land_m2=Decimal(40),
        handled_people=2,
        handled_officials=1,
    )
    # decided in February, carried out in full in April (after the period): to carry out, not done
    february = _decided(commune, "complaint", D(2026, 1, 20), D(2026, 2, 25), Result.PARTLY_CORRECT)
    DecisionFigures.objects.create(petition=february, recover_money=60_000_000)
    DecisionExecution.objects.create(petition=february, done_on=D(2026, 4, 10), recovered_money=25_000_000)
    # carried out in full on 31/12, the day before the period: not to carry out in it
    done_before = _decided(commune, "complaint", D(2025, 10, 1), D(2025, 11, 5), Result.WRONG)
    DecisionExecution.objects.create(petition=done_before, done_on=D(2025, 12, 31))
    # carried out in full on 01/01, the period's first day: to carry out, and done
    done_first_day = _decided(commune, "complaint", D(2025, 10, 2), D(2025, 11, 6), Result.WRONG)
    DecisionExecution.objects.create(petition=done_first_day, done_on=D(2026, 1, 1))
    # decided on 31/03 (the last day): to carry out; decided on 01/04: not yet
    _decided(commune, "complaint", D(2026, 3, 2), D(2026, 3, 31), Result.WRONG)
    _decided(commune, "complaint", D(2026, 3, 3), D(2026, 4, 1), Result.WRONG)
    # a first-time decision contested by a second-time complaint received in March: not in force
    contested = _decided(commune, "complaint", D(2025, 9, 1), D(2025, 10, 1), Result.WRONG)
    Petition.objects.create(
        unit=commune, ref=ref("KN2"), received_on=D(2026, 3, 10), kind="complaint", complaint_round=2,
        first_petition=contested,
    )  # fmt: skip
    # withdrawn: nothing to carry out
    _decided(commune, "complaint", D(2026, 1, 5), D(2026, 1, 15), Result.WITHDRAWN)
    # a conclusion on a denunciation from 2024, still being carried out: a case prosecuted
    old = _decided(commune, "denunciation", D(2024, 5, 2), D(2024, 6, 20), Result.TRUE)
    DecisionFigures.objects.create(petition=old, referred_cases=1, referred_people=2, referred_officials=1)
    DecisionExecution.objects.create(petition=old, prosecuted_cases=1, prosecuted_people=2, prosecuted_officials=1)
    return commune


def _figures(commune, sheet: str, expected: list[tuple[str, str]]) -> dict[tuple[str, str], object]:
    wb = load_workbook(io.BytesIO(render_xlsx(compile_figures(unit=commune, period=PERIOD))))
    assert _header_pairs(wb[sheet]) == expected, sheet
    numbers = [c.value for c in next(r for r in wb[sheet].iter_rows() if r[0].value == "(1)")]
    assert numbers == [f"({i})" for i in range(1, len(expected) + 3)]
    return dict(zip(expected, _rows(wb[sheet])["Tổng cộng"], strict=True))


def test_decisions_to_carry_out_at_the_period_boundaries_and_what_was_carried_out(register):
    kn = _figures(register, "05-KQTH (KN)", KN)
    # December's and February's decisions, the one done on the first day, the one of 31/03
    assert kn[("", "Tổng số quyết định phải thực hiện")] == 4
    # December's (in February) and the one done on 01/01; February's was done in April
    assert kn[("", "Số quyết định đã thực hiện xong")] == 2
    recover = "Thu hồi cho Nhà nước"
    assert (kn[(f"{recover}: phải thu", MONEY)], kn[(f"{recover}: phải thu", LAND)]) == (210, 20.5)
    assert (kn[(f"{recover}: đã thu", MONEY)], kn[(f"{recover}: đã thu", LAND)]) == (175, 20.5)
    assert kn[("Trả lại cho tổ chức: phải trả", MONEY)] == 10 and kn[("Trả lại cho tổ chức: đã trả", MONEY)] == 10
    assert kn[("Trả lại cho cá nhân: phải trả", MONEY)] == 20 and kn[("Trả lại cho cá nhân: phải trả", LAND)] == 40
    assert kn[("Trả lại cho cá nhân: đã trả", LAND)] == 40
    assert (kn[("Đã xử lý hành chính", "Số người")], kn[("Đã xử lý hành chính", OFFICIALS)]) == (2, 1)
    assert kn[("Đã khởi tố", "Số vụ")] == 0


def test_a_conclusion_of_an_earlier_year_not_yet_carried_out_is_still_to_carry_out(register):
    tc = _figures(register, "05-KQTH (TC)", TC)
    assert tc[("", "Tổng số kết luận phải thực hiện")] == 1
    assert tc[("", "Số kết luận đã thực hiện xong")] == 0
    assert [tc[("Đã khởi tố", c)] for c in ("Số vụ", "Số người", OFFICIALS)] == [1, 2, 1]


def test_the_next_quarter_carries_over_only_what_is_not_done(register):
    figures = compile_figures(unit=register, period=Period(D(2026, 4, 1), D(2026, 6, 30)))["forms"]["petitions"]
    # February's (done in April) and the one of 01/04; the contested one stays out, the rest were done
    assert (figures["kq_complaint_to_carry_out"], figures["kq_complaint_carried_out"]) == (3, 1)
    assert figures["kq_complaint_required_recover_money"] == 60_000_000


def test_a_unit_compiled_with_others_has_the_same_figures(register):
    alone = compile_figures(unit=register, period=PERIOD)["forms"]["petitions"]
    together = compile_figures_of_units(units=[register], period=PERIOD)[register.pk]["forms"]["petitions"]
    assert {k: v for k, v in together.items() if k.startswith("kq_")} == {
        k: v for k, v in alone.items() if k.startswith("kq_")
    }


def test_the_pdf_has_both_forms(register):
    pages = [
        p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(compile_figures(unit=register, period=PERIOD)))).pages
    ]
    text = " ".join(p.replace("\n", " ") for p in pages)
    assert "TỔNG HỢP KẾT QUẢ THI HÀNH QUYẾT ĐỊNH GIẢI QUYẾT KHIẾU NẠI" in text
    assert "TỔNG HỢP KẾT QUẢ THỰC HIỆN KẾT LUẬN NỘI DUNG TỐ CÁO" in text
    assert "02/KQGQ" in text and "04/KQGQ" in text and "Biểu số 05/KQTH" in text
