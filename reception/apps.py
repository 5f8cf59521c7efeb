from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Citizen reception")

    def ready(self) -> None:
        from core import outbox

        from .services.online import OUTBOX

        outbox.register(OUTBOX)
