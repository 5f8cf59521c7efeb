"""The forms of the XLSX and the PDF, in their official order, and their rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Form, Row
from .kqgq import KQGQ_HEADERS, kqgq_rows
from .tcd import TCD_HEADERS, tcd_rows
from .vpcp import VPCP_HEADERS, vpcp_rows
from .xld import XLD_HEADERS, xld_rows

FORMS: list[Form] = [
    Form(
        "01-TCD",
        "Biểu số 01/TCD",
        "TT 06/2025/TT-TTCP (01/TCD theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT",
        TCD_HEADERS,
    ),
    Form(
        "02-XLD",
        "Biểu số 02/XLD",
        "TT 06/2025/TT-TTCP (01/XLD theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ TIẾP NHẬN, XỬ LÝ ĐƠN",
        XLD_HEADERS,
    ),
    Form(
        "03-GQKN",
        "Biểu số 03/GQKN",
        "TT 06/2025/TT-TTCP (01/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI THUỘC THẨM QUYỀN",
        KQGQ_HEADERS,
    ),
    Form(
        "04-GQTC",
        "Biểu số 04/GQTC",
        "TT 06/2025/TT-TTCP (03/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN",
        KQGQ_HEADERS,
    ),
    Form(
        "06-VPCP",
        "Biểu số 06/VPCP/KSTT",
        "TT 01/2020/TT-VPCP",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC",
        VPCP_HEADERS,
    ),
]


def form_rows(figures: Mapping[str, Any], children: Sequence[Mapping[str, Any]]) -> dict[str, list[Row]]:
    return {
        "01-TCD": tcd_rows(figures, children),
        "02-XLD": xld_rows(figures, children),
        "03-GQKN": kqgq_rows(figures, children, "complaint_cases"),
        "04-GQTC": kqgq_rows(figures, children, "denunciation_cases"),
        "06-VPCP": vpcp_rows(figures, children),
    }
