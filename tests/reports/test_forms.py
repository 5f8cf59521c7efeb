"""The inspectorate's petition forms (LEGAL.md §3.1) in the XLSX: each form's header rows are the
column list of LEGAL.md, and its figures are counted from the records as the forms define them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import UnitKind, UnitLevel
from petitions.choices import Result
from petitions.models import Case, Channel, Outcome, Petition
from reports.compiling import compile_figures, compile_figures_of_units
from reports.exports import FORMS, render_pdf, render_xlsx
from reports.periods import Period
from tests.reports.factories import ref, unit

pytestmark = pytest.mark.django_db
D = date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31))

# LEGAL.md §3.1, form by form: (group, column). A column without a group spans both header rows;
# a sub-group is written "group: sub-group".
TOTAL, PROCESSED = "Tổng số đơn phải xử lý", "Số đơn đã xử lý"
NOT_COMPETENT = "Kết quả xử lý: không thuộc thẩm quyền"
XLD_01 = [
    (TOTAL, "Tổng số"),
    (TOTAL, "Kỳ trước chuyển sang"),
    (TOTAL, "Tiếp nhận trong kỳ"),
    ("", PROCESSED),
    ("", "Số đơn chưa xử lý (chuyển kỳ sau)"),
    ("Đủ điều kiện xử lý", "Số đơn"),
    ("Đủ điều kiện xử lý", "Số vụ việc"),
    ("Phân loại theo nội dung", "Khiếu nại"),
    ("Phân loại theo nội dung", "Tố cáo"),
    ("Phân loại theo nội dung", "Kiến nghị, phản ánh"),
    ("Theo tình trạng giải quyết", "Đã được giải quyết lần đầu"),
    ("Theo tình trạng giải quyết", "Đã được giải quyết nhiều lần"),
    ("Theo tình trạng giải quyết", "Chưa được giải quyết"),
    ("Kết quả xử lý: thuộc thẩm quyền", "Tổng số"),
    ("Kết quả xử lý: thuộc thẩm quyền", "Khiếu nại"),
    ("Kết quả xử lý: thuộc thẩm quyền", "Tố cáo"),
    ("Kết quả xử lý: thuộc thẩm quyền", "Kiến nghị, phản ánh"),
    (NOT_COMPETENT, "Tổng số"),
    (NOT_COMPETENT, "Hướng dẫn"),
    (NOT_COMPETENT, "Chuyển đơn"),
    (NOT_COMPETENT, "Đôn đốc giải quyết"),
    ("", "Số văn bản phúc đáp nhận được do chuyển đơn"),
]
TCD_02 = [
    ("", "Tổng số đơn nhận được qua tiếp công dân"),
    ("", "Tổng số vụ việc được tiếp"),
    *[
        (f"Phân loại theo nội dung: {kind}", unit_)
        for kind in ("khiếu nại", "tố cáo", "kiến nghị, phản ánh")
        for unit_ in ("Số đơn", "Số vụ việc")
    ],
    ("Phân loại theo thẩm quyền: thuộc thẩm quyền", "Số đơn"),
    ("Phân loại theo thẩm quyền: thuộc thẩm quyền", "Số vụ việc"),
    *[
        (f"Phân loại theo thẩm quyền: không thuộc thẩm quyền ({unit_})", column)
        for unit_ in ("số đơn", "số vụ việc")
        for column in ("Tổng số", "Hướng dẫn", "Chuyển đơn", "Đôn đốc giải quyết")
    ],
    ("", "Số văn bản phúc đáp nhận được do chuyển đơn"),
    ("", "Ghi chú"),
]
PETITIONS = [("Đơn thuộc thẩm quyền", c) for c in ("Tổng số", "Kỳ trước chuyển sang", "Tiếp nhận trong kỳ")]
DECISIONS = [
    ("Kiến nghị thu hồi cho Nhà nước", "Tiền (triệu đồng)"),
    ("Kiến nghị thu hồi cho Nhà nước", "Đất (m²)"),
    ("Trả lại cho tổ chức, cá nhân", "Tiền (triệu đồng)"),
    ("Trả lại cho tổ chức, cá nhân", "Đất (m²)"),
    ("Trả lại cho tổ chức, cá nhân", "Số tổ chức được trả lại quyền lợi"),
    ("Trả lại cho tổ chức, cá nhân", "Số cá nhân được trả lại quyền lợi"),
    ("Kiến nghị xử lý hành chính", "Tổng số người"),
    ("Kiến nghị xử lý hành chính", "Trong đó: cán bộ, công chức, viên chức"),
    ("Chuyển cơ quan điều tra", "Số vụ"),
    ("Chuyển cơ quan điều tra", "Số người"),
    ("Chuyển cơ quan điều tra", "Trong đó: cán bộ, công chức, viên chức"),
]
TIME_LIMIT = [
    ("Chấp hành thời hạn giải quyết", "Đúng quy định"),
    ("Chấp hành thời hạn giải quyết", "Không đúng quy định"),
]
GQKN = [
    *PETITIONS,
    ("", "Tổng số vụ việc"),
    ("Đã giải quyết", "Tổng số"),
    ("Đã giải quyết", "Bằng quyết định hành chính"),
    ("Đã giải quyết", "Rút đơn thông qua giải thích, thuyết phục"),
    *DECISIONS,
    ("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại đúng"),
    ("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại sai"),
    ("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại đúng một phần"),
    ("Phân tích kết quả: giải quyết lần 2", "Công nhận quyết định lần đầu"),
    ("Phân tích kết quả: giải quyết lần 2", "Hủy, sửa quyết định lần đầu"),
    *TIME_LIMIT,
]
GQTC = [
    *PETITIONS,
    ("Vụ việc thuộc thẩm quyền", "Tổng số"),
    ("Vụ việc thuộc thẩm quyền", "Trong đó: tố cáo tiếp"),
    ("Đã giải quyết", "Tổng số"),
    ("Đã giải quyết", "Tố cáo lần đầu"),
    ("Đã giải quyết", "Tố cáo tiếp"),
    ("Đã giải quyết", "Rút toàn bộ nội dung tố cáo"),
    ("Đã giải quyết", "Đình chỉ không do rút tố cáo"),
    *DECISIONS,
    *[
        (f"Phân tích kết quả: {time}", c)
        for time in ("tố cáo lần đầu", "tố cáo tiếp")
        for c in ("Tố cáo đúng", "Tố cáo sai", "Tố cáo có đúng, có sai")
    ],
    *TIME_LIMIT,
]
EXPECTED_HEADERS = {"02-XLD": XLD_01, "02-TCD": TCD_02, "03-GQKN": GQKN, "04-GQTC": GQTC}


def _petition(at: Any, received: date, kind: str, **fields: Any) -> Petition:
    return Petition.objects.create(unit=at, ref=ref("DON"), received_on=received, kind=kind, **fields)


@pytest.fixture
def ward_register(db):
    """One ward's register over Q1 2026 (and what it carried over from December)."""
    district = unit("F1", "Quận Thử", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT)
    ward = unit("F11", "Phường Một", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=district)
    other = unit("F2", "Quận Khác", level=UnitLevel.DISTRICT, kind=UnitKind.URBAN_DISTRICT)
    accepted = {"outcome": Outcome.ACCEPTED, "competent": True}
    # carried over: two never classified, one classified in January (then accepted, resolved late)
    _petition(ward, D(2025, 12, 10), "complaint")
    _petition(ward, D(2025, 12, 11), "complaint")
    _petition(
        ward,
        D(2025, 12, 12),
        "complaint",
        classified_on=D(2026, 1, 5),
        due_on=D(2026, 2, 1),
        resolved_on=D(2026, 2, 10),
        result=Result.WRONG,
        **accepted,
    )
    # in the period: complaints resolved correct (on time), partly correct (on time), withdrawn
    _petition(
        ward,
        D(2026, 1, 10),
        "complaint",
        due_on=D(2026, 2, 20),
        resolved_on=D(2026, 2, 1),
        result=Result.CORRECT,
        **accepted,
    )
    _petition(
        ward,
        D(2026, 1, 11),
        "complaint",
        due_on=D(2026, 2, 20),
        resolved_on=D(2026, 2, 2),
        result=Result.PARTLY_CORRECT,
        **accepted,
    )
    _petition(ward, D(2026, 1, 12), "complaint", resolved_on=D(2026, 1, 20), result=Result.WITHDRAWN, **accepted)
    # a denunciation concluded true, then denounced again (the same case): concluded false, on time
    case = Case.objects.create(unit=ward, ref="VV-1", kind="denunciation")
    _petition(
        ward,
        D(2026, 1, 5),
        "denunciation",
        case=case,
        due_on=D(2026, 2, 5),
        resolved_on=D(2026, 1, 25),
        result=Result.TRUE,
        **accepted,
    )
    _petition(
        ward,
        D(2026, 2, 1),
        "denunciation",
        case=case,
        due_on=D(2026, 3, 3),
        resolved_on=D(2026, 3, 1),
        result=Result.FALSE,
        **accepted,
    )
    # a denunciation terminated, still open one
    _petition(ward, D(2026, 2, 3), "denunciation", resolved_on=D(2026, 3, 2), result=Result.SUSPENDED, **accepted)
    _petition(ward, D(2026, 3, 20), "denunciation", due_on=D(2026, 4, 20), **accepted)
    # at the reception: a recommendation guided elsewhere, a feedback transferred (answered there)
    _petition(
        ward, D(2026, 2, 10), "recommendation", channel=Channel.IN_PERSON, outcome=Outcome.GUIDED, competent=False
    )
    sent = _petition(
        ward, D(2026, 2, 11), "feedback", channel=Channel.IN_PERSON, outcome=Outcome.TRANSFERRED, competent=False
    )
    _petition(other, D(2026, 2, 15), "feedback", transferred_from=sent, resolved_on=D(2026, 3, 10))
    # filed away: not eligible
    _petition(ward, D(2026, 3, 1), "recommendation", outcome=Outcome.FILED, competent=False, eligible=False)
    return district, ward


