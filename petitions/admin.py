"""Back office: administrators grant the explicit permission to open denouncers' identities.

Petitions themselves are handled in the app's own pages (services enforce the rules);
the denouncer vault and the audit events are deliberately not editable here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.admin import AuditLogAdmin
from core.ratelimit import client_ip

from . import services
from .models import IdentityRevealGrant, RevealGrantEvent


@admin.register(IdentityRevealGrant)
class IdentityRevealGrantAdmin(admin.ModelAdmin):
    """Grants are given and taken away, never edited: both go through the petitions services,
    which write a RevealGrantEvent (shown read-only under "reveal permission events")."""

    list_display = ("user", "unit", "note", "granted_by", "created_at")
    list_select_related = ("user", "unit", "granted_by")
    search_fields = ("user__username", "user__last_name", "unit__name", "unit__code")
    autocomplete_fields = ("user", "unit")
    readonly_fields = ("granted_by",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: IdentityRevealGrant, form: Any, change: bool) -> None:
        grant = services.identity_reveal_grant(
            user=obj.user,
            unit=obj.unit,
            note=obj.note,
            actor=request.user,
            ip_address=client_ip(request) or None,  # type: ignore[arg-type]
        )
        obj.pk, obj.granted_by, obj.created_at = grant.pk, grant.granted_by, grant.created_at

    def delete_model(self, request: HttpRequest, obj: IdentityRevealGrant) -> None:
        services.identity_reveal_revoke(
            grant=obj,
            reason=_("Taken away in the administration"),
            actor=request.user,
            ip_address=client_ip(request) or None,  # type: ignore[arg-type]
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for grant in queryset.select_related("unit"):
            self.delete_model(request, grant)


@admin.register(RevealGrantEvent)
class RevealGrantEventAdmin(AuditLogAdmin):
    """Who gave or took away a reveal permission (read-only, like every audit table)."""

    list_display = ("occurred_at", "kind", "user", "unit", "actor", "reason", "ip_address")
    list_select_related = ("actor", "user", "unit")
