"""Petitions (đơn) and cases (vụ việc).

The fields named in CONTRACTS.md (import columns and report definitions) are the
minimum every other part relies on; the petitions app builds its workflow on top.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from civicdesk.crypto import BlindIndexField, EncryptedCharField, EncryptedEmailField, IndexFamily
from civicdesk.db import AuditEventBase, OutboxBase, TimeStampedModel
from core.choices import PetitionKind
from core.models import DeadlineRule, Unit

from .choices import Discipline, RepeatGround, Result, ReviewOutcome, Step

# The decision figures' table is declared beside the fields' choices; imported here to be a model.
from .execution import DecisionExecution as DecisionExecution
from .figures import DecisionFigures as DecisionFigures
from .figures import PetitionField


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("Post")
    FORWARDED = "forwarded", _("Forwarded by another body")


class FeedbackCategory(models.TextChoices):
    """What a feedback (phản ánh) is about: the Open311 facade's services (docs/interop.md)."""

    ROADS = "roads", _("Roads and pavements")
    LIGHTING = "lighting", _("Street lighting")
    WASTE = "waste", _("Waste and sanitation")
    DRAINAGE = "drainage", _("Drainage and flooding")
    TREES = "trees", _("Trees and green spaces")
    ORDER = "order", _("Public order and encroachment")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted (thụ lý)")
    REFUSED = "refused", _("Refused")
    GUIDED = "guided", _("Guided to the competent body")
    TRANSFERRED = "transferred", _("Transferred")
    URGED = "urged", _("Urged")
    FILED = "filed", _("Filed away")
    NO_ACTION = "no_action", _("No action")


# --- workflow -------------------------------------------------------------------------


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("petition", "Received")
    CLASSIFIED = "classified", _("Classified")
    ACCEPTED = "accepted", _("Accepted, being resolved")
    SUSPENDED = "suspended", _("Suspended")
    RESOLVED = "resolved", _("Resolved")
    REFUSED = "refused", _("Refused")
    GUIDED = "guided", _("Guided to the competent body")
    TRANSFERRED = "transferred", _("Transferred")
    URGED = "urged", _("Urged")
    FILED = "filed", _("Filed away")
    NO_ACTION = "no_action", _("No action")


S = PetitionStatus
# The whole lifecycle on one screen. Services enforce it; templates only read it.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.CLASSIFIED}),
    S.CLASSIFIED: frozenset(
        {S.CLASSIFIED, S.ACCEPTED, S.REFUSED, S.GUIDED, S.TRANSFERRED, S.URGED, S.FILED, S.NO_ACTION}
    ),
    S.ACCEPTED: frozenset({S.SUSPENDED, S.RESOLVED}),
    S.SUSPENDED: frozenset({S.ACCEPTED, S.RESOLVED}),
    S.RESOLVED: frozenset(),
    S.REFUSED: frozenset(),
    S.GUIDED: frozenset(),
    S.TRANSFERRED: frozenset(),
    S.URGED: frozenset(),
    S.FILED: frozenset(),
    S.NO_ACTION: frozenset(),
}
OPEN_STATUSES = (S.RECEIVED, S.CLASSIFIED, S.ACCEPTED, S.SUSPENDED)
# Statuses whose deadline is running (a suspension stops the clock).
CLOCK_STATUSES = (S.RECEIVED, S.CLASSIFIED, S.ACCEPTED)
# The two parts of the official's queue (both indexed, partial): rows whose clock runs with a
# deadline, and open rows without a running deadline.
QUEUE_DATED = Q(status__in=CLOCK_STATUSES, due_on__isnull=False)
QUEUE_UNDATED = Q(status=S.SUSPENDED) | Q(status__in=CLOCK_STATUSES, due_on__isnull=True)
# What the Open311 facade lists: feedback with a tracking code (its service_request_id).
OPEN311_LISTED = Q(kind=PetitionKind.FEEDBACK, tracking_code__isnull=False)
# Classification outcome -> the status it leads to (CONTRACTS.md outcome codes).
OUTCOME_STATUS: dict[str, str] = {
    Outcome.ACCEPTED: S.ACCEPTED,
    Outcome.REFUSED: S.REFUSED,
    Outcome.GUIDED: S.GUIDED,
    Outcome.TRANSFERRED: S.TRANSFERRED,
    Outcome.URGED: S.URGED,
    Outcome.FILED: S.FILED,
    Outcome.NO_ACTION: S.NO_ACTION,
}


