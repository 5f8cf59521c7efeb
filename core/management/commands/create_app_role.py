"""`manage.py create_app_role NAME`: the PostgreSQL role the web and Celery processes run as.

Run it as the role that owns the tables (the one `migrate` runs as), after every `migrate`:
it is idempotent. The role owns nothing, so it cannot alter, drop or truncate a table or
disable a trigger; it may read and write the tables, but on the audit tables only read and
append (no UPDATE, DELETE or TRUNCATE: the triggers refuse them too). Its password is read
from the environment variable named by --password-env (never from the command line, which
`ps` and shell history show).
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.audit import audit_models

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Command(BaseCommand):
    help = "Create or refresh the non-owner PostgreSQL role the application runs as (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the role's name, e.g. civicdesk_app")
        parser.add_argument(
            "--password-env",
            default="CIVICDESK_APP_DB_PASSWORD",
            help="environment variable holding the role's password (default CIVICDESK_APP_DB_PASSWORD)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, name: str, password_env: str, database: str, **options: Any) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("create_app_role is for PostgreSQL.")
        if not ROLE_NAME.fullmatch(name):
            raise CommandError("The role's name: lower-case letters, digits and _, at most 63.")
        password = os.environ.get(password_env, "")
        if len(password) < 16:
            raise CommandError(f"Set {password_env} to the role's password (at least 16 characters).")
        role = connection.ops.quote_name(name)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database_name, schema = cursor.fetchone()
            if owner == name:
                raise CommandError("Run this as the owner of the tables, not as the role it creates.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(
                f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD %s", [password]
            )
            schema_q = connection.ops.quote_name(schema)
            cursor.execute(f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(database_name)} TO {role}")
            cursor.execute(f"GRANT USAGE ON SCHEMA {schema_q} TO {role}")
            cursor.execute(f"REVOKE CREATE ON SCHEMA {schema_q} FROM {role}")
            cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {role}")
            cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {role}")
            cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role}")
            # Tables a later migration adds: readable and writable at once (re-run after migrate
            # to narrow new audit tables to read and append).
            defaults = f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT"
            cursor.execute(f"{defaults} SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
            cursor.execute(f"{defaults} USAGE, SELECT, UPDATE ON SEQUENCES TO {role}")
            existing = set(connection.introspection.table_names(cursor))
            audit = sorted(m._meta.db_table for m in audit_models() if m._meta.db_table in existing)
            for table in audit:
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {connection.ops.quote_name(table)} FROM {role}")
        self.stdout.write(
            f"Role {name}: {verb.lower()}d; reads and writes the tables of {database_name}, "
            f"only reads and appends to {len(audit)} audit tables; owns nothing."
        )
