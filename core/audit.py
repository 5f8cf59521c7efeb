"""Audit rows are append-only, also below the application.

`AuditEventBase.save()/delete()` refuse changes in Python, but a raw query, a
shell session or a bug in a bulk update would get past that. On PostgreSQL a
trigger on every audit table refuses UPDATE and DELETE for every role the
application uses. It is (re)installed after each `migrate` for every concrete
subclass of `AuditEventBase`, including the ones apps add later: they are found
through the app registry, so core imports no domain app.

TRUNCATE is not a row operation: a second, statement-level trigger refuses it to
every role but the table's owner (the test runner empties tables with it as the
owner). Production runs as a role that owns nothing (`manage.py create_app_role`),
so it can neither truncate an audit table nor disable its triggers, even if someone
granted it TRUNCATE. Lawful purges of audit rows are a DBA operation, as the owner,
that disables the trigger explicitly, never something the application can do
(docs/operations.md).
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, models

from civicdesk.db import AuditEventBase

logger = logging.getLogger("civicdesk.security")

FUNCTION_NAME = "civicdesk_audit_append_only"
TRIGGER_NAME = "civicdesk_audit_append_only"
TRUNCATE_FUNCTION_NAME = "civicdesk_audit_no_truncate"
TRUNCATE_TRIGGER_NAME = "civicdesk_audit_no_truncate"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows in % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE OR REPLACE FUNCTION {TRUNCATE_FUNCTION_NAME}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;  -- the owner (migrations, the DBA, the test runner)
    END IF;
    RAISE EXCEPTION 'audit rows in % are append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""  # noqa: S608 (constant names, no input)


def audit_models() -> list[type[models.Model]]:
    """Every concrete, managed subclass of AuditEventBase in the installed apps."""
    return [
        model
        for model in global_apps.get_models()
        if issubclass(model, AuditEventBase) and model._meta.managed and not model._meta.proxy
    ]


def install_append_only_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the trigger on each audit table that exists; return the tables covered.

    Idempotent: safe to run after every migrate. Does nothing on other databases.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [m._meta.db_table for m in audit_models() if m._meta.db_table in existing]
        if not tables:
            return []
        cursor.execute(CREATE_FUNCTION)
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} BEFORE UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}()"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER_NAME} BEFORE TRUNCATE ON {quoted} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRUNCATE_FUNCTION_NAME}()"
            )
    logger.info("Append-only triggers installed on %d audit tables: %s", len(tables), ", ".join(sorted(tables)))
    return tables


def install_triggers_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver (connected once, for core: it runs after every app has migrated)."""
    install_append_only_triggers(using=using)
