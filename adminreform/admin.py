"""Admin for reference data: the procedure catalogue. Dossiers change only through the
services (the staff pages), so the admin shows them read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Dossier, DossierEvent, Procedure, ProcedureDocument
from .text import fold


class ProcedureDocumentInline(admin.TabularInline):
    model = ProcedureDocument
    extra = 1


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "processing_days", "fee", "online_service")
    list_filter = ("level", "online_service", "field")
    search_fields = ("code", "name", "search_text")
    inlines = [ProcedureDocumentInline]

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        obj.search_text = fold(f"{obj.code} {obj.name} {obj.field}")
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("ref", "unit", "procedure", "status", "received_on", "due_on", "resolved_on")
    list_filter = ("status", "channel", "outcome")
    search_fields = ("ref",)
    list_select_related = ("unit", "procedure")


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "dossier", "kind", "actor", "from_status", "to_status")
    list_select_related = ("dossier", "actor")
