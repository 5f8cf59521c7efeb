from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Citizen reception")

    def ready(self) -> None:
        from core import outbox, work

        from .selectors import reception_work_for
        from .services.online import OUTBOX

        outbox.register(OUTBOX)
        work.register(reception_work_for)