def _header_pairs(sheet) -> list[tuple[str, str]]:
    top = next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == "Đơn vị")

    def value(row: int, col: int) -> str:
        for merged in sheet.merged_cells.ranges:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
                return sheet.cell(row=merged.min_row, column=merged.min_col).value or ""
        return sheet.cell(row=row, column=col).value or ""

    pairs = []
    for col in range(3, sheet.max_column + 1):
        group, column = value(top, col), value(top + 1, col)
        pairs.append(("", group) if group == column else (group, column))
    return pairs


def _rows(sheet) -> dict[str, tuple]:
    top = next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == "Đơn vị")
    rows = sheet.iter_rows(min_row=top + 3, values_only=True)
    return {r[1]: r[2:] for r in rows if r[1] and str(r[1]).startswith(("–", "Tổng"))}


def test_each_form_has_the_columns_of_legal_md(ward_register):
    district, _ward = ward_register
    wb = load_workbook(io.BytesIO(render_xlsx(compile_figures(unit=district, period=PERIOD))))
    for sheet, expected in EXPECTED_HEADERS.items():
        assert _header_pairs(wb[sheet]) == expected, sheet
        numbers = [c.value for c in next(r for r in wb[sheet].iter_rows() if r[0].value == "(1)")]
        assert numbers == [f"({i})" for i in range(1, len(expected) + 3)], sheet


