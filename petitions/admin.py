"""Back office: administrators grant the explicit permission to open denouncers' identities.

Petitions themselves are handled in the app's own pages (services enforce the rules);
the denouncer vault and the audit events are deliberately not editable here."""

from django.contrib import admin

from .models import IdentityRevealGrant


@admin.register(IdentityRevealGrant)
class IdentityRevealGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "note", "granted_by", "created_at")
    list_select_related = ("user", "unit", "granted_by")
    search_fields = ("user__username", "user__last_name", "unit__name", "unit__code")
    autocomplete_fields = ("user", "unit")
    readonly_fields = ("granted_by",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
