"""Seed the deadline rules the petitions app added for issue #3's remaining rules, each with its
legal basis (LEGAL.md §1.2, §1.3), in the same effective-dated table as core's 0002 seed.

Administrators may edit them afterwards; re-running leaves existing rows alone."""

from datetime import date

from django.db import migrations

W, C = "working_days", "calendar_days"
LAW_KN = date(2012, 7, 1)  # Luật Khiếu nại 02/2011/QH13
LAW_TC = date(2019, 1, 1)  # Luật Tố cáo 25/2018/QH14

RULES = [
    ("complaint.second.limitation", "Thời hạn khiếu nại lần hai (kể từ khi nhận quyết định lần đầu hoặc hết thời hạn giải quyết lần đầu)", 30, C, LAW_KN, "Luật Khiếu nại art. 33"),
    ("complaint.second.limitation.remote", "Thời hạn khiếu nại lần hai, vùng sâu vùng xa", 45, C, LAW_KN, "Luật Khiếu nại art. 33"),
    ("denunciation.notify_acceptance", "Thông báo việc thụ lý tố cáo cho người tố cáo", 5, W, LAW_TC, "Luật Tố cáo art. 29(4)"),
]  # fmt: skip


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, amount, day_kind, valid_from, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={"name": name, "amount": amount, "day_kind": day_kind, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_deadline_rules"),
        ("petitions", "0004_limitation_duties_retention"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