def _forms(district) -> dict[str, tuple]:
    figures = compile_figures(unit=district, period=PERIOD)
    wb = load_workbook(io.BytesIO(render_xlsx(figures)))
    return {name: _rows(wb[name])["Tổng cộng"] for name in EXPECTED_HEADERS}


def test_petition_handling_counts_carried_over_eligible_and_replies(ward_register):
    district, _ward = ward_register
    xld = dict(zip(XLD_01, _forms(district)["02-XLD"], strict=True))
    # to process: 3 carried over from December (2 never classified, 1 classified on 5/1) + 10 received
    assert xld[(TOTAL, "Tổng số")] == 13 and xld[(TOTAL, "Kỳ trước chuyển sang")] == 3
    assert xld[(TOTAL, "Tiếp nhận trong kỳ")] == 10
    # processed: all but the two never classified; eligible: all processed but the one filed away
    assert xld[("", PROCESSED)] == 11 and xld[("", "Số đơn chưa xử lý (chuyển kỳ sau)")] == 2
    assert xld[("Đủ điều kiện xử lý", "Số đơn")] == 10
    assert xld[("Đủ điều kiện xử lý", "Số vụ việc")] == 9  # the two denunciations are one case
    assert [xld[("Phân loại theo nội dung", k)] for k in ("Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh")] == [4, 4, 2]
    # the second denunciation came after the first was concluded: its matter was resolved once
    assert xld[("Theo tình trạng giải quyết", "Đã được giải quyết lần đầu")] == 1
    assert xld[("Theo tình trạng giải quyết", "Chưa được giải quyết")] == 9
    assert xld[("Kết quả xử lý: thuộc thẩm quyền", "Tổng số")] == 8
    assert xld[(NOT_COMPETENT, "Tổng số")] == 2
    assert xld[(NOT_COMPETENT, "Hướng dẫn")] == 1 and xld[(NOT_COMPETENT, "Chuyển đơn")] == 1
    # the transferred feedback was answered by the body it went to
    assert xld[("", "Số văn bản phúc đáp nhận được do chuyển đơn")] == 1


