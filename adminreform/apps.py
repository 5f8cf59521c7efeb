from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminreformConfig(AppConfig):
    name = "adminreform"
    verbose_name = _("One-stop shop")

    def ready(self) -> None:
        from core import outbox, work

        from .selectors import dossier_work_for
        from .services.notifications import OUTBOX

        outbox.register(OUTBOX)
        work.register(dossier_work_for)
