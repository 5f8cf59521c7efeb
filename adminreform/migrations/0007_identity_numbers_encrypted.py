"""Applicants' identity numbers encrypted at rest, with a blind index for exact lookups.

Existing rows are converted in place: the column is widened to text, every number is
encrypted (Fernet, CIVICDESK_FIELD_ENCRYPTION_KEY) and its blind index filled, in batches.
Reversible: going back decrypts the numbers (the same key must be set) and drops the index.
The index has a database default (''), so the bulk importer's INSERT needs no change.
"""

from django.db import migrations, models

import civicdesk.crypto


def encrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    civicdesk.crypto.encrypt_existing_rows(
        apps.get_model("adminreform", "Dossier"),
        "applicant_id_number",
        "applicant_id_number_index",
        family=civicdesk.crypto.IndexFamily.APPLICANT,  # today's family (0010 recomputes older conversions)
    )


def decrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    civicdesk.crypto.encrypt_existing_rows(
        apps.get_model("adminreform", "Dossier"), "applicant_id_number", reverse=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("adminreform", "0006_intake_notice_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_id_number_index",
            field=civicdesk.crypto.BlindIndexField(db_default="", source="applicant_id_number"),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_id_number",
            field=models.TextField(blank=True, verbose_name="identity number"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_id_number",
            field=civicdesk.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="identity number"),
        ),
        # Built once the index is filled; partial: dossiers without a number are not in it.
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("applicant_id_number_index", ""), _negated=True),
                fields=["applicant_id_number_index"],
                name="dossier_id_index_idx",
            ),
        ),
    ]