def test_petitions_received_at_the_reception(ward_register):
    district, _ward = ward_register
    tcd = dict(zip(TCD_02, _forms(district)["02-TCD"], strict=True))
    assert tcd[("", "Tổng số đơn nhận được qua tiếp công dân")] == 2
    assert tcd[("Phân loại theo nội dung: kiến nghị, phản ánh", "Số đơn")] == 2
    assert tcd[("Phân loại theo nội dung: khiếu nại", "Số đơn")] == 0
    no = "Phân loại theo thẩm quyền: không thuộc thẩm quyền (số đơn)"
    assert (tcd[(no, "Tổng số")], tcd[(no, "Hướng dẫn")], tcd[(no, "Chuyển đơn")]) == (2, 1, 1)
    assert tcd[("", "Số văn bản phúc đáp nhận được do chuyển đơn")] == 1


def test_complaints_resolved_analysed_and_on_time(ward_register):
    district, _ward = ward_register
    kn = dict(zip(GQKN, _forms(district)["03-GQKN"], strict=True))
    # 3 received in the period and 1 carried over (classified in January, not resolved by then)
    assert [kn[p] for p in PETITIONS] == [4, 1, 3]
    assert kn[("", "Tổng số vụ việc")] == 4
    assert kn[("Đã giải quyết", "Tổng số")] == 4
    assert kn[("Đã giải quyết", "Bằng quyết định hành chính")] == 3
    assert kn[("Đã giải quyết", "Rút đơn thông qua giải thích, thuyết phục")] == 1
    first = "Phân tích kết quả: giải quyết lần đầu"
    assert [kn[(first, c)] for c in ("Khiếu nại đúng", "Khiếu nại sai", "Khiếu nại đúng một phần")] == [1, 1, 1]
    # the carried-over complaint was decided after its deadline (10/2 > 1/2)
    assert [kn[t] for t in TIME_LIMIT] == [2, 1]


