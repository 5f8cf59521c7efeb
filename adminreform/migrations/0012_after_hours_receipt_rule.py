"""A dossier received after 15:00 on a working day is counted from the next working day
(Decree 61/2018 art. 18(2); carried into Decree 118/2025), with its rule: the day the count
starts is 1 working day after the day of receipt.

Administrators may edit the rule afterwards; re-running leaves existing rows alone."""

from datetime import date

from django.db import migrations

DECREE_61 = date(2018, 6, 21)  # Decree 61/2018/NĐ-CP in force


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="dossier.after_hours",
        valid_from=DECREE_61,
        defaults={
            "name": "Hồ sơ tiếp nhận sau 15 giờ được tính từ ngày làm việc tiếp theo",
            "amount": 1,
            "day_kind": "working_days",
            "legal_basis": "Nghị định 61/2018/NĐ-CP art. 18(2); Nghị định 118/2025/NĐ-CP",
            "note": "Tiếp nhận sau 15 giờ của ngày làm việc: thời hạn giải quyết tính từ ngày làm việc tiếp theo.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_deadline_rules"),
        ("adminreform", "0011_merge_20261207_0950"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
