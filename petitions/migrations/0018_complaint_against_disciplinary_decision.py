"""Complaints against a disciplinary decision on a civil servant (Luật Khiếu nại art. 47–50): the
flag on the petition and the chapter's own limits.

Administrators may edit the rules afterwards; re-running leaves existing rows alone."""

from datetime import date

from django.db import migrations, models


LAW_KN = date(2012, 7, 1)  # Luật Khiếu nại 02/2011/QH13
RULES = [
    (
        "complaint.disciplinary.limitation",
        "Thời hiệu khiếu nại quyết định kỷ luật lần đầu",
        15,
        "Luật Khiếu nại art. 48",
    ),
    (
        "complaint.disciplinary.second.limitation",
        "Thời hiệu khiếu nại quyết định kỷ luật lần hai",
        10,
        "Luật Khiếu nại art. 48",
    ),
    (
        "complaint.disciplinary.second.limitation.dismissal",
        "Thời hiệu khiếu nại lần hai đối với quyết định kỷ luật buộc thôi việc",
        30,
        "Luật Khiếu nại art. 48",
    ),
    ("complaint.disciplinary.accept", "Thụ lý khiếu nại quyết định kỷ luật", 10, "Luật Khiếu nại art. 50"),
    ("complaint.disciplinary.resolve", "Giải quyết khiếu nại quyết định kỷ luật", 30, "Luật Khiếu nại art. 50"),
    (
        "complaint.disciplinary.resolve.complex",
        "Giải quyết khiếu nại quyết định kỷ luật, vụ việc phức tạp",
        45,
        "Luật Khiếu nại art. 50",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, amount, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            valid_from=LAW_KN,
            defaults={"name": name, "amount": amount, "day_kind": "calendar_days", "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_deadline_rules"),
        ("petitions", "0017_merge_20261207_0951"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="discipline",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "No: an administrative decision or act"),
                    ("discipline", "A disciplinary decision"),
                    ("dismissal", "A disciplinary dismissal (buộc thôi việc)"),
                ],
                max_length=12,
                verbose_name="complaint against a disciplinary decision",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
