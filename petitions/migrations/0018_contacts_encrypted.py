"""Petitioners' phones and e-mail addresses encrypted at rest, each with a blind index.

Existing rows are converted in place, as `0006` did for identity numbers: the columns are
widened to text, every phone and address encrypted (Fernet, CIVICDESK_FIELD_ENCRYPTION_KEY)
and its blind index filled (phones in E.164, addresses in lower case; a family of its own per
kind of contact), in batches; then the fields switch and the partial indexes are built.
Reversible: going back decrypts them (the same key must be set) and drops the indexes.
A denouncer's phone and address were never here: they stay in the vault, unindexed.
"""

from django.db import migrations, models

import civicdesk.crypto

FIELDS = (
    ("petitioner_phone", "petitioner_phone_index", civicdesk.crypto.IndexFamily.PETITIONER_PHONE),
    ("petitioner_email", "petitioner_email_index", civicdesk.crypto.IndexFamily.PETITIONER_EMAIL),
)


def encrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    Petition = apps.get_model("petitions", "Petition")
    for field, index, family in FIELDS:
        civicdesk.crypto.encrypt_existing_rows(Petition, field, index, family=family)


def decrypt(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    Petition = apps.get_model("petitions", "Petition")
    for field, _index, _family in FIELDS:
        civicdesk.crypto.encrypt_existing_rows(Petition, field, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0017_merge_20261207_0951"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="petitioner_phone_index",
            field=civicdesk.crypto.BlindIndexField(
                db_default="", family="petition-filer-phone", source="petitioner_phone"
            ),
        ),
        migrations.AddField(
            model_name="petition",
            name="petitioner_email_index",
            field=civicdesk.crypto.BlindIndexField(
                db_default="", family="petition-filer-email", source="petitioner_email"
            ),
        ),
        migrations.AlterField(
            model_name="petition",
            name="petitioner_phone",
            field=models.TextField(blank=True, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="petition",
            name="petitioner_email",
            field=models.TextField(blank=True, verbose_name="e-mail"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="petition",
            name="petitioner_phone",
            field=civicdesk.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="petition",
            name="petitioner_email",
            field=civicdesk.crypto.EncryptedEmailField(blank=True, verbose_name="e-mail"),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("petitioner_phone_index", ""), _negated=True),
                fields=["petitioner_phone_index"],
                name="petition_phone_index_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("petitioner_email_index", ""), _negated=True),
                fields=["petitioner_email_index"],
                name="petition_email_index_idx",
            ),
        ),
    ]
