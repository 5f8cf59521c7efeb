"""Urging requests (đôn đốc, TT 05/2021 art. 14(2)): the request to a unit below, its deadline
and its answer; the rule `petition.urge_answer` (10 working days: the law sets no period, this is
the office's limit, editable by administrators); and one request for each petition urged before
requests were tracked, naming the body as it was written, with no unit, no deadline and no
answer: those petitions stay closed as they were. Re-running leaves existing rows alone."""

from datetime import date

import django.db.models.deletion
import petitions.urging
from django.conf import settings
from django.db import migrations, models


TT_05_2021 = date(2021, 11, 15)  # TT 05/2021/TT-TTCP in force


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="petition.urge_answer",
        valid_from=TT_05_2021,
        defaults={
            "name": "Đơn vị cấp dưới được đôn đốc báo cáo, trả lời kết quả giải quyết",
            "amount": 10,
            "day_kind": "working_days",
            "legal_basis": "Thông tư 05/2021/TT-TTCP, Điều 14 khoản 2 (pháp luật không quy định thời hạn: thời hạn của cơ quan)",
        },
    )


def legacy_requests(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    UrgeRequest = apps.get_model("petitions", "UrgeRequest")
    urged = Petition.objects.filter(status="urged").exclude(urge_requests__isnull=False)
    for petition in urged.iterator():
        body = petition.outcome_body or ""
        UrgeRequest.objects.create(
            petition=petition,
            to_unit=None,
            body=body or "—",
            request=petition.outcome_reason or "",
            requested_on=petition.resolved_on or petition.classified_on or petition.received_on,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_held_upload'),
        ('petitions', '0019_merge_20261207_1115'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='petition',
            name='step',
            field=models.CharField(blank=True, choices=[('classify', 'Classify and answer'), ('accept', 'Accept or refuse'), ('initial', 'Initial processing'), ('transfer', 'Transfer to the competent body'), ('resolve', 'Resolve'), ('urge', 'Answer to the urging'), ('', 'No running deadline')], max_length=12, verbose_name='step'),
        ),
        migrations.CreateModel(
            name='UrgeRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('body', models.CharField(max_length=300, verbose_name='body urged')),
                ('request', models.TextField(blank=True, verbose_name='what is asked')),
                ('requested_on', models.DateField(verbose_name='urged on')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='answer due on')),
                ('answered_on', models.DateField(blank=True, null=True, verbose_name='answered on')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('answer_file', models.FileField(blank=True, upload_to=petitions.urging.urge_answer_path, verbose_name='answering document')),
                ('answer_file_name', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                ('answer_file_mime', models.CharField(blank=True, max_length=100)),
                ('answer_file_size', models.PositiveIntegerField(default=0)),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('due_rule', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.deadlinerule', verbose_name='deadline rule')),
                ('petition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='urge_requests', to='petitions.petition')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('to_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='urge_requests', to='core.unit', verbose_name='unit urged')),
            ],
            options={
                'verbose_name': 'urging request',
                'verbose_name_plural': 'urging requests',
                'ordering': ['-requested_on', '-pk'],
                'indexes': [models.Index(condition=models.Q(('answered_on__isnull', True)), fields=['to_unit', 'due_on'], name='urge_waiting_idx')],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(legacy_requests, migrations.RunPython.noop),
    ]
