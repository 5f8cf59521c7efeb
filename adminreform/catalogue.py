"""A starter catalogue of common commune and province procedures (seed_demo).

Names, fields and times follow the published national catalogue (Cổng Dịch vụ
công quốc gia) as commonly applied; fees are typical Hà Nội figures.
"""

from __future__ import annotations

from .services import ProcedureRow

D_TP = "Tờ khai theo mẫu"
D_ID = "Giấy tờ tùy thân (CCCD/hộ chiếu) để đối chiếu"
D_SINH = "Giấy chứng sinh hoặc văn bản làm chứng việc sinh"


def _row(
    code: str, name: str, field: str, level: str, days: int, fee: int, online: str, docs: list[str]
) -> ProcedureRow:
    return ProcedureRow(code, name, field, level, days, fee, online, None, None, tuple(docs))


STARTER: list[ProcedureRow] = [
    _row("1.001193", "Đăng ký khai sinh", "Hộ tịch", "commune", 1, 0, "fully", [D_TP, D_SINH, D_ID]),
    _row(
        "1.000894",
        "Đăng ký kết hôn",
        "Hộ tịch",
        "commune",
        1,
        0,
        "partly",
        [D_TP, D_ID, "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký ở nơi khác)"],
    ),
    _row("1.004873", "Cấp giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "commune", 3, 0, "fully", [D_TP, D_ID]),
    _row(
        "1.000656",
        "Đăng ký khai tử",
        "Hộ tịch",
        "commune",
        1,
        0,
        "fully",
        [D_TP, "Giấy báo tử hoặc giấy tờ thay giấy báo tử", D_ID],
    ),
    _row(
        "1.004884",
        "Đăng ký lại khai sinh",
        "Hộ tịch",
        "commune",
        5,
        0,
        "partly",
        [D_TP, "Bản sao giấy tờ có thông tin khai sinh", D_ID],
    ),
    _row("1.001022", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", "commune", 1, 8000, "fully", [D_TP, D_ID]),
    _row(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        "commune",
        1,
        2000,
        "none",
        ["Bản chính giấy tờ", "Bản sao cần chứng thực"],
    ),
    _row(
        "2.000884",
        "Chứng thực chữ ký trong giấy tờ, văn bản",
        "Chứng thực",
        "commune",
        1,
        10000,
        "none",
        [D_ID, "Giấy tờ, văn bản cần chứng thực chữ ký"],
    ),
    _row(
        "2.001035",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "Chứng thực",
        "commune",
        2,
        50000,
        "none",
        ["Dự thảo hợp đồng, giao dịch", D_ID, "Giấy tờ chứng minh quyền sở hữu tài sản"],
    ),
    _row(
        "1.004194",
        "Đăng ký thường trú",
        "Đăng ký, quản lý cư trú",
        "commune",
        7,
        20000,
        "fully",
        ["Tờ khai thay đổi thông tin cư trú (CT01)", "Giấy tờ chứng minh chỗ ở hợp pháp"],
    ),
    _row(
        "1.004222",
        "Đăng ký tạm trú",
        "Đăng ký, quản lý cư trú",
        "commune",
        3,
        15000,
        "fully",
        ["Tờ khai thay đổi thông tin cư trú (CT01)", "Giấy tờ chứng minh chỗ ở hợp pháp"],
    ),
    _row(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        "commune",
        3,
        100000,
        "fully",
        ["Giấy đề nghị đăng ký hộ kinh doanh", D_ID, "Biên bản họp thành viên hộ gia đình (nếu có)"],
    ),
    _row(
        "1.003596", "Xác nhận đơn đề nghị hỗ trợ học tập", "Bảo trợ xã hội", "commune", 5, 0, "partly", ["Đơn đề nghị"]
    ),
    _row(
        "1.001776",
        "Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội",
        "Bảo trợ xã hội",
        "commune",
        20,
        0,
        "partly",
        [D_TP, "Bản sao giấy tờ chứng minh thuộc đối tượng"],
    ),
    _row(
        "1.008004",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Xây dựng",
        "commune",
        15,
        75000,
        "partly",
        ["Đơn đề nghị cấp giấy phép xây dựng", "Giấy tờ về quyền sử dụng đất", "Bản vẽ thiết kế xây dựng"],
    ),
    _row(
        "1.012345",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Đất đai",
        "province",
        10,
        50000,
        "partly",
        ["Đơn đăng ký biến động", "Bản gốc giấy chứng nhận", "Hợp đồng, văn bản chuyển quyền"],
    ),
    _row(
        "2.000889",
        "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam",
        "Lý lịch tư pháp",
        "province",
        10,
        200000,
        "fully",
        ["Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", D_ID],
    ),
    _row(
        "1.001978",
        "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "Đường bộ",
        "province",
        5,
        135000,
        "fully",
        ["Đơn đề nghị đổi giấy phép lái xe", "Giấy khám sức khỏe", "Bản sao giấy phép lái xe"],
    ),
    _row(
        "2.001955",
        "Cấp giấy chứng nhận đăng ký doanh nghiệp (thành lập mới)",
        "Thành lập và hoạt động doanh nghiệp",
        "province",
        3,
        50000,
        "fully",
        ["Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty", "Danh sách thành viên", D_ID],
    ),
    _row(
        "1.009994",
        "Cấp giấy phép lao động cho người lao động nước ngoài",
        "Việc làm",
        "province",
        5,
        600000,
        "partly",
        ["Văn bản đề nghị", "Giấy chứng nhận sức khỏe", "Phiếu lý lịch tư pháp", "Văn bằng chứng minh trình độ"],
    ),
]
