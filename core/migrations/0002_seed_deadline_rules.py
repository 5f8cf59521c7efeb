"""Seed the statutory deadline rules of DESIGN.md §4, each with its legal basis.

Administrators may edit them afterwards; re-running leaves existing rows alone."""

from datetime import date

from django.db import migrations

W, C = "working_days", "calendar_days"
LAW_TCD = date(2014, 7, 1)  # Luật Tiếp công dân 42/2013/QH13
LAW_KN = date(2012, 7, 1)  # Luật Khiếu nại 02/2011/QH13
LAW_TC = date(2019, 1, 1)  # Luật Tố cáo 25/2018/QH14
DECREE_61 = date(2018, 6, 21)  # Nghị định 61/2018/NĐ-CP
LAW_136 = date(2026, 7, 1)  # Luật 136/2025/QH15

RULES = [
    ("petition.classify", "Phân loại, xử lý đơn và trả lời công dân", 10, W, LAW_TCD, "Luật Tiếp công dân art. 28; TT 05/2021/TT-TTCP"),
    ("reception.answer", "Trả lời công dân sau tiếp (thụ lý, gia hạn xem xét, không thụ lý, chuyển)", 10, W, LAW_TCD, "Luật Tiếp công dân art. 28(1)"),
    ("reception.publish_schedule", "Công bố lịch tiếp công dân trước ngày tiếp", 5, W, LAW_TCD, "Luật Tiếp công dân art. 24"),
    ("complaint.accept", "Thụ lý hoặc không thụ lý khiếu nại lần đầu", 10, C, LAW_KN, "Luật Khiếu nại art. 27"),
    ("complaint.second.accept", "Thụ lý khiếu nại lần hai", 10, C, LAW_KN, "Luật Khiếu nại art. 36"),
    ("complaint.first.resolve", "Giải quyết khiếu nại lần đầu", 30, C, LAW_KN, "Luật Khiếu nại art. 28"),
    ("complaint.first.resolve.complex", "Giải quyết khiếu nại lần đầu, vụ việc phức tạp", 45, C, LAW_KN, "Luật Khiếu nại art. 28"),
    ("complaint.first.resolve.remote", "Giải quyết khiếu nại lần đầu, vùng sâu vùng xa", 45, C, LAW_KN, "Luật Khiếu nại art. 28"),
    ("complaint.first.resolve.remote_complex", "Giải quyết khiếu nại lần đầu, vùng sâu vùng xa, phức tạp", 60, C, LAW_KN, "Luật Khiếu nại art. 28"),
    ("complaint.second.resolve", "Giải quyết khiếu nại lần hai", 45, C, LAW_KN, "Luật Khiếu nại art. 37"),
    ("complaint.second.resolve.complex", "Giải quyết khiếu nại lần hai, vụ việc phức tạp", 60, C, LAW_KN, "Luật Khiếu nại art. 37"),
    ("complaint.second.resolve.remote", "Giải quyết khiếu nại lần hai, vùng sâu vùng xa", 60, C, LAW_KN, "Luật Khiếu nại art. 37"),
    ("complaint.second.resolve.remote_complex", "Giải quyết khiếu nại lần hai, vùng sâu vùng xa, phức tạp", 70, C, LAW_KN, "Luật Khiếu nại art. 37"),
    ("complaint.limitation", "Thời hiệu khiếu nại", 90, C, LAW_KN, "Luật Khiếu nại art. 9"),
    ("complaint.suspension_excluded", "Thời gian tạm đình chỉ không tính vào thời hạn giải quyết", 0, C, LAW_136, "Luật 136/2025/QH15 (sửa đổi Luật Khiếu nại)"),
    ("denunciation.initial", "Xử lý ban đầu thông tin tố cáo", 7, W, LAW_TC, "Luật Tố cáo art. 24(1)"),
    ("denunciation.initial.multi_place", "Xử lý ban đầu, cần xác minh ở nhiều địa điểm", 10, W, LAW_TC, "Luật Tố cáo art. 24(1)"),
    ("denunciation.transfer", "Chuyển tố cáo không thuộc thẩm quyền (một lần với cùng nội dung)", 5, W, LAW_TC, "Luật Tố cáo art. 24(2); TT 05/2021/TT-TTCP art. 14"),
    ("denunciation.resolve", "Giải quyết tố cáo", 30, C, LAW_TC, "Luật Tố cáo art. 30"),
    ("denunciation.extension", "Gia hạn giải quyết tố cáo (một lần nếu phức tạp, hai lần nếu đặc biệt phức tạp)", 30, C, LAW_TC, "Luật Tố cáo art. 30"),
    ("denunciation.notify_conclusion", "Thông báo kết luận nội dung tố cáo cho người tố cáo", 5, W, LAW_TC, "Luật Tố cáo art. 35"),
    ("denunciation.publish_conclusion", "Công khai kết luận nội dung tố cáo", 7, W, LAW_TC, "Luật Tố cáo art. 40"),
    ("dossier.resolve", "Giải quyết hồ sơ thủ tục hành chính (theo thời hạn của thủ tục)", None, W, DECREE_61, "Nghị định 61/2018/NĐ-CP art. 17–21; Nghị định 118/2025/NĐ-CP"),
    ("dossier.supplement_request", "Yêu cầu bổ sung, hoàn thiện hồ sơ trong quá trình thẩm định", 3, W, DECREE_61, "Nghị định 61/2018/NĐ-CP art. 19; Nghị định 118/2025/NĐ-CP"),
    ("dossier.apology", "Gửi văn bản xin lỗi và hẹn lại ngày trả kết quả trước hạn", 1, W, DECREE_61, "Nghị định 61/2018/NĐ-CP art. 19; Nghị định 118/2025/NĐ-CP (Mẫu 04)"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, amount, day_kind, valid_from, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={"name": name, "amount": amount, "day_kind": day_kind, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_units_people_calendar_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
