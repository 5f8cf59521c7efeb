"""Production runs as a role that owns nothing (issue 17, finding 9): `create_app_role` makes
it; connected as that role, TRUNCATE of an audit table, disabling its trigger, and changing or
deleting its rows are refused, while the pages' ordinary reads and writes work. A TRUNCATE
trigger refuses it even if someone granted the role TRUNCATE; the owner (migrations, the DBA,
the test runner) still may."""

import os

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.audit import TRUNCATE_TRIGGER_NAME, audit_models
from core.models import UnitEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROLE = f"civicdesk_test_app_{os.getpid()}"
PASSWORD = "app-role-password-0123456789"


@pytest.fixture
def app_role(monkeypatch, commune):
    monkeypatch.setenv("CIVICDESK_APP_DB_PASSWORD", PASSWORD)
    call_command("create_app_role", ROLE, stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings = connection.settings_dict
    as_app = psycopg2.connect(
        dbname=settings["NAME"],
        user=ROLE,
        password=PASSWORD,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    as_app.autocommit = True
    yield as_app
    as_app.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def _refused(as_app, sql: str, *params) -> str:
    with as_app.cursor() as cursor:
        try:
            cursor.execute(sql, params)
        except psycopg2.Error as exc:
            return str(exc)
    raise AssertionError(f"accepted as the application's role: {sql}")


def test_the_application_role_cannot_truncate_disable_triggers_or_rewrite_audit_rows(app_role, commune):
    event = UnitEvent.objects.create(unit=commune, kind=UnitEvent.Kind.CREATED, reason="kept")
    with app_role.cursor() as cursor:  # what the pages do works
        cursor.execute("SELECT count(*) FROM core_unit")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("UPDATE core_unit SET name = name WHERE id = %s", [commune.pk])
        cursor.execute(
            "INSERT INTO core_unitevent (unit_id, occurred_at, kind, from_status, to_status, reason, data) "
            "VALUES (%s, now(), 'renamed', '', '', 'appended', '{}')",
            [commune.pk],
        )
    assert "permission denied" in _refused(app_role, "TRUNCATE core_unitevent")
    assert "must be owner" in _refused(app_role, "ALTER TABLE core_unitevent DISABLE TRIGGER ALL")
    assert "must be owner" in _refused(
        app_role, "ALTER TABLE core_unitevent DISABLE TRIGGER civicdesk_audit_no_truncate"
    )
    assert "permission denied" in _refused(app_role, "UPDATE core_unitevent SET reason = 'x' WHERE id = %s", event.pk)
    assert "permission denied" in _refused(app_role, "DELETE FROM core_unitevent WHERE id = %s", event.pk)
    assert "must be owner" in _refused(app_role, "DROP TABLE core_unitevent")
    assert "permission denied" in _refused(app_role, "CREATE TABLE sneaky (id int)")
    event.refresh_from_db()
    assert event.reason == "kept" and UnitEvent.objects.filter(reason="appended").exists()


def test_the_truncate_trigger_refuses_even_a_role_granted_truncate(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON core_unitevent TO {ROLE}")
    assert "append-only: TRUNCATE refused" in _refused(app_role, "TRUNCATE core_unitevent")


def test_every_audit_table_has_the_truncate_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal",
            [TRUNCATE_TRIGGER_NAME],
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert {m._meta.db_table for m in audit_models()} <= protected


def test_the_command_wants_a_password_from_the_environment_and_a_plain_name(monkeypatch):
    monkeypatch.delenv("CIVICDESK_APP_DB_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="CIVICDESK_APP_DB_PASSWORD"):
        call_command("create_app_role", ROLE)
    monkeypatch.setenv("CIVICDESK_APP_DB_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="lower-case"):
        call_command("create_app_role", "app; DROP TABLE core_unit")
