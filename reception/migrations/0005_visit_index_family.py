"""Visitors' blind indexes get a key of their own (civicdesk.crypto.IndexFamily.VISITOR), so an
equal number in another table (a denouncer's above all) never gives the same index: every
existing index is recomputed from the decrypted number (in memory only). Going back leaves
the new indexes (the code of that time would recompute them on save; its lookups would miss
rows until then)."""

import civicdesk.crypto
from django.db import migrations


def reindex(apps, schema_editor):
    civicdesk.crypto.constraints_immediate(schema_editor)
    civicdesk.crypto.reindex_existing_rows(
        apps.get_model("reception", "Visit"), "identity_number", "identity_number_index", family=civicdesk.crypto.IndexFamily.VISITOR
    )


class Migration(migrations.Migration):

    dependencies = [
        ('reception', '0004_dialogue_conferences_and_more_receivers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='visit',
            name='identity_number_index',
            field=civicdesk.crypto.BlindIndexField(db_default='', family='reception-visitor', source='identity_number'),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=False),
    ]
