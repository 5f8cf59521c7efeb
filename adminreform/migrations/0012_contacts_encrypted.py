"""Applicants' phones and e-mail addresses encrypted at rest, each with a blind index; the
phone on a counter slip (supplement request, refusal) encrypted too.

Existing rows are converted in place, as `0007` did for identity numbers: the columns are
widened to text, every phone and address encrypted (Fernet, CIVICDESK_FIELD_ENCRYPTION_KEY)
and the dossiers' blind indexes filled (phones in E.164, addresses in lower case; a family of
its own per kind of contact), in batches; then the fields switch and the partial indexes are
built. Reversible: going back decrypts them (the same key must be set) and drops the indexes.
"""

from django.db import migrations, models

import civicdesk.crypto

FIELDS = (
    ("applicant_phone", "applicant_phone_index", civicdesk.crypto.IndexFamily.APPLICANT_PHONE),
    ("applicant_email", "applicant_email_index", civicdesk.crypto.IndexFamily.APPLICANT_EMAIL),
)


def encrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    Dossier = apps.get_model("adminreform", "Dossier")
    for field, index, family in FIELDS:
        civicdesk.crypto.encrypt_existing_rows(Dossier, field, index, family=family)
    civicdesk.crypto.encrypt_existing_rows(apps.get_model("adminreform", "IntakeNotice"), "applicant_phone")


def decrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    Dossier = apps.get_model("adminreform", "Dossier")
    for field, _index, _family in FIELDS:
        civicdesk.crypto.encrypt_existing_rows(Dossier, field, reverse=True)
    civicdesk.crypto.encrypt_existing_rows(
        apps.get_model("adminreform", "IntakeNotice"), "applicant_phone", reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("adminreform", "0011_merge_20261207_0950"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_phone_index",
            field=civicdesk.crypto.BlindIndexField(
                db_default="", family="dossier-applicant-phone", source="applicant_phone"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="applicant_email_index",
            field=civicdesk.crypto.BlindIndexField(
                db_default="", family="dossier-applicant-email", source="applicant_email"
            ),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_phone",
            field=models.TextField(blank=True, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_email",
            field=models.TextField(blank=True, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="intakenotice",
            name="applicant_phone",
            field=models.TextField(blank=True, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_phone",
            field=civicdesk.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_email",
            field=civicdesk.crypto.EncryptedEmailField(blank=True, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="intakenotice",
            name="applicant_phone",
            field=civicdesk.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("applicant_phone_index", ""), _negated=True),
                fields=["applicant_phone_index"],
                name="dossier_phone_index_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("applicant_email_index", ""), _negated=True),
                fields=["applicant_email_index"],
                name="dossier_email_index_idx",
            ),
        ),
    ]