class Case(TimeStampedModel):
    """Petitions about the same matter: N petitions, one case."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="petition_cases")
    ref = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices)
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="case_unique_ref")]

    def __str__(self) -> str:
        return self.ref


# Where a petition came from, as the system writes it (a word, not a sentence): shown in the
# reader's language. Anything else is what an official typed.
SYSTEM_SOURCES = {
    "reception": pgettext_lazy("petition source", "Citizen reception"),
    "import": pgettext_lazy("petition source", "Imported"),
    "demo": pgettext_lazy("petition source", "Demo data"),
}


class Petition(TimeStampedModel):
    # No index of its own: petition_unique_ref (unit, ref) leads with it.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="petitions", db_index=False
    )
    ref = models.CharField(_("reference"), max_length=40)
    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.POST)
    signers = models.PositiveIntegerField(_("signers"), default=1)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    over_level = models.BooleanField(_("over level"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    competent = models.BooleanField(_("within competence"), null=True, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="petitions"
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # Lĩnh vực (figures.PetitionField), recorded at classification or imported; empty: not recorded.
    field = models.CharField(_("field"), max_length=20, choices=PetitionField.choices, blank=True)

    # --- workflow (migration 0002) ---
    status = models.CharField(_("status"), max_length=16, choices=PetitionStatus.choices, default=S.RECEIVED)
    version = models.PositiveIntegerField(pgettext_lazy("record", "version"), default=1)
    content = models.TextField(_("content"), blank=True)
    respondent = models.CharField(
        _("person, body or decision concerned"),
        max_length=300,
        blank=True,
        help_text=_("The decision or act complained of, or the person and violation denounced."),
    )
    # Identity of the petitioner. Empty for denunciations: theirs lives in the encrypted vault.
    petitioner_name = models.CharField(_("petitioner's name"), max_length=200, blank=True)
    petitioner_id_number = EncryptedCharField(_("identity document number"), max_length=20, blank=True)
    petitioner_address = models.CharField(_("address"), max_length=300, blank=True)
    # Contacts encrypted at rest, each with a blind index for exact search (civicdesk.crypto).
    petitioner_phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    petitioner_phone_index = BlindIndexField(source="petitioner_phone", family=IndexFamily.PETITIONER_PHONE)
    petitioner_email = EncryptedEmailField(_("e-mail"), blank=True)
    petitioner_email_index = BlindIndexField(source="petitioner_email", family=IndexFamily.PETITIONER_EMAIL)
    # Blind index (civicdesk.crypto.blind_index) of the identity number for every kind, the
    # denouncer's included: finds duplicates without decrypting anything.
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Folded (no diacritics, lower case) text for search; never holds a denouncer's identity.
    search_text = models.TextField(blank=True, editable=False)
    # Classification axes.
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    has_originals = models.BooleanField(_("original documents attached"), default=False)
    originals_returned_on = models.DateField(_("originals returned on"), null=True, blank=True)
    complex = models.BooleanField(_("complex case"), default=False)
    multi_place = models.BooleanField(_("verification at several places"), default=False)
    complaint_round = models.PositiveSmallIntegerField(_("complaint round"), default=1)
    discipline = models.CharField(
        _("complaint against a disciplinary decision"), max_length=12, choices=Discipline.choices, blank=True
    )
    # A complaint whose matter a court has already judged (02/XLD "đã có bản án"; Luật Khiếu nại art. 11).
    court_judgment = models.BooleanField(_("a court judgment already exists"), default=False)
    # A repeated denunciation (tố cáo tiếp, Luật Tố cáo art. 37, 38) and the earlier one it is about.
    repeat_ground = models.CharField(
        _("repeated denunciation"), max_length=12, choices=RepeatGround.choices, blank=True
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("earlier denunciation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_petition = models.ForeignKey(
        "self",
        verbose_name=_("first-time complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="second_complaints",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("split from"), null=True, blank=True, on_delete=models.PROTECT, related_name="parts"
    )
    # Same value across a transfer chain: the same content is transferred only once.
    content_key = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("transferred from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    outcome_unit = models.ForeignKey(
        Unit,
        verbose_name=_("transferred or guided to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_body = models.CharField(_("competent body"), max_length=300, blank=True)
    outcome_reason = models.TextField(_("reasons"), blank=True)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The running step's deadline, stored with the rule that produced it; kept when the
    # petition closes (the deadline it had); it runs only in CLOCK_STATUSES.
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    due_rule = models.ForeignKey(
        DeadlineRule,
        verbose_name=_("deadline rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    classify_due_on = models.DateField(_("classification deadline"), null=True, blank=True)
    classify_rule = models.ForeignKey(
        DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    result_note = models.TextField(_("decision or conclusion"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    # Public tracking: a random code and a secret stored only as a keyed digest (petitions.text).
    tracking_code = models.CharField(_("tracking code"), max_length=12, null=True, blank=True)
    tracking_secret_hash = models.CharField(max_length=200, blank=True, editable=False)
    # A filing's idempotency key and the browser (or account) that sent it, both stored as
    # keyed digests (petitions.text.idempotency_digest): a repeated submit from the same
    # browser gets its petition back; the same key from anywhere else gets nothing.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    idempotency_owner = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Each reminder and escalation goes once per deadline: the deadline it went for.
    reminded_due_on = models.DateField(null=True, blank=True, editable=False)
    escalated_due_on = models.DateField(null=True, blank=True, editable=False)
    # Complaints: limitation period (Luật Khiếu nại art. 9; 2nd time art. 33), from the day the
    # complainant received or learned of the decision or act (or of the 1st-time decision).
    decision_known_on = models.DateField(
        _("decision received or known on"),
        null=True,
        blank=True,
        help_text=_("The day the complainant received or learned of the decision or act complained of."),
    )
    limitation_due_on = models.DateField(_("last day to complain"), null=True, blank=True, editable=False)
    limitation_rule = models.ForeignKey(
        DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    force_majeure_reason = models.TextField(
        _("force majeure"),
        blank=True,
        help_text=_("Illness, natural disaster, travel for work or study far away or another objective obstacle."),
    )
    # What the complainant wrote when filing after the limitation period seemed to have passed:
    # kept for the official, who alone records a force majeure (above).
    late_reason = models.TextField(_("complainant's reason for complaining late"), blank=True)
    # Feedback only: what it is about and where (a map on the filing form, or typed; Open311).
    category = models.CharField(_("category"), max_length=12, choices=FeedbackCategory.choices, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_address = models.CharField(_("place"), max_length=300, blank=True)
    # Retention (lưu đơn kept 1 year): the day the personal data of a filed-away petition was removed.
    purged_on = models.DateField(_("personal data removed on"), null=True, blank=True, editable=False)

    # Set by the service that created the petition, never stored: shown to the citizen once.
    tracking_secret: str = ""

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        # The codes and keys are only ever compared whole: unique constraints, not unique=True,
        # which on PostgreSQL adds a second (LIKE) index that every insert would also write.
        constraints = [
            models.UniqueConstraint(fields=["unit", "ref"], name="petition_unique_ref"),
            models.UniqueConstraint(fields=["tracking_code"], name="petition_unique_tracking_code"),
            models.UniqueConstraint(fields=["idempotency_key"], name="petition_unique_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="petition_unit_received_idx"),
            # A report's count of the same period last year over a whole subtree (petitions.stats):
            # one range of dates read from the index, the unit with it, not every petition (P6).
            models.Index(fields=["received_on", "unit"], name="petition_received_unit_idx"),
            models.Index(fields=["id_number_digest"], name="petition_id_digest_idx"),
            models.Index(
                fields=["petitioner_phone_index"],
                name="petition_phone_index_idx",
                condition=~Q(petitioner_phone_index=""),
            ),
            models.Index(
                fields=["petitioner_email_index"],
                name="petition_email_index_idx",
                condition=~Q(petitioner_email_index=""),
            ),
            models.Index(fields=["status", "due_on"], name="petition_status_due_idx"),
            # The official's queue read in ordered parts (petitions.selectors.queue_page_of_unit):
            # the rows whose clock runs, by deadline, and the rest (suspended, or no deadline
            # yet), newest first. Each part of a page is one range scan with a LIMIT.
            models.Index(
                fields=["unit", "due_on", "-received_on", "-id"],
                name="petition_queue_dated_idx",
                condition=QUEUE_DATED,
            ),
            models.Index(
                fields=["unit", "-received_on", "-id"],
                name="petition_queue_undated_idx",
                condition=QUEUE_UNDATED,
            ),
            # The Open311 list (api/views/open311.py): feedback with a tracking code (its
            # service_request_id), newest first. Every answer is one range scan of it, stopped
            # at its page; a status or service filter reads the rows it skips (P10).
            models.Index(
                fields=["-received_on", "-id"],
                name="petition_open311_recent_idx",
                condition=OPEN311_LISTED,
            ),
            # The map of feedback (petitions.feedback_map): located feedback, newest first.
            models.Index(
                fields=["-received_on", "-id"],
                name="petition_feedback_map_idx",
                condition=Q(kind=PetitionKind.FEEDBACK, latitude__isnull=False, longitude__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def source_display(self) -> str:
        """Where it came from, in the reader's language."""
        return str(SYSTEM_SOURCES.get(self.source, self.source))

    @property
    def is_crowd(self) -> bool:
        return self.signers >= 5

    @property
    def is_denunciation(self) -> bool:
        return self.kind == PetitionKind.DENUNCIATION

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def filed_on(self) -> date:
        """The day the citizen's petition was first received: before a transfer, at the unit
        that transferred it (a petition is transferred once at most)."""
        return self.transferred_from.received_on if self.transferred_from_id else self.received_on

    @property
    def filed_out_of_time(self) -> bool:
        """A complaint received after its limitation period, with no force majeure recorded."""
        return (
            self.kind == PetitionKind.COMPLAINT
            and self.limitation_due_on is not None
            and self.filed_on > self.limitation_due_on
            and not self.force_majeure_reason.strip()
        )

    @property
    def closed_in_time(self) -> bool | None:
        """Whether a closed petition was closed on or before the deadline it kept (the running
        step's when it closed, extensions and suspensions included); None while open or when
        it had no deadline."""
        if self.is_open or self.resolved_on is None or self.due_on is None:
            return None
        return self.resolved_on <= self.due_on

    def can_transition_to(self, target: str) -> bool:
        return target in TRANSITIONS[self.status]

    @property
    def pseudonym(self) -> str:
        """What a handler without the reveal permission sees instead of a denouncer's name."""
        return f"Người tố cáo {self.ref}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"pk": self.pk})


