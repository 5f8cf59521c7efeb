"""`civicdesk_fold(text)` on PostgreSQL: lower(unaccent(text)), declared IMMUTABLE so that an
index can be built on it (unaccent itself is only STABLE), and a trigram index on units' folded
names for the diacritics-insensitive search (core.search). SQLite gets the same function from
Python on every connection; nothing to do there."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION civicdesk_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;
CREATE INDEX IF NOT EXISTS core_unit_name_fold_trgm ON core_unit USING gin (civicdesk_fold(name) gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS core_unit_name_fold_trgm;
DROP FUNCTION IF EXISTS civicdesk_fold(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_sms_receipt")]

    operations = [migrations.RunPython(forwards, backwards)]
