"""Enable PostgreSQL's pg_trgm extension for duplicate proposals (similar subjects).

Only on PostgreSQL, and only where the database role may create it: without it the
duplicate finder falls back to comparing subjects in Python."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT petitions_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001  # no privilege: the Python fallback is used
            cursor.execute("ROLLBACK TO SAVEPOINT petitions_trgm")
        else:
            cursor.execute("RELEASE SAVEPOINT petitions_trgm")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0002_workflow_identity_outbox")]
    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
