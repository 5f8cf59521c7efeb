"""On PostgreSQL, refuse UPDATE and DELETE of dossier events in the database too
(AuditEventBase: the audit trail is append-only)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION adminreform_dossierevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'adminreform_dossierevent rows are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS adminreform_dossierevent_append_only ON adminreform_dossierevent;
CREATE TRIGGER adminreform_dossierevent_append_only
    BEFORE UPDATE OR DELETE ON adminreform_dossierevent
    FOR EACH ROW EXECUTE FUNCTION adminreform_dossierevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS adminreform_dossierevent_append_only ON adminreform_dossierevent;
DROP FUNCTION IF EXISTS adminreform_dossierevent_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("adminreform", "0004_handover_step_choices")]
    operations = [migrations.RunPython(create, drop)]
