"""Compiled reports: the figures of one unit (and its subtree) over one period, stored.

A compilation is a version: recompiling never overwrites, it adds version n+1, so what
a leader published stays as published (frozen) and the differences can be shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.db import AuditEventBase, OutboxBase, TimeStampedModel
from core.models import Unit


class ReportKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Six months")
    NINE_MONTHS = "nine_months", _("Nine months")
    YEAR = "year", _("Year")
    RANGE = "range", _("Any range")


class ReportConvention(models.TextChoices):
    CALENDAR = "calendar", _("Calendar months")
    OFFICIAL = "official", _("Official cut-off (15th to 14th, Decree 09/2019)")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# A compiled draft is published once, and a published report never changes again.
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.PUBLISHED}),
    ReportStatus.PUBLISHED: frozenset(),
}


class CompileState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be compiled")
    RUNNING = "running", _("Compiling")
    DONE = "done", _("Compiled")
    FAILED = "failed", _("Failed")


class CompiledReport(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="compiled_reports")
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    kind = models.CharField(_("period kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.RANGE)
    convention = models.CharField(
        _("cut-off convention"), max_length=10, choices=ReportConvention.choices, default=ReportConvention.CALENDAR
    )
    version = models.PositiveIntegerField(pgettext_lazy("record", "version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    state = models.CharField(_("compilation"), max_length=10, choices=CompileState.choices, default=CompileState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    previous_figures = models.JSONField(_("figures of the same period last year"), default=dict, blank=True)
    children = models.JSONField(_("figures of the units below"), default=list, blank=True)
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("compiled report")
        verbose_name_plural = _("compiled reports")
        ordering = ["unit__path", "-period_to", "-version"]
        constraints = [
            # Two beat processes, or two leaders clicking at once, cannot make the same version twice.
            models.UniqueConstraint(
                fields=["unit", "period_from", "period_to", "version"], name="report_unique_version"
            ),
            models.CheckConstraint(
                name="report_period_order", condition=models.Q(period_to__gte=models.F("period_from"))
            ),
        ]
        indexes = [models.Index(fields=["unit", "period_from", "period_to"], name="report_unit_period_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_from:%d/%m/%Y}–{self.period_to:%d/%m/%Y} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def is_pending(self) -> bool:
        return self.state in (CompileState.QUEUED, CompileState.RUNNING)


class CompiledReportEvent(AuditEventBase):
    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Compilation requested")
        COMPILED = "compiled", _("Compiled")
        FAILED = "failed", _("Compilation failed")
        PUBLISHED = "published", _("Published")

    report = models.ForeignKey(CompiledReport, on_delete=models.PROTECT, related_name="events")

    class Meta(AuditEventBase.Meta):
        verbose_name = _("report event")
        verbose_name_plural = _("report events")


class ReportNotice(OutboxBase):
    """The reports outbox (core.outbox): the e-mail telling a unit's head that the scheduled
    draft of a closed period is compiled, written in the transaction that stores the figures."""

    report = models.ForeignKey(CompiledReport, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="report_notice_unique_dedupe_key")]

    def __str__(self) -> str:
        return f"report {self.report_id} → user {self.user_id}"
