"""Visitors' identity numbers encrypted at rest, with a blind index for repeat detection.

Existing rows are converted in place: the column is widened to text, every number is
encrypted (Fernet, CIVICDESK_FIELD_ENCRYPTION_KEY) and its blind index filled, in batches.
Reversible: going back decrypts the numbers (the same key must be set) and drops the index.
"""

from django.db import migrations, models

import civicdesk.crypto


def encrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    # The index family of today (reception 0005 recomputes rows converted by an older version).
    civicdesk.crypto.encrypt_existing_rows(
        apps.get_model("reception", "Visit"),
        "identity_number",
        "identity_number_index",
        family=civicdesk.crypto.IndexFamily.VISITOR,
    )


def decrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    civicdesk.crypto.encrypt_existing_rows(apps.get_model("reception", "Visit"), "identity_number", reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0002_sessions_visit_workflow_followups_events"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="visit",
            name="visit_identity_idx",
        ),
        migrations.AddField(
            model_name="visit",
            name="identity_number_index",
            field=civicdesk.crypto.BlindIndexField(db_default="", source="identity_number"),
        ),
        migrations.AlterField(
            model_name="visit",
            name="identity_number",
            field=models.TextField(blank=True, verbose_name="identity document number"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="visit",
            name="identity_number",
            field=civicdesk.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="identity document number"
            ),
        ),
        # Built once the index is filled; partial: rows without a number are not in it.
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                condition=models.Q(("identity_number_index", ""), _negated=True),
                fields=["identity_number_index"],
                name="visit_id_index_idx",
            ),
        ),
    ]
