"""S6 (part): audit rows are append-only. In Python for every database; on PostgreSQL
also below the application, by a trigger on every audit table, including those the
apps add later (they are found through the app registry)."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from civicdesk.db import AppendOnlyError, AuditEventBase
from core.audit import TRIGGER_NAME, audit_models, install_append_only_triggers
from core.models import MembershipEvent, UnitEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_event(commune):
    return UnitEvent.objects.create(unit=commune, kind=UnitEvent.Kind.CREATED, reason="created for the test")


def test_audit_models_are_found_through_the_registry_without_importing_the_apps():
    found = audit_models()
    assert UnitEvent in found and MembershipEvent in found
    assert all(issubclass(m, AuditEventBase) and not m._meta.abstract for m in found)


def test_the_application_refuses_to_change_or_delete_an_audit_row(unit_event):
    unit_event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        unit_event.save()
    with pytest.raises(AppendOnlyError):
        unit_event.delete()


@pytest.mark.postgres
def test_every_audit_table_has_the_append_only_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal",
            [TRIGGER_NAME],
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert {m._meta.db_table for m in audit_models()} <= protected


@pytest.mark.postgres
def test_raw_sql_cannot_update_an_audit_row(unit_event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_unitevent SET reason = 'rewritten' WHERE id = %s", [unit_event.pk])
    unit_event.refresh_from_db()
    assert unit_event.reason == "created for the test"


@pytest.mark.postgres
def test_raw_sql_cannot_delete_an_audit_row(unit_event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_unitevent WHERE id = %s", [unit_event.pk])
    assert UnitEvent.objects.filter(pk=unit_event.pk).exists()


@pytest.mark.postgres
def test_a_bulk_queryset_update_or_delete_is_refused_too(unit_event):
    with pytest.raises(DatabaseError), transaction.atomic():
        UnitEvent.objects.filter(pk=unit_event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        UnitEvent.objects.filter(pk=unit_event.pk)._raw_delete(connection.alias)


@pytest.mark.postgres
def test_new_rows_are_still_written_and_installing_again_changes_nothing(unit_event):
    assert set(install_append_only_triggers()) >= {"core_unitevent", "core_membershipevent"}
    UnitEvent.objects.create(unit=unit_event.unit, kind=UnitEvent.Kind.UPDATED)
    assert UnitEvent.objects.count() == 2


def test_installing_the_trigger_does_nothing_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite-only behaviour")
    assert install_append_only_triggers() == []


@pytest.mark.parametrize("model", audit_models(), ids=lambda m: m._meta.label)
def test_every_audit_model_has_a_read_only_admin_page(model, django_user_model):
    superuser = django_user_model.objects.create_superuser("quantri", password="Secret-pass-2026")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(model)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_audit_log_in_the_admin_shows_events_and_offers_no_edit(admin_client, unit_event):
    page = admin_client.get("/admin/core/unitevent/")
    assert page.status_code == 200
    assert "Phường Hoàn Kiếm" in page.content.decode()
    detail = admin_client.get(f"/admin/core/unitevent/{unit_event.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.post(f"/admin/core/unitevent/{unit_event.pk}/delete/").status_code == 403


def test_the_audit_log_page_lists_the_latest_events_of_every_audit_table(admin_client, unit_event, officer):
    MembershipEvent.objects.create(
        user=officer, unit=unit_event.unit, role="officer", kind="granted", ip_address="10.9.8.7"
    )
    page = admin_client.get(reverse("audit_log"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "created for the test" in text and "10.9.8.7" in text
    assert text.index("10.9.8.7") < text.index("created for the test"), "newest first"
    assert f"/admin/core/unitevent/{unit_event.pk}/change/" in text


def test_the_audit_log_is_for_staff_only(client, officer):
    client.force_login(officer)
    response = client.get(reverse("audit_log"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_audit_log_costs_one_query_per_audit_table(admin_client, unit_event, django_assert_max_num_queries):
    for i in range(30):
        UnitEvent.objects.create(unit=unit_event.unit, kind=UnitEvent.Kind.UPDATED, reason=f"change {i}")
    with django_assert_max_num_queries(len(audit_models()) + 4):
        admin_client.get(reverse("audit_log"))
