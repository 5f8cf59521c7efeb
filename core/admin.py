from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CalendarDay, DeadlineRule, Membership, MembershipEvent, SmsReceipt, Unit, UnitEvent
from .services import UnitRow, membership_grant, membership_revoke, units_upsert


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows are shown, never edited or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditLogAdmin(ReadOnlyAdmin):
    """The generic read-only page core gives any audit model whose app registered none."""

    list_display = ("occurred_at", "kind", "from_status", "to_status", "actor", "ip_address")
    list_filter = ("kind",)
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "kind", "parent", "valid_from", "valid_to", "is_remote")
    list_filter = ("level", "kind", "is_remote")
    search_fields = ("name", "code")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)
    filter_horizontal = ("predecessors",)
    list_select_related = ("parent",)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        # Through the service, so the path of the subtree and the audit event stay right.
        units_upsert(
            rows=[
                UnitRow(
                    obj.code,
                    obj.name,
                    obj.level,
                    obj.parent.code if obj.parent else "",
                    obj.kind,
                    obj.valid_from,
                    obj.valid_to,
                )
            ],
            actor=request.user,  # type: ignore[arg-type]  # admin users are authenticated
            source="admin",
        )
        saved = Unit.objects.get(code=obj.code)
        if saved.is_remote != obj.is_remote:
            Unit.objects.filter(pk=saved.pk).update(is_remote=obj.is_remote)
        obj.pk, obj.path = saved.pk, saved.path
        obj._state.adding = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "user__last_name", "unit__name", "unit__code")
    autocomplete_fields = ("unit", "user")
    list_select_related = ("user", "unit")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            old = Membership.objects.get(pk=obj.pk)
            membership_revoke(membership=old, actor=request.user, reason="changed in admin")  # type: ignore[arg-type]
        saved = membership_grant(user=obj.user, unit=obj.unit, role=obj.role, actor=request.user, reason="admin")  # type: ignore[arg-type]
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(membership=obj, actor=request.user, reason="deleted in admin")  # type: ignore[arg-type]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "amount", "day_kind", "valid_from", "valid_to", "legal_basis")
    list_filter = ("day_kind",)
    search_fields = ("code", "name", "legal_basis")


@admin.register(UnitEvent)
class UnitEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "unit", "kind", "actor")
    list_filter = ("kind",)


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "user", "unit", "role", "kind", "actor")
    list_filter = ("kind", "role")


@admin.register(SmsReceipt)
class SmsReceiptAdmin(admin.ModelAdmin):
    """What the SMS provider said about each message: read only (written by core.sms)."""

    list_display = ("request_id", "message_id", "status", "error", "updated_at")
    list_filter = ("status",)
    search_fields = ("request_id", "message_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
