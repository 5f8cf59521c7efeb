"""A repeated denunciation (tố cáo tiếp, Luật Tố cáo art. 37, 38): its ground and the earlier
denunciation on the petition, an outcome on the duty that records each step, and the steps'
deadline rules.

Administrators may edit the rules afterwards; re-running leaves existing rows alone."""

from datetime import date

import django.db.models.deletion
from django.db import migrations, models

LAW_TC = date(2019, 1, 1)  # Luật Tố cáo 25/2018/QH14
RULES = [
    (
        "denunciation.repeat.review",
        "Xem xét, xử lý tố cáo tiếp đối với vụ việc đã giải quyết",
        20,
        "calendar_days",
        "Luật Tố cáo art. 37(2)",
    ),
    (
        "denunciation.overdue.request_report",
        "Yêu cầu người giải quyết tố cáo báo cáo lý do chậm giải quyết",
        5,
        "working_days",
        "Luật Tố cáo art. 38(2)",
    ),
    (
        "denunciation.overdue.report",
        "Người giải quyết tố cáo gửi báo cáo về việc chậm giải quyết",
        5,
        "working_days",
        "Luật Tố cáo art. 38(3)",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, amount, kind, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            valid_from=LAW_TC,
            defaults={"name": name, "amount": amount, "day_kind": kind, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_deadline_rules"),
        ("petitions", "0018_complaint_against_disciplinary_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="repeat_ground",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "No: a first denunciation"),
                    ("unlawful", "The earlier resolution is believed unlawful (art. 37)"),
                    ("overdue", "Not resolved within its time limit (art. 38)"),
                ],
                max_length=12,
                verbose_name="repeated denunciation",
            ),
        ),
        migrations.AddField(
            model_name="petition",
            name="repeat_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="petitions.petition",
                verbose_name="earlier denunciation",
            ),
        ),
        migrations.AddField(
            model_name="petitionduty",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("kept", "The earlier resolution was lawful: not resolved again, the denouncer told why"),
                    ("taken_over", "Wrong competence: resolved by the competent person or transferred to them"),
                    ("re_resolved", "Resolved again: inaccurate, evidence missed or the law misapplied"),
                    ("continued", "The resolver goes on resolving it, as the superior requires"),
                    ("superior_resolves", "The superior resolves it: serious violation or lack of objectivity"),
                ],
                max_length=20,
                verbose_name="outcome",
            ),
        ),
        migrations.AlterField(
            model_name="petitionduty",
            name="duty",
            field=models.CharField(
                choices=[
                    ("notify_acceptance", "Notify the denouncer of the acceptance"),
                    ("notify_suspension", "Send the suspension decision to the denouncer and the denounced"),
                    ("notify_conclusion", "Notify the denouncer of the conclusion"),
                    ("send_decision", "Send the first-time decision to the complainant and the parties"),
                    ("publish_conclusion", "Publish the conclusion"),
                    ("review_repeat", "Review the repeated denunciation"),
                    ("request_report", "Ask the resolver to report on the delay"),
                    ("delay_report", "The resolver's report on the delay"),
                ],
                max_length=24,
                verbose_name="duty",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
