"""Procedures (thủ tục hành chính) and one-stop dossiers (hồ sơ).

The fields named in CONTRACTS.md are the minimum every other part relies on;
the adminreform app builds its workflow on top.
"""

import uuid
from datetime import date, time

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.crypto import BlindIndexField, EncryptedCharField, EncryptedEmailField, IndexFamily
from civicdesk.db import AuditEventBase, OutboxBase, TimeStampedModel
from core.models import Unit, UnitLevel

from .pins import pin_digest


class OnlineService(models.TextChoices):
    NONE = "none", _("Not online")
    PARTLY = "partly", _("Partly online (một phần)")
    FULLY = "fully", _("Fully online (toàn trình)")


class Procedure(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=400)
    field = models.CharField(_("field"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    processing_days = models.PositiveIntegerField(_("processing time (working days)"))
    online_service = models.CharField(
        _("online service"), max_length=8, choices=OnlineService.choices, default=OnlineService.NONE
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    fee = models.PositiveIntegerField(_("fee (VND)"), default=0)
    fee_note = models.CharField(_("fee note"), max_length=300, blank=True)
    # The name folded to ASCII lower case ("dang ky khai sinh"): search with or without diacritics.
    search_text = models.CharField(_("search text"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DossierChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class DossierOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# --- catalogue details ------------------------------------------------------------------


class ProcedureDocument(models.Model):
    """One paper the applicant must bring (thành phần hồ sơ), in the catalogue's order."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("document"), max_length=400)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return self.name


# --- the dossier's lifecycle --------------------------------------------------------------


class DossierStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("dossier", "Received")
    IN_PROCESSING = "in_processing", pgettext_lazy("dossier", "In processing")
    SUPPLEMENT_REQUESTED = "supplement_requested", pgettext_lazy("dossier", "Supplement requested")
    RESUBMITTED = "resubmitted", pgettext_lazy("dossier", "Supplement received")
    RESULT_READY = "result_ready", pgettext_lazy("dossier", "Result ready")
    RETURNED = "returned", pgettext_lazy("dossier", "Result returned")
    REFUSED = "refused", pgettext_lazy("dossier", "Refused")
    STOPPED = "stopped", pgettext_lazy("dossier", "Processing stopped")
    WITHDRAWN = "withdrawn", pgettext_lazy("dossier", "Withdrawn")


S = DossierStatus
# The whole lifecycle on one screen (Decree 118/2025; Decree 61/2018 art. 17–21).
# Services enforce it; templates only read it. IN_PROCESSING → IN_PROCESSING is a transfer.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED, S.RESULT_READY, S.REFUSED, S.STOPPED, S.WITHDRAWN}),
    S.IN_PROCESSING: frozenset(
        {S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED, S.RESULT_READY, S.REFUSED, S.STOPPED, S.WITHDRAWN}
    ),
    S.SUPPLEMENT_REQUESTED: frozenset({S.RESUBMITTED, S.STOPPED, S.WITHDRAWN}),
    S.RESUBMITTED: frozenset({S.IN_PROCESSING, S.RESULT_READY, S.REFUSED, S.STOPPED, S.WITHDRAWN}),
    S.RESULT_READY: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
    S.REFUSED: frozenset(),
    S.STOPPED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
OPEN_STATUSES: tuple[str, ...] = (S.RECEIVED, S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED, S.RESUBMITTED, S.RESULT_READY)
# Statuses in which the clock runs: waiting for the applicant's supplement does not count.
CLOCK_STATUSES: tuple[str, ...] = (S.RECEIVED, S.IN_PROCESSING, S.RESUBMITTED)


class Timing(models.TextChoices):
    EARLY = "early", pgettext_lazy("dossier", "Early")
    ON_TIME = "on_time", pgettext_lazy("dossier", "On time")
    LATE = "late", pgettext_lazy("dossier", "Late")
    IN_TIME = "in_time", pgettext_lazy("dossier", "In time")
    OVERDUE = "overdue", pgettext_lazy("dossier", "Overdue")


# A file received after this hour of a working day goes to processing at the start of the next
# working day, and its time limit counts from that day (Decree 61/2018 art. 18(2)).
AFTER_HOURS = time(15, 0)


class SatisfactionScore(models.IntegerChoices):
    VERY_SATISFIED = 3, _("Very satisfied")
    SATISFIED = 2, _("Satisfied")
    NOT_SATISFIED = 1, _("Not satisfied")


class DossierWorkflow(models.Model):
    """The workflow columns of a dossier, declared apart from the contract fields
    (CONTRACTS.md) that `Dossier` keeps as they are: the reports app reads those."""

    status = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices, default=S.RECEIVED)
    version = models.PositiveIntegerField(pgettext_lazy("record", "version"), default=1)
    applicant_name = models.CharField(_("applicant"), max_length=200, blank=True)
    # Contacts encrypted at rest, each with a blind index for exact search (civicdesk.crypto).
    applicant_phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    applicant_phone_index = BlindIndexField(source="applicant_phone", family=IndexFamily.APPLICANT_PHONE)
    applicant_email = EncryptedEmailField(_("e-mail"), blank=True)
    applicant_email_index = BlindIndexField(source="applicant_email", family=IndexFamily.APPLICANT_EMAIL)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    # Encrypted at rest; looked up through its blind index (civicdesk.crypto).
    applicant_id_number = EncryptedCharField(_("identity number"), max_length=20, blank=True)
    applicant_id_number_index = BlindIndexField(source="applicant_id_number", family=IndexFamily.APPLICANT)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        "auth.User",
        verbose_name=pgettext_lazy("dossier", "received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handling_unit = models.ForeignKey(
        Unit,
        verbose_name=_("processing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
    )
    assignee = models.ForeignKey(
        "auth.User", verbose_name=_("handler"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_rule_id = models.PositiveIntegerField(_("deadline rule"), null=True, blank=True)
    clock_started_on = models.DateField(_("clock started on"), null=True, blank=True)
    supplement_requested_on = models.DateField(_("supplement requested on"), null=True, blank=True)
    supplement_missing = models.JSONField(_("missing documents"), default=list, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    apology_sent_on = models.DateField(_("apology sent on"), null=True, blank=True)
    apology_new_due_on = models.DateField(_("new appointment date"), null=True, blank=True)
    apology_reason = models.TextField(_("reason for the delay"), blank=True)
    due_warning_sent_at = models.DateTimeField(_("due-date warning sent at"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    result_note = models.CharField(_("result"), max_length=300, blank=True)
    # The lookup PIN's keyed digest (adminreform.pins); the PIN itself is never stored.
    lookup_pin_digest = models.CharField(_("lookup PIN digest"), max_length=90, blank=True, editable=False)
    rating_score = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=SatisfactionScore.choices, null=True, blank=True
    )
    rating_visits = models.PositiveSmallIntegerField(_("times the applicant came"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def lookup_pin(self) -> str:
        """The PIN just issued (`dossier_receive`, `dossier_reissue_pin`), to show once; ''
        on a dossier read from the database: only its digest is stored."""
        return self.__dict__.get("_issued_pin", "")

    @lookup_pin.setter
    def lookup_pin(self, pin: str) -> None:
        self.__dict__["_issued_pin"] = pin
        self.lookup_pin_digest = pin_digest(pin)


class Dossier(DossierWorkflow, TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dossiers")
    ref = models.CharField(_("dossier code"), max_length=40)
    received_on = models.DateField(_("received on"))
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=DossierChannel.choices, default=DossierChannel.COUNTER
    )
    due_on = models.DateField(_("due on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=DossierOutcome.choices, default=DossierOutcome.GRANTED
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="dossier_unique_ref")]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="dossier_unit_received_idx"),
            models.Index(fields=["unit", "resolved_on"], name="dossier_unit_resolved_idx"),
            # The drill-through lists of resolved dossiers (reports.drill, bench P8): the newest
            # first, read until a page is full, instead of sorting a whole period's rows.
            models.Index(
                fields=["-resolved_on", "-id"],
                name="dossier_resolved_recent_idx",
                condition=models.Q(resolved_on__isnull=False),
            ),
            models.Index(fields=["ref"], name="dossier_ref_idx"),
            models.Index(fields=["due_on"], name="dossier_open_due_idx", condition=models.Q(status__in=OPEN_STATUSES)),
            # The open list of one unit, in its order, read in two parts (adminreform.selectors.
            # dossier_open_list_of_unit): the unit's own dossiers and those it handles.
            models.Index(
                fields=["unit", "due_on", "ref", "id"],
                name="dossier_open_unit_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["handling_unit", "due_on", "ref", "id"],
                name="dossier_open_handling_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # Partial: dossiers without a number (every imported row) cost this index nothing.
            models.Index(
                fields=["applicant_id_number_index"],
                name="dossier_id_index_idx",
                condition=~models.Q(applicant_id_number_index=""),
            ),
            models.Index(
                fields=["applicant_phone_index"],
                name="dossier_phone_index_idx",
                condition=~models.Q(applicant_phone_index=""),
            ),
            models.Index(
                fields=["applicant_email_index"],
                name="dossier_email_index_idx",
                condition=~models.Q(applicant_email_index=""),
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def can_transition_to(self, target: str) -> bool:
        return target in TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def counted_from_next_day(self) -> bool:
        """Received after 15:00 on a working day, so its time limit counts from the next working
        day, `clock_started_on` (Decree 61/2018 art. 18(2); rule `dossier.after_hours`)."""
        return (
            self.received_at is not None
            and self.clock_started_on is not None
            and self.clock_started_on > self.received_on
            and timezone.localtime(self.received_at).time() > AFTER_HOURS
        )

    @property
    def appointment_on(self) -> date:
        """The date the applicant is told to come: the apology's new date once there is one."""
        return self.apology_new_due_on or self.due_on

    def timing_on(self, today: date) -> str:
        """Early / on time / late once resolved, in time / overdue while open: from the dates,
        never typed. An apologised dossier counts as late (Decree 61/2018 art. 19)."""
        if self.resolved_on is not None:
            if self.apology_sent_on is not None or self.resolved_on > self.due_on:
                return Timing.LATE
            return Timing.EARLY if self.resolved_on < self.due_on else Timing.ON_TIME
        if self.apology_sent_on is not None or today > self.due_on:
            return Timing.OVERDUE
        return Timing.IN_TIME


def dossier_document_path(instance: "DossierDocument", filename: str) -> str:
    """A random name: the citizen's file name may itself carry personal data, and is kept
    nowhere (the download is named after the procedure's paper)."""
    return f"dossiers/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"


class DossierDocument(models.Model):
    """A paper received with the dossier: at the counter (checked against the catalogue)
    or uploaded with an online submission."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents")
    required = models.ForeignKey(
        ProcedureDocument,
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("document"), max_length=400)
    file = models.FileField(_("file"), upload_to=dossier_document_path, blank=True)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class HandoverStep(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("dossier", "Received")
    ASSIGNED = "assigned", pgettext_lazy("dossier", "Assigned")
    TRANSFERRED = "transferred", pgettext_lazy("dossier", "Transferred")
    RESULT_READY = "result_ready", pgettext_lazy("dossier", "Result ready")
    RETURNED = "returned", pgettext_lazy("dossier", "Result returned")


class Handover(models.Model):
    """One line of the process-control slip (Mẫu 06, TT 03/2025/TT-VPCP): who handed the
    dossier to whom, between which units, and when."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="handovers")
    handed_at = models.DateTimeField(_("handed over at"), default=timezone.now)
    step = models.CharField(_("step"), max_length=40, choices=HandoverStep.choices)
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_user = models.ForeignKey(
        "auth.User", verbose_name=_("handed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        "auth.User",
        verbose_name=pgettext_lazy("dossier", "received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["handed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.step} {self.handed_at:%d/%m/%Y %H:%M}"


class IntakeNotice(models.Model):
    """A counter slip that is not a dossier: the supplement request (Mẫu 02) for an
    incomplete file, or the refusal to accept (Mẫu 03) with its reasons."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Supplement request (Mẫu 02)")
        REFUSAL = "refusal", _("Refusal to accept (Mẫu 03)")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey("auth.User", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    missing = models.JSONField(_("missing documents"), default=list, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)

    class Meta:
        verbose_name = _("intake notice")
        verbose_name_plural = _("intake notices")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.applicant_name}"


class DossierEvent(AuditEventBase):
    class Kind(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("dossier", "Received")
        ASSIGNED = "assigned", pgettext_lazy("dossier", "Assigned")
        TRANSFERRED = "transferred", pgettext_lazy("dossier", "Transferred")
        SUPPLEMENT_REQUESTED = "supplement_requested", pgettext_lazy("dossier", "Supplement requested")
        RESUBMITTED = "resubmitted", pgettext_lazy("dossier", "Supplement received")
        APOLOGISED = "apologised", pgettext_lazy("dossier", "Apology sent")
        RESULT_READY = "result_ready", pgettext_lazy("dossier", "Result ready")
        RETURNED = "returned", pgettext_lazy("dossier", "Result returned")
        REFUSED = "refused", pgettext_lazy("dossier", "Refused")
        STOPPED = "stopped", pgettext_lazy("dossier", "Processing stopped")
        WITHDRAWN = "withdrawn", pgettext_lazy("dossier", "Withdrawn")
        RATED = "rated", pgettext_lazy("dossier", "Rated")
        DUE_WARNING = "due_warning", pgettext_lazy("dossier", "Due-date warning")
        PIN_REISSUED = "pin_reissued", pgettext_lazy("dossier", "Lookup PIN reissued")

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="events")

    @property
    def kind_label(self) -> str:
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind

    class Meta(AuditEventBase.Meta):
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")


class IntakeNoticeEvent(AuditEventBase):
    """The audit trail of counter slips that are not dossiers (Mẫu 02, Mẫu 03): who issued
    which, when and from which address."""

    class Kind(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("intake notice", "Issued")

    notice = models.ForeignKey(
        IntakeNotice, verbose_name=_("intake notice"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(AuditEventBase.Meta):
        verbose_name = _("intake notice event")
        verbose_name_plural = _("intake notice events")


class DossierNotification(OutboxBase):
    """The one-stop shop's outbox (core.outbox): an e-mail or SMS to the applicant, written in
    the transaction of the change it announces (receipt, supplement request, result ready,
    apology), sent once after commit (services.notifications). The applicant's address is read
    from the dossier at send time: no contact data is copied here."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    template = models.CharField(max_length=40)
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("message to the applicant")
        verbose_name_plural = _("messages to applicants")
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="dossiernotification_unique_dedupe")]
        indexes = [
            models.Index(
                fields=["created_at"], name="dossiernotification_unsent_idx", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"
