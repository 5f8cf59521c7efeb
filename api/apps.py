from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Connected systems")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core import outbox, workflow

        from . import fastpath
        from .models import ApiKey, WebhookSubscription
        from .services import portal, webhooks

        outbox.register(webhooks.OUTBOX)
        outbox.register(portal.OUTBOX)
        workflow.on_record(webhooks.queue_status_change)
        workflow.on_record(portal.queue_dossier_change)
        workflow.on_record(fastpath.feedback_changed)
        for model in (WebhookSubscription, ApiKey):
            post_save.connect(webhooks.forget_subscriptions, sender=model, dispatch_uid=f"api_forget_{model.__name__}")
