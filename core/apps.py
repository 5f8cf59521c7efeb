from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Units, people and calendar")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from . import audit, checks, collation, retention, search, security_log, two_factor  # noqa: F401 - checks, search and the SQLite collation register themselves
        from .models import CalendarDay, DeadlineRule, Unit
        from .selectors import reference_changed

        # post_migrate is sent for every app at the end of `migrate`, when every table
        # exists: one receiver, for core, covers the audit tables of all the apps.
        post_migrate.connect(audit.install_triggers_after_migrate, sender=self, dispatch_uid="core-audit-triggers")
        user_locked_out.connect(security_log.log_lockout, dispatch_uid="core-log-lockout")
        user_logged_in.connect(two_factor.enrolment_due_at_login, dispatch_uid="core-second-factor-enrolment")
        retention.register_core_rules()
        # Deadlines and the public units are read from a per-process copy (core.selectors).
        for model in (CalendarDay, DeadlineRule, Unit):
            for signal in (post_save, post_delete):
                signal.connect(reference_changed, sender=model, dispatch_uid=f"core-reference-{model.__name__}")
        audit_admin_autoregister()


def audit_admin_autoregister() -> None:
    """Give every audit model a read-only admin page if its app registered none."""
    from django.contrib import admin

    from .admin import AuditLogAdmin
    from .audit import audit_models

    for model in audit_models():
        if not admin.site.is_registered(model):
            admin.site.register(model, AuditLogAdmin)
