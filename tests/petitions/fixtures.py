"""Test data shared by several test modules of the petitions app (not imported from a test file)."""


def filing(commune, **overrides):
    """The online filing form as a citizen fills it in (a complaint to `commune`)."""
    data = {
        "kind": "complaint",
        "unit": commune.code,
        "petitioner_name": "Trần Thị Bình",
        "petitioner_id_number": "001190000111",
        "petitioner_address": "5 Lý Thái Tổ, Hoàn Kiếm",
        "petitioner_phone": "0987654321",
        "petitioner_email": "binh@example.vn",
        "subject": "Khiếu nại quyết định xử phạt",
        "respondent": "Quyết định 45/QĐ-XPHC ngày 02/03/2026",
        "content": "Tôi đề nghị xem xét lại quyết định xử phạt.",
        "signers": "1",
        "consent": "on",
        "website": "",
        "idempotency_key": "5f0b8c1e2d3a4b5c6d7e8f9012345678",
    }
    data.update(overrides)
    return data
