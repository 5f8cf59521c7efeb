"""The forms of the XLSX and the PDF, in their official order, and their rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import Form, Row, headers_of
from .kqgq import GQKN_HEADERS, GQTC_HEADERS, gqkn_rows, gqtc_rows
from .kqth import KQTH_COMPLAINT_HEADERS, KQTH_DENUNCIATION_HEADERS, kqth_complaint_rows, kqth_denunciation_rows
from .tcd import TCD2_HEADERS, TCD_HEADERS, tcd2_rows, tcd_rows
from .vpcp import VPCP_HEADERS, vpcp_rows
from .xld import (
    XLD_COMPLAINT_COLUMNS,
    XLD_DENUNCIATION_COLUMNS,
    XLD_HEADERS,
    XLD_KN_PA_COLUMNS,
    xld_kind_rows,
    xld_rows,
)

# TT 06/2025 keeps one 02/XLD; TT 02/2021's 02/XLD, 03/XLD and 04/XLD are its breakdown by kind
# and field (lĩnh vực), each on its own sheet beside it.
XLD_BY_KIND = {
    "02-XLD (KN)": (
        "02/XLD theo TT 02/2021/TT-TTCP",
        "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN KHIẾU NẠI",
        XLD_COMPLAINT_COLUMNS,
    ),
    "02-XLD (TC)": (
        "03/XLD theo TT 02/2021/TT-TTCP",
        "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN TỐ CÁO",
        XLD_DENUNCIATION_COLUMNS,
    ),
    "02-XLD (KNPA)": (
        "04/XLD theo TT 02/2021/TT-TTCP",
        "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN KIẾN NGHỊ, PHẢN ÁNH",
        XLD_KN_PA_COLUMNS,
    ),
}

FORMS: list[Form] = [
    Form(
        "01-TCD",
        "Biểu số 01/TCD",
        "TT 06/2025/TT-TTCP (01/TCD theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT",
        TCD_HEADERS,
    ),
    Form(
        "02-TCD",
        "Biểu số 02/TCD",
        "TT 02/2021/TT-TTCP",
        "TỔNG HỢP KẾT QUẢ PHÂN LOẠI, XỬ LÝ ĐƠN QUA TIẾP CÔNG DÂN",
        TCD2_HEADERS,
    ),
    Form(
        "02-XLD",
        "Biểu số 02/XLD",
        "TT 06/2025/TT-TTCP (01/XLD theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ TIẾP NHẬN, XỬ LÝ ĐƠN",
        XLD_HEADERS,
    ),
    *[
        Form(sheet, "Biểu số 02/XLD", f"TT 06/2025/TT-TTCP ({former})", title, headers_of(columns))
        for sheet, (former, title, columns) in XLD_BY_KIND.items()
    ],
    Form(
        "03-GQKN",
        "Biểu số 03/GQKN",
        "TT 06/2025/TT-TTCP (01/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI THUỘC THẨM QUYỀN",
        GQKN_HEADERS,
    ),
    Form(
        "04-GQTC",
        "Biểu số 04/GQTC",
        "TT 06/2025/TT-TTCP (03/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN",
        GQTC_HEADERS,
    ),
    # TT 06/2025's one 05/KQTH: TT 02/2021's 02/KQGQ (decisions) and 04/KQGQ (conclusions).
    Form(
        "05-KQTH (KN)",
        "Biểu số 05/KQTH",
        "TT 06/2025/TT-TTCP (02/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ THI HÀNH QUYẾT ĐỊNH GIẢI QUYẾT KHIẾU NẠI",
        KQTH_COMPLAINT_HEADERS,
    ),
    Form(
        "05-KQTH (TC)",
        "Biểu số 05/KQTH",
        "TT 06/2025/TT-TTCP (04/KQGQ theo TT 02/2021/TT-TTCP)",
        "TỔNG HỢP KẾT QUẢ THỰC HIỆN KẾT LUẬN NỘI DUNG TỐ CÁO",
        KQTH_DENUNCIATION_HEADERS,
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
        "02-TCD": tcd2_rows(figures, children),
        **{sheet: xld_kind_rows(columns)(figures, children) for sheet, (_f, _t, columns) in XLD_BY_KIND.items()},
        "03-GQKN": gqkn_rows(figures, children),
        "04-GQTC": gqtc_rows(figures, children),
        "05-KQTH (KN)": kqth_complaint_rows(figures, children),
        "05-KQTH (TC)": kqth_denunciation_rows(figures, children),
        "06-VPCP": vpcp_rows(figures, children),
    }
