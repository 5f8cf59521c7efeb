"""Reception records in the back office: read-only. Every change goes through the staff
pages and their services, so that it is checked and written to the audit log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import FollowUpItem, ReceptionEvent, ReceptionSession, Visit


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(ReadOnlyAdmin):
    list_display = ("date", "unit", "kind", "received_by", "published_at", "published_late")
    list_filter = ("kind", "published_late")
    search_fields = ("unit__name", "unit__code", "place")
    list_select_related = ("unit",)
    date_hierarchy = "date"


IDENTITY_FIELDS = ("citizen_name", "identity_number", "address", "representative_names")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    """A denunciation visit's identity is in the vault (not registered here): its page says
    "(giữ bí mật)"; the audited reveal is on the staff visit page."""

    list_display = (
        "ref",
        "unit",
        "received_on",
        "citizen",
        "people",
        "received_by",
        "kind",
        "outcome",
        "answer_due_on",
        "answer",
    )
    list_filter = ("received_by", "kind", "outcome", "answer", "repeat")
    # The identity number is encrypted: it cannot be searched by fragment (see civicdesk.crypto).
    search_fields = ("ref", "citizen_name", "unit__code")
    list_select_related = ("unit",)
    date_hierarchy = "received_on"

    @admin.display(description=_("Citizen"))
    def citizen(self, obj: Visit) -> str:
        return obj.shown_name

    def get_exclude(self, request: HttpRequest, obj: Visit | None = None) -> Any:
        return IDENTITY_FIELDS if obj is not None and obj.is_denunciation else ()

    def get_readonly_fields(self, request: HttpRequest, obj: Visit | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "citizen") if obj is not None and obj.is_denunciation else fields


@admin.register(FollowUpItem)
class FollowUpItemAdmin(ReadOnlyAdmin):
    list_display = ("description", "unit", "owner", "due_on", "status", "done_on")
    list_filter = ("status",)
    list_select_related = ("unit", "owner")


@admin.register(ReceptionEvent)
class ReceptionEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "kind", "actor", "session", "visit", "follow_up", "ip_address")
    list_filter = ("kind",)
    list_select_related = ("actor", "session", "visit", "follow_up")
