from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import CompiledReport, CompiledReportEvent


@admin.register(CompiledReport)
class CompiledReportAdmin(ReadOnlyAdmin):
    """Stored reports are written by the compilation only; a published one is frozen."""

    list_display = ("unit", "period_from", "period_to", "kind", "version", "status", "state", "compiled_at")
    list_filter = ("kind", "status", "state", "convention")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit",)
    date_hierarchy = "period_to"


@admin.register(CompiledReportEvent)
class CompiledReportEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "report", "kind", "actor", "ip_address")
    list_filter = ("kind",)
    list_select_related = ("report__unit", "actor")
