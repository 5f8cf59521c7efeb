"""Applicants' blind indexes get a key of their own (civicdesk.crypto.IndexFamily.APPLICANT), so an
equal number in another table (a denouncer's above all) never gives the same index: every
existing index is recomputed from the decrypted number (in memory only). Going back leaves
the new indexes (the code of that time would recompute them on save; its lookups would miss
rows until then)."""

import civicdesk.crypto
from django.db import migrations


def reindex(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    civicdesk.crypto.reindex_existing_rows(
        apps.get_model("adminreform", "Dossier"), "applicant_id_number", "applicant_id_number_index", family=civicdesk.crypto.IndexFamily.APPLICANT
    )


class Migration(migrations.Migration):

    dependencies = [
        ('adminreform', '0009_dossier_documents_random_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dossier',
            name='applicant_id_number_index',
            field=civicdesk.crypto.BlindIndexField(db_default='', family='dossier-applicant', source='applicant_id_number'),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=False),
    ]
