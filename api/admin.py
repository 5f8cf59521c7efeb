"""The administrator issues a system's key here: the key's text is shown once, in a message,
and only its digest is stored; a key is revoked by the "Revoke" action (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ratelimit import client_ip

from . import services
from .models import ApiKey, ApiKeyEvent, PortalSync, WebhookDelivery, WebhookSubscription


class ApiKeyEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApiKeyEvent
    fields = ("occurred_at", "kind", "actor", "data", "ip_address", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-occurred_at",)
    max_num = 0


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "prefix", "unit", "scope", "issued_by", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "unit__name", "unit__code")
    fields = ("name", "unit", "scope", "rate_per_minute")
    raw_id_fields = ("unit",)
    actions = ("revoke_keys",)
    inlines = (ApiKeyEventInline,)

    def get_inline_instances(self, request: HttpRequest, obj: ApiKey | None = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("name", "unit", "scope", "prefix", "issued_by", "last_used_at", "last_used_ip", "revoked_at")

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "unit", "scope", "rate_per_minute")
        return (
            "name",
            "unit",
            "scope",
            "rate_per_minute",
            "prefix",
            "issued_by",
            "last_used_at",
            "last_used_ip",
            "revoked_at",
        )

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            ApiKey.objects.filter(pk=obj.pk).update(rate_per_minute=obj.rate_per_minute)
            return
        key, raw = services.api_key_issue(
            name=obj.name,
            unit=obj.unit,
            scope=obj.scope,
            rate_per_minute=obj.rate_per_minute,
            actor=request.user,  # type: ignore[arg-type]
            ip_address=client_ip(request) or None,
        )
        obj.pk = key.pk
        messages.warning(
            request,
            _("The key for %(name)s is %(key)s. Copy it now and give it to the system: it is not shown again.")
            % {"name": key.name, "key": raw},
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            services.api_key_revoke(key=key, actor=request.user, ip_address=client_ip(request) or None)  # type: ignore[arg-type]
        self.message_user(request, _("The keys were revoked."))


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A system's webhook: its signing secret is shown once, when it is added."""

    list_display = ("url", "api_key", "active", "created_at")
    list_filter = ("active",)
    raw_id_fields = ("api_key",)
    # An address typed without its scheme is taken as https://, the only one a webhook accepts.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fields(self, request: HttpRequest, obj: WebhookSubscription | None = None) -> tuple[str, ...]:
        return ("api_key", "url") if obj is None else ("api_key", "url", "active")

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookSubscription | None = None) -> tuple[str, ...]:
        return () if obj is None else ("api_key", "url")

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        subscription, secret = services.webhook_subscribe(key=obj.api_key, url=obj.url, actor=request.user)  # type: ignore[arg-type]
        obj.pk = subscription.pk
        messages.warning(
            request,
            _("The signing secret of this webhook is %(secret)s. Give it to the system now: it is not shown again.")
            % {"secret": secret},
        )

    def has_delete_permission(self, request: HttpRequest, obj: WebhookSubscription | None = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The delivery log: each change sent to each webhook, its attempts and the last answer."""

    list_display = ("pk", "subscription", "event", "created_at", "sent_at", "attempts", "last_status")
    list_filter = ("event",)
    readonly_fields = (
        "subscription",
        "event",
        "payload",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_response",
        "last_error",
    )
    fields = readonly_fields
    actions = ("replay",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Send the selected deliveries again"))
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset.select_related("subscription__api_key__unit"):
            services.webhook_replay(delivery=delivery, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("The deliveries were queued again."))


@admin.register(PortalSync)
class PortalSyncAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What was pushed to the public-service portal, its attempts and the portal's last answer."""

    list_display = ("dedupe_key", "dossier", "created_at", "sent_at", "attempts", "last_status")
    readonly_fields = (
        "dossier",
        "dedupe_key",
        "payload",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_response",
        "last_error",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PortalSync | None = None) -> bool:
        return False
