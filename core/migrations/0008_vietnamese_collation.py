"""The ICU collation `vi-VN-x-icu` (core.collation) on PostgreSQL where the server has ICU.

PostgreSQL servers built with ICU import it into pg_catalog at initdb; this creates it in the
schema when it is missing there (a cluster initialised before ICU, a restored dump). A server
without ICU support keeps the column's own order (core.collation falls back to it)."""

from django.db import DatabaseError, migrations, transaction

CREATE = "CREATE COLLATION IF NOT EXISTS \"vi-VN-x-icu\" (provider = icu, locale = 'vi-VN')"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi-VN-x-icu')")
        if cursor.fetchone()[0]:
            return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(CREATE)
    except DatabaseError:
        pass  # built without ICU: the column's own order stays


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP COLLATION IF EXISTS public.\"vi-VN-x-icu\"")


class Migration(migrations.Migration):
    dependencies = [("core", "0007_held_upload")]

    operations = [migrations.RunPython(create, drop)]