def test_denunciations_first_and_follow_up(ward_register):
    district, _ward = ward_register
    tc = dict(zip(GQTC, _forms(district)["04-GQTC"], strict=True))
    assert [tc[p] for p in PETITIONS] == [4, 0, 4]
    # three cases: the denounced-again one, the terminated one, the open one
    assert tc[("Vụ việc thuộc thẩm quyền", "Tổng số")] == 3
    assert tc[("Vụ việc thuộc thẩm quyền", "Trong đó: tố cáo tiếp")] == 1
    resolved = [tc[("Đã giải quyết", c)] for c in ("Tổng số", "Tố cáo lần đầu", "Tố cáo tiếp")]
    assert resolved == [2, 0, 1]
    assert tc[("Đã giải quyết", "Đình chỉ không do rút tố cáo")] == 1
    assert tc[("Phân tích kết quả: tố cáo tiếp", "Tố cáo sai")] == 1
    assert tc[("Phân tích kết quả: tố cáo lần đầu", "Tố cáo sai")] == 0
    assert [tc[t] for t in TIME_LIMIT] == [1, 0]


def test_a_unit_compiled_with_others_has_the_same_form_figures(ward_register):
    district, ward = ward_register
    alone = compile_figures(unit=district, period=PERIOD)["forms"]
    together = compile_figures_of_units(units=[district, ward], period=PERIOD)
    assert together[district.pk]["forms"] == alone
    assert together[ward.pk]["forms"] == alone  # every record is the ward's


def test_the_pdf_has_every_form_on_its_own_page_with_its_figures(ward_register):
    district, _ward = ward_register
    pages = [
        p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(compile_figures(unit=district, period=PERIOD)))).pages
    ]
    for form in FORMS:
        page = next((p for p in pages if form.title in p.replace("\n", " ")), None)
        assert page is not None, form.title
        assert form.number in page and "NGƯỜI LẬP BIỂU" in " ".join(pages[pages.index(page) :])
    xld = next(p for p in pages if "TỔNG HỢP KẾT QUẢ TIẾP NHẬN, XỬ LÝ ĐƠN" in p)
    assert "Tổng cộng" in xld and "(24)" in xld  # STT, Đơn vị and the form's 22 columns


ADMIN, FIELD, STATE = "Lĩnh vực: hành chính", "Lĩnh vực", "Theo tình trạng giải quyết"
SKELETON = XLD_01[:7]
COMPETENT = "Kết quả xử lý: thuộc thẩm quyền"
NOT_COMPETENT_COLUMNS = XLD_01[-5:]
XLD_BY_KIND = {
    "02-XLD (KN)": [
        *SKELETON,
        (ADMIN, "Chế độ, chính sách"),
        (ADMIN, "Đất đai, nhà cửa"),
        (ADMIN, "Khác"),
        (FIELD, "Tư pháp"),
        (FIELD, "Đảng, đoàn thể"),
        (FIELD, "Khác"),
        (STATE, "Đã được giải quyết lần đầu"),
        (STATE, "Đã được giải quyết lần 2"),
        (STATE, "Đã có bản án"),
        (STATE, "Chưa được giải quyết xong"),
        (COMPETENT, "Tổng số"),
        (COMPETENT, "Khiếu nại lần đầu"),
        (COMPETENT, "Khiếu nại lần 2"),
        *NOT_COMPETENT_COLUMNS,
    ],
    "02-XLD (TC)": [
        *SKELETON,
        (ADMIN, "Chế độ, chính sách"),
        (ADMIN, "Đất đai, nhà cửa"),
        (ADMIN, "Công chức, công vụ"),
        (ADMIN, "Khác"),
        (FIELD, "Tham nhũng"),
        (FIELD, "Tư pháp"),
        (FIELD, "Đảng, đoàn thể"),
        (FIELD, "Khác"),
        (STATE, "Quá hạn chưa được giải quyết"),
        (STATE, "Đã có kết luận giải quyết (tố cáo tiếp)"),
        (COMPETENT, "Tổng số"),
        (COMPETENT, "Tố cáo lần đầu"),
        (COMPETENT, "Tố cáo tiếp"),
        *NOT_COMPETENT_COLUMNS,
    ],
    "02-XLD (KNPA)": [
        *SKELETON,
        ("Theo nội dung", "Chế độ, chính sách"),
        ("Theo nội dung", "Đất đai"),
        ("Theo nội dung", "Tư pháp"),
        ("Theo nội dung", "Khác"),
        (COMPETENT, "Tổng số"),
        (COMPETENT, "Đã giải quyết"),
        (COMPETENT, "Chưa giải quyết"),
        *NOT_COMPETENT_COLUMNS,
    ],
}


