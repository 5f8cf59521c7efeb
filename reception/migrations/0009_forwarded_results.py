"""The result of a matter forwarded at reception and the notice owed to the citizen, with its
rule `reception.notify_forwarded_result`: the citizen is told within 5 working days of the
result's arrival (Luật Tiếp công dân art. 27(2), 28(2)). Administrators may edit the rule
afterwards; re-running leaves existing rows alone."""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LAW_TCD = date(2014, 7, 1)  # Luật Tiếp công dân 42/2013/QH13 in force


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="reception.notify_forwarded_result",
        valid_from=LAW_TCD,
        defaults={
            "name": "Thông báo cho công dân kết quả giải quyết vụ việc đã chuyển khi tiếp công dân",
            "amount": 5,
            "day_kind": "working_days",
            "legal_basis": "Luật Tiếp công dân art. 27(2), 28(2)",
            "note": "Tính từ ngày nhận được kết quả giải quyết của cơ quan có thẩm quyền; khi công dân yêu cầu được thông báo.",
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_seed_deadline_rules'),
        ('reception', '0008_session_recordings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ForwardedResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('received_on', models.DateField(verbose_name='result received on')),
                ('body', models.CharField(max_length=300, verbose_name='competent body')),
                ('summary', models.TextField(verbose_name='what the result says')),
                ('citizen_asked', models.BooleanField(default=True, verbose_name='the citizen asked to be told')),
                ('notice_due_on', models.DateField(blank=True, null=True, verbose_name='citizen to be told by')),
                ('notice_rule_id', models.PositiveIntegerField(blank=True, null=True, verbose_name='notice deadline rule')),
                ('notified_on', models.DateField(blank=True, null=True, verbose_name='citizen told on')),
                ('notice_channel', models.CharField(blank=True, choices=[('in_person', 'In person'), ('letter', 'By letter'), ('phone', 'By phone'), ('email', 'By e-mail'), ('sms', 'By SMS')], max_length=10, verbose_name='channel')),
                ('notice_text', models.TextField(blank=True, verbose_name='what the citizen was told')),
                ('notified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('visit', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='forwarded_result', to='reception.visit')),
            ],
            options={
                'verbose_name': 'result of a forwarded matter',
                'verbose_name_plural': 'results of forwarded matters',
                'indexes': [models.Index(condition=models.Q(('notice_due_on__isnull', False), ('notified_on__isnull', True)), fields=['notice_due_on'], name='forwarded_notice_owed_idx')],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
