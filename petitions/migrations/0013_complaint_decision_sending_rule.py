"""The duty to send a 1st-time complaint decision to the complainant and the parties within
3 working days (Luật Khiếu nại art. 32), with its deadline rule.

Administrators may edit the rule afterwards; re-running leaves existing rows alone."""

from datetime import date

from django.db import migrations, models

LAW_KN = date(2012, 7, 1)  # Luật Khiếu nại 02/2011/QH13


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="complaint.send_decision",
        valid_from=LAW_KN,
        defaults={
            "name": "Gửi quyết định giải quyết khiếu nại lần đầu cho người khiếu nại và người có quyền, nghĩa vụ liên quan",
            "amount": 3,
            "day_kind": "working_days",
            "legal_basis": "Luật Khiếu nại art. 32",
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_seed_deadline_rules'),
        ('petitions', '0012_merge_reveal_grant_events_and_issue_19_rules'),
    ]

    operations = [
        migrations.AlterField(
            model_name='petitionduty',
            name='duty',
            field=models.CharField(choices=[('notify_acceptance', 'Notify the denouncer of the acceptance'), ('notify_suspension', 'Send the suspension decision to the denouncer and the denounced'), ('notify_conclusion', 'Notify the denouncer of the conclusion'), ('send_decision', 'Send the first-time decision to the complainant and the parties'), ('publish_conclusion', 'Publish the conclusion')], max_length=24, verbose_name='duty'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