def test_the_breakdowns_by_kind_have_the_columns_of_legal_md_and_count_by_field(ward_register):
    district, ward = ward_register
    Petition.objects.filter(unit=ward, kind="complaint").update(field="admin_land")
    Petition.objects.filter(unit=ward, kind="denunciation", case__isnull=False).update(field="corruption")
    # a court has judged the matter of the complaint carried over from December and classified in January
    Petition.objects.filter(unit=ward, kind="complaint", classified_on=D(2026, 1, 5)).update(court_judgment=True)
    figures = compile_figures(unit=district, period=PERIOD)
    wb = load_workbook(io.BytesIO(render_xlsx(figures)))
    for sheet, expected in XLD_BY_KIND.items():
        assert _header_pairs(wb[sheet]) == expected, sheet
    kn = dict(zip(XLD_BY_KIND["02-XLD (KN)"], _rows(wb["02-XLD (KN)"])["Tổng cộng"], strict=True))
    assert kn[(ADMIN, "Đất đai, nhà cửa")] == 4 and kn[(FIELD, "Khác")] == 0
    assert (kn[(COMPETENT, "Khiếu nại lần đầu")], kn[(COMPETENT, "Khiếu nại lần 2")]) == (4, 0)
    # 4 eligible complaints: 1 judged by a court, the other 3 not yet resolved
    assert (kn[(STATE, "Đã có bản án")], kn[(STATE, "Chưa được giải quyết xong")]) == (1, 3)
    assert kn[(STATE, "Đã được giải quyết lần đầu")] == 0
    tc = dict(zip(XLD_BY_KIND["02-XLD (TC)"], _rows(wb["02-XLD (TC)"])["Tổng cộng"], strict=True))
    # the two of the case are about corruption; the other two recorded no field: "other"
    assert (tc[(FIELD, "Tham nhũng")], tc[(FIELD, "Khác")]) == (2, 2)
    assert tc[(STATE, "Đã có kết luận giải quyết (tố cáo tiếp)")] == 1
    assert (tc[(COMPETENT, "Tố cáo lần đầu")], tc[(COMPETENT, "Tố cáo tiếp")]) == (3, 1)
    pa = dict(zip(XLD_BY_KIND["02-XLD (KNPA)"], _rows(wb["02-XLD (KNPA)"])["Tổng cộng"], strict=True))
    assert pa[(TOTAL, "Tiếp nhận trong kỳ")] == 3 and pa[("Đủ điều kiện xử lý", "Số đơn")] == 2
    assert pa[("Theo nội dung", "Khác")] == 2 and pa[NOT_COMPETENT_COLUMNS[0]] == 2