class DenouncerIdentity(TimeStampedModel):
    """A denouncer's identity and contact data, apart from the petition and encrypted at rest
    (Fernet, key settings.FIELD_ENCRYPTION_KEY). Read only through petitions.services."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="denouncer")
    ciphertext = models.TextField(editable=False)

    class Meta:
        verbose_name = _("denouncer identity")
        verbose_name_plural = _("denouncer identities")
        default_permissions = ()


class IdentityRevealGrant(TimeStampedModel):
    """The explicit permission to open denouncers' identities in a unit (and the units below it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("decision or note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("identity reveal permission")
        verbose_name_plural = _("identity reveal permissions")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="reveal_grant_unique")]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the citizen's file name may itself carry personal data.
    return f"petitions/{instance.petition.received_on:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(TimeStampedModel):
    MAX_FILES = 5
    MAX_BYTES = 10 * 1024 * 1024

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # The signed reply letter the handler attached when resolving (the citizen downloads it from
    # the tracking page), not a document the citizen sent.
    is_reply = models.BooleanField(_("reply letter"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class RevealGrantEvent(AuditEventBase):
    """Who gave or took away the permission to open denouncers' identities, in which unit, when
    and why (Luật Tố cáo art. 47: who may know a denouncer is itself a record)."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Permission to open denouncers' identities given")
        REVOKED = "revoked", _("Permission to open denouncers' identities taken away")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    class Meta(AuditEventBase.Meta):
        verbose_name = _("reveal permission event")
        verbose_name_plural = _("reveal permission events")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.unit_id}: {self.kind}"


class PetitionEvent(AuditEventBase):
    class Kind(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("petition", "Received")
        CLASSIFIED = "classified", _("Classified")
        SPLIT = "split", _("Split into several petitions")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        GUIDED = "guided", _("Guided")
        TRANSFERRED = "transferred", _("Transferred")
        TRANSFER_RECEIVED = "transfer_received", _("Received by transfer")
        URGED = "urged", _("Urged")
        URGE_ANSWERED = "urge_answered", _("The unit urged answered")
        FILED = "filed", _("Filed away")
        NO_ACTION = "no_action", _("No action")
        ORIGINALS_RETURNED = "originals_returned", _("Original documents returned")
        ASSIGNED = "assigned", _("Assigned")
        EXTENDED = "extended", _("Deadline extended")
        SUSPENDED = "suspended", _("Suspended")
        RESUMED = "resumed", _("Resumed")
        RESOLVED = "resolved", _("Resolved")
        FIGURES_RECORDED = "figures_recorded", _("Decision figures recorded")
        EXECUTION_RECORDED = "execution_recorded", _("Execution of the decision recorded")
        LINKED_FIRST = "linked_first", _("Linked to the first-time complaint")
        REPEAT_MARKED = "repeat_marked", _("Marked as a repeated denunciation")
        REPEAT_STEP = "repeat_step", _("Repeated denunciation: step recorded")
        GROUPED = "grouped", _("Grouped into a case")
        IDENTITY_REVEALED = "identity_revealed", _("Denouncer identity opened")
        # Someone without the grant asked for the identity or a document that may show it.
        IDENTITY_REVEAL_REFUSED = "identity_reveal_refused", _("Denouncer identity: opening refused")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Denunciation document downloaded")
        REMINDED = "reminded", _("Deadline reminder sent")
        ESCALATED = "escalated", _("Overdue, escalated to the head")
        IMPORTED = "imported", _("Imported from a register")
        NOTIFIED = "notified", _("Denouncer notified")
        PUBLISHED = "published", _("Conclusion published")
        PURGED = "purged", _("Personal data removed after the retention period")

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")

    class Meta(AuditEventBase.Meta):
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.kind}"

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label) if self.kind in self.Kind.values else self.kind

    @property
    def deadline_note(self) -> str:
        """How the event moved or met the deadline, from its data, for the timeline: an extension
        or a resumption moves it (from → to), a suspension stops it, a closing keeps it."""
        data = self.data or {}

        def day(key: str) -> str:
            value = data.get(key)
            return date.fromisoformat(value).strftime("%d/%m/%Y") if isinstance(value, str) and value else ""

        if self.kind in (self.Kind.EXTENDED, self.Kind.RESUMED) and day("from") and day("to"):
            return gettext("Deadline %(old)s → %(new)s") % {"old": day("from"), "new": day("to")}
        if self.kind == self.Kind.SUSPENDED and day("due_on"):
            return gettext("Deadline %(day)s, clock stopped") % {"day": day("due_on")}
        if day("due_on") and "late" in data:
            text = gettext("after the time limit") if data["late"] else gettext("within the time limit")
            return gettext("Deadline %(day)s: %(met)s") % {"day": day("due_on"), "met": text}
        return ""


class Duty(models.TextChoices):
    """Duties with a statutory limit that run beside the petition's own step: a denunciation's
    notices and publication, a 1st-time complaint decision's sending."""

    NOTIFY_ACCEPTANCE = "notify_acceptance", _("Notify the denouncer of the acceptance")
    NOTIFY_SUSPENSION = "notify_suspension", _("Send the suspension decision to the denouncer and the denounced")
    NOTIFY_CONCLUSION = "notify_conclusion", _("Notify the denouncer of the conclusion")
    SEND_DECISION = "send_decision", _("Send the first-time decision to the complainant and the parties")
    PUBLISH_CONCLUSION = "publish_conclusion", _("Publish the conclusion")
    REVIEW_REPEAT = "review_repeat", _("Review the repeated denunciation")
    REQUEST_REPORT = "request_report", _("Ask the resolver to report on the delay")
    DELAY_REPORT = "delay_report", _("The resolver's report on the delay")


# Duty -> the deadline rule code that sets its limit.
DUTY_RULES: dict[str, str] = {
    Duty.NOTIFY_ACCEPTANCE: "denunciation.notify_acceptance",
    Duty.NOTIFY_SUSPENSION: "denunciation.notify_suspension",
    Duty.NOTIFY_CONCLUSION: "denunciation.notify_conclusion",
    Duty.SEND_DECISION: "complaint.send_decision",
    Duty.PUBLISH_CONCLUSION: "denunciation.publish_conclusion",
    Duty.REVIEW_REPEAT: "denunciation.repeat.review",
    Duty.REQUEST_REPORT: "denunciation.overdue.request_report",
    Duty.DELAY_REPORT: "denunciation.overdue.report",
}
# The steps of a repeated denunciation (Luật Tố cáo art. 37, 38), recorded with an outcome.
REPEAT_DUTIES = (Duty.REVIEW_REPEAT, Duty.REQUEST_REPORT, Duty.DELAY_REPORT)


class PetitionDuty(models.Model):
    """A stored deadline for a duty (notify the denouncer, publish the conclusion), with the rule
    that produced it; done when the official records it (who, when, how)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="duties")
    duty = models.CharField(_("duty"), max_length=24, choices=Duty.choices)
    start = models.DateField(_("counted from"))
    due_on = models.DateField(_("deadline"))
    rule = models.ForeignKey(DeadlineRule, verbose_name=_("deadline rule"), on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("how it was done"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    # What was published: never the denouncer's identity (the service refuses it).
    published_text = models.TextField(_("published text"), blank=True)
    reminded_due_on = models.DateField(null=True, blank=True, editable=False)
    escalated_due_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("petition duty")
        verbose_name_plural = _("petition duties")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["petition", "duty"], name="petition_duty_unique")]
        indexes = [models.Index(fields=["due_on"], name="duty_pending_idx", condition=Q(done_on__isnull=True))]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.duty}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class PetitionCounter(models.Model):
    """Per unit and year, the last register number given (locked while numbering)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="petition_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Notification(OutboxBase):
    """The petitions outbox (core.outbox): an e-mail or SMS written in the same transaction as
    the change it announces, sent once after commit (services.notifications)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # A staff recipient; empty means the petitioner, whose address is read at send time
    # (so that a denouncer's contact data never leaves the vault).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    template = models.CharField(max_length=40)
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="notification_unique_dedupe_key")]
        indexes = [
            models.Index(fields=["created_at"], name="notification_unsent_idx", condition=Q(sent_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"


# Urging requests (đôn đốc) live in their own module; imported here so Django finds the model.
