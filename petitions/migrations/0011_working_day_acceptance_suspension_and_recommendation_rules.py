"""Deadline rules of issue 19 (the law, rule by rule), each with its legal basis:

- accepting a complaint counts 10 *working* days since TT 07/2013/TT-TTCP art. 5 as amended by
  TT 02/2016/TT-TTCP (in force 05/12/2016): the calendar-day rows of core's 0002 end the day before;
- a denunciation's suspended time is not counted, and the suspension decision reaches the
  parties within 5 working days (Luật Tố cáo art. 34(2), (4));
- recommendations and feedback keep a resolution limit once accepted (`recommendation.resolve`).

Administrators may edit them afterwards; re-running leaves existing rows alone."""

from datetime import date

from django.db import migrations, models

W, C = "working_days", "calendar_days"
LAW_TCD = date(2014, 7, 1)  # Luật Tiếp công dân 42/2013/QH13
LAW_KN = date(2012, 7, 1)  # Luật Khiếu nại 02/2011/QH13
LAW_TC = date(2019, 1, 1)  # Luật Tố cáo 25/2018/QH14
TT_02_2016 = date(2016, 12, 5)  # Thông tư 02/2016/TT-TTCP, amending TT 07/2013/TT-TTCP art. 5

RULES = [
    ("complaint.accept", "Thụ lý hoặc không thụ lý khiếu nại lần đầu", 10, W, TT_02_2016, "Luật Khiếu nại art. 27; TT 07/2013/TT-TTCP art. 5, sửa đổi bởi TT 02/2016/TT-TTCP"),
    ("complaint.second.accept", "Thụ lý khiếu nại lần hai", 10, W, TT_02_2016, "Luật Khiếu nại art. 36; TT 07/2013/TT-TTCP art. 5, sửa đổi bởi TT 02/2016/TT-TTCP"),
    ("denunciation.suspension_excluded", "Thời gian tạm đình chỉ không tính vào thời hạn giải quyết tố cáo", 0, C, LAW_TC, "Luật Tố cáo art. 34(2)"),
    ("denunciation.notify_suspension", "Gửi quyết định tạm đình chỉ giải quyết tố cáo cho người tố cáo, người bị tố cáo", 5, W, LAW_TC, "Luật Tố cáo art. 34(4)"),
    ("recommendation.resolve", "Giải quyết kiến nghị, phản ánh đã thụ lý (thời hạn của cơ quan khi luật chuyên ngành không quy định)", 10, W, LAW_TCD, "Luật Tiếp công dân art. 26(2), 28(1); TT 05/2021/TT-TTCP"),
]  # fmt: skip

# (code, valid_from) of rows that end the day before a new row of the same code starts.
ENDED = [("complaint.accept", LAW_KN, TT_02_2016), ("complaint.second.accept", LAW_KN, TT_02_2016)]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, valid_from, successor_from in ENDED:
        DeadlineRule.objects.filter(code=code, valid_from=valid_from, valid_to__isnull=True).update(
            valid_to=date.fromordinal(successor_from.toordinal() - 1)
        )
    for code, name, amount, day_kind, valid_from, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={"name": name, "amount": amount, "day_kind": day_kind, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_deadline_rules"),
        ("petitions", "0010_petition_late_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="petitionduty",
            name="duty",
            field=models.CharField(
                choices=[
                    ("notify_acceptance", "Notify the denouncer of the acceptance"),
                    ("notify_suspension", "Send the suspension decision to the denouncer and the denounced"),
                    ("notify_conclusion", "Notify the denouncer of the conclusion"),
                    ("publish_conclusion", "Publish the conclusion"),
                ],
                max_length=24,
                verbose_name="duty",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