def test_decision_figures_and_second_decisions_fill_the_complaint_form(db):
    from petitions.figures import DecisionFigures

    commune = unit("G1", "Xã Thử", level=UnitLevel.COMMUNE, kind=UnitKind.COMMUNE)
    accepted = {"outcome": Outcome.ACCEPTED, "competent": True}
    first = _petition(
        commune, D(2026, 1, 5), "complaint", resolved_on=D(2026, 1, 30), result=Result.CORRECT, **accepted
    )
    DecisionFigures.objects.create(
        petition=first,
        recover_money=150_000_000,
        recover_land_m2=20.5,
        handling_proposed_people=2,
        handling_proposed_officials=1,
        returned_individuals=3,
    )
    second = _petition(
        commune,
        D(2026, 2, 5),
        "complaint",
        complaint_round=2,
        resolved_on=D(2026, 3, 1),
        result=Result.WRONG,
        **accepted,
    )
    DecisionFigures.objects.create(
        petition=second, second_decision="annulled_amended", referred_cases=1, referred_people=2
    )
    wb = load_workbook(io.BytesIO(render_xlsx(compile_figures(unit=commune, period=PERIOD))))
    kn = dict(zip(GQKN, _rows(wb["03-GQKN"])["Tổng cộng"], strict=True))
    assert kn[("Kiến nghị thu hồi cho Nhà nước", "Tiền (triệu đồng)")] == 150
    assert kn[("Kiến nghị thu hồi cho Nhà nước", "Đất (m²)")] == 20.5
    assert kn[("Trả lại cho tổ chức, cá nhân", "Số cá nhân được trả lại quyền lợi")] == 3
    assert kn[("Kiến nghị xử lý hành chính", "Tổng số người")] == 2
    assert kn[("Kiến nghị xử lý hành chính", "Trong đó: cán bộ, công chức, viên chức")] == 1
    assert (kn[("Chuyển cơ quan điều tra", "Số vụ")], kn[("Chuyển cơ quan điều tra", "Số người")]) == (1, 2)
    # the first-time analysis counts the first-time decision only; the second is annulled/amended
    assert kn[("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại đúng")] == 1
    assert kn[("Phân tích kết quả: giải quyết lần đầu", "Khiếu nại sai")] == 0
    second_time = "Phân tích kết quả: giải quyết lần 2"
    assert (kn[(second_time, "Công nhận quyết định lần đầu")], kn[(second_time, "Hủy, sửa quyết định lần đầu")]) == (
        0,
        1,
    )


def test_one_stop_dossiers_by_level_and_field(db):
    from adminreform.models import Dossier, Procedure

    commune = unit("H1", "Phường Thử", level=UnitLevel.COMMUNE, kind=UnitKind.WARD)

    def procedure(code: str, field: str) -> Procedure:
        return Procedure.objects.create(code=code, name=code, field=field, level="commune", processing_days=5)

    birth, land = procedure("HT1", "Hộ tịch"), procedure("DD1", "Đất đai")
    land_too = procedure("DD2", "Đất đai")  # two procedures of one field: one row
    for proc, n, resolved in (
        (birth, 3, D(2026, 1, 8)),
        (land, 2, D(2026, 1, 20)),
        (land_too, 1, D(2026, 1, 20)),
        (None, 1, None),
    ):
        for _ in range(n):
            Dossier.objects.create(
                unit=commune,
                ref=ref("HS"),
                received_on=D(2026, 1, 5),
                due_on=D(2026, 1, 10),
                resolved_on=resolved,
                procedure=proc,
            )
    wb = load_workbook(io.BytesIO(render_xlsx(compile_figures(unit=commune, period=PERIOD))))
    top = next(r for r in range(1, 20) if wb["06-VPCP"].cell(row=r, column=2).value == "Đơn vị")
    rows = [r[1:] for r in wb["06-VPCP"].iter_rows(min_row=top + 3, values_only=True) if r[1]]
    labels = [r[0] for r in rows]
    level = next(i for i, name in enumerate(labels) if name.startswith("Cấp"))
    # the level, then its fields in Vietnamese order (Đất đai before Hộ tịch), the procedures naming none last
    assert labels[level + 1 : level + 4] == ["Lĩnh vực Đất đai", "Lĩnh vực Hộ tịch", "Thủ tục chưa ghi lĩnh vực"]
    land_row, birth_row = rows[level + 1][1:], rows[level + 2][1:]
    # total, online, in person, carried over, resolved, early, on time, late, in progress, within, over
    assert land_row[:11] == (3, 0, 3, 0, 3, 0, 0, 3, 0, 0, 0)
    assert birth_row[:11] == (3, 0, 3, 0, 3, 3, 0, 0, 0, 0, 0)
    assert rows[level][1] == 7  # the level's total: the seven dossiers
