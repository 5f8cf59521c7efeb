"""Reception sessions (buổi tiếp), visits (lượt tiếp), follow-up items and their audit trail.

The Visit fields named in CONTRACTS.md (unit, ref, received_on, people, received_by,
kind, repeat, citizen_name, content, petition_ref) are read by the reports app:
never rename them or change their meaning. Everything else is the reception workflow.

A visit of kind denunciation keeps no identity on its row: the citizen's name, identity
number, address and the representatives' names live in `VisitDenouncerIdentity`, encrypted
(the denouncer vault of Luật Tố cáo art. 47), read only through reception.services.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.crypto import BlindIndexField, EncryptedCharField, IndexFamily
from civicdesk.db import AuditEventBase, OutboxBase, TimeStampedModel
from core.choices import PetitionKind
from core.models import Unit

DELEGATION_MIN_PEOPLE = 5
# Luật Tiếp công dân art. 30(1): 5–10 people appoint 1–2 representatives, more than 10 up to 5.
LARGE_DELEGATION_MIN_PEOPLE = 11
ONLINE_RECEPTION_FROM = date(2026, 7, 1)  # Law 136/2025, art. 3a of the amended Luật TCD


class ReceivedBy(models.TextChoices):
    STAFF = "staff", _("Reception staff")
    HEAD = "head", _("The head in person")
    DELEGATE = "delegate", _("Delegated by the head")
    PARTY_SECRETARY = "party_secretary", _("The secretary of the Party committee")
    DEPUTY = "deputy", _("A People's Council deputy")


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Regular desk reception")
    HEAD_PERIODIC = "head_periodic", _("Head's periodic reception day")
    AD_HOC = "ad_hoc", _("Ad-hoc reception")
    ONLINE = "online", _("Online reception")
    DIALOGUE = "dialogue", _("Dialogue conference")


# Sessions at which the head (or a delegate) receives: published on the public schedule.
HEAD_SESSION_KINDS = (SessionKind.HEAD_PERIODIC, SessionKind.AD_HOC, SessionKind.ONLINE, SessionKind.DIALOGUE)
# The sessions that are reception days in the frequency check: a dialogue conference is not
# (Law 136/2025 keeps dialogue and reception apart), whoever chairs it.
RECEPTION_DAY_KINDS = (SessionKind.HEAD_PERIODIC, SessionKind.AD_HOC, SessionKind.ONLINE)
# Whose reception days the frequency check follows: the unit's head always; the secretary of
# its Party committee and its People's Council deputies where the unit records their reception.
FREQUENCY_RECEIVERS = (ReceivedBy.HEAD, ReceivedBy.PARTY_SECRETARY, ReceivedBy.DEPUTY)


class ReceptionSession(TimeStampedModel):
    """One reception session of a unit: a desk day, the head's reception day, a dialogue conference."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reception_sessions")
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices, default=SessionKind.REGULAR)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    received_by = models.CharField(
        _("received by"), max_length=16, choices=ReceivedBy.choices, default=ReceivedBy.STAFF
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiving official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiver_title = models.CharField(_("who receives (as published)"), max_length=200, blank=True)
    topics = models.TextField(_("planned topics"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publish_due_on = models.DateField(_("publish by"), null=True, blank=True)
    publish_rule_id = models.PositiveIntegerField(_("publication rule"), null=True, blank=True)
    published_late = models.BooleanField(_("published late"), default=False)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    issues_raised = models.TextField(_("issues raised"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    # Online reception (Law 136/2025; Decree 154/2026): participants told at least 5 working
    # days ahead, the connection tested at least a working day ahead.
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True, related_name="+"
    )
    participants_notified_at = models.DateTimeField(_("participants notified at"), null=True, blank=True)
    participants_notified_late = models.BooleanField(_("participants notified late"), default=False)
    connection_checked_at = models.DateTimeField(_("connection tested at"), null=True, blank=True)
    connection_ok = models.BooleanField(_("connection works"), null=True, blank=True)
    connection_note = models.TextField(_("connection test note"), blank=True)
    connection_checked_late = models.BooleanField(_("connection tested late"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["unit", "date"], name="rsession_unit_date_idx"),
            models.Index(fields=["date"], name="rsession_published_idx", condition=Q(published_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    @property
    def is_head_session(self) -> bool:
        return self.kind in HEAD_SESSION_KINDS

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class VisitOutcome(models.TextChoices):
    GUIDED = "guided", pgettext_lazy("reception", "Guided to the competent body")
    ANSWERED = "answered", _("Answered on the spot")
    PETITION = "petition", _("Petition received")


class VisitAnswer(models.TextChoices):
    """The four answers of Luật Tiếp công dân art. 28(1)."""

    ACCEPTED = "accepted", _("Accepted for resolution")
    EXTENDED = "extended", _("Acceptance review extended")
    REFUSED = "refused", _("Not accepted (refused)")
    FORWARDED = "forwarded", _("Forwarded to the competent body")


FINAL_ANSWERS = (VisitAnswer.ACCEPTED, VisitAnswer.REFUSED, VisitAnswer.FORWARDED)
# The answer a visit owes (Luật TCD art. 28(1)): any of the four until a final one is given;
# "review extended" may be followed by the final answer.
ANSWER_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset(VisitAnswer.values),
    VisitAnswer.EXTENDED: frozenset(VisitAnswer.values),
    **{answer: frozenset() for answer in FINAL_ANSWERS},
}


class Visit(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="visits")
    ref = models.CharField(_("reference"), max_length=40)
    received_on = models.DateField(_("received on"))
    people = models.PositiveIntegerField(_("people"), default=1)
    received_by = models.CharField(
        _("received by"), max_length=16, choices=ReceivedBy.choices, default=ReceivedBy.STAFF
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices, blank=True)
    repeat = models.BooleanField(_("repeat matter"), default=False)
    citizen_name = models.CharField(_("citizen name"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)
    petition_ref = models.CharField(_("petition reference"), max_length=40, blank=True)

    # --- reception workflow (not part of the import contract) ---
    session = models.ForeignKey(
        ReceptionSession,
        verbose_name=pgettext_lazy("reception", "session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    # Encrypted at rest; looked up through its blind index (civicdesk.crypto).
    identity_number = EncryptedCharField(_("identity document number"), max_length=20, blank=True)
    identity_number_index = BlindIndexField(source="identity_number", family=IndexFamily.VISITOR)
    address = models.CharField(_("address"), max_length=300, blank=True)
    earlier_handling = models.CharField(_("body that handled it before"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=VisitOutcome.choices, blank=True)
    guided_to = models.CharField(_("guided or forwarded to"), max_length=300, blank=True)
    representatives = models.PositiveSmallIntegerField(_("representatives"), null=True, blank=True)
    representative_names = models.CharField(_("representatives' names"), max_length=500, blank=True)
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeat of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    answer_rule_id = models.PositiveIntegerField(_("answer deadline rule"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=VisitAnswer.choices, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_note = models.TextField(_("answer note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="visit_unique_ref")]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="visit_unit_received_idx"),
            # Partial: visits without a number (imported rows) cost this index nothing.
            models.Index(
                fields=["identity_number_index"], name="visit_id_index_idx", condition=~Q(identity_number_index="")
            ),
            models.Index(
                fields=["answer_due_on"],
                name="visit_answer_open_idx",
                condition=Q(answer_due_on__isnull=False) & ~Q(answer__in=["accepted", "refused", "forwarded"]),
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_delegation(self) -> bool:
        return self.people >= DELEGATION_MIN_PEOPLE

    @property
    def is_denunciation(self) -> bool:
        return self.kind == PetitionKind.DENUNCIATION

    @property
    def shown_name(self) -> str:
        """The citizen's name as pages, books and exports show it: a denouncer's is kept secret."""
        return str(KEPT_SECRET) if self.is_denunciation else self.citizen_name

    @property
    def awaits_answer(self) -> bool:
        return self.answer_due_on is not None and self.answer not in FINAL_ANSWERS

    @property
    def result(self) -> "ForwardedResult | None":
        """The competent body's result on a forwarded visit, once recorded."""
        try:
            return self.forwarded_result
        except ObjectDoesNotExist:
            return None


KEPT_SECRET = _("(kept secret)")


class VisitDenouncerIdentity(TimeStampedModel):
    """The identity of a citizen who came to denounce (name, identity number, address, the
    representatives' names), apart from the visit and encrypted at rest (Fernet, key
    settings.FIELD_ENCRYPTION_KEY). Opened only by the audited reveal (reception.services)."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="denouncer")
    ciphertext = models.TextField(editable=False)
    # Blind index of the identity number in the reception denouncers' family: the person's own
    # data request finds it; it matches no other table's index.
    identity_index = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("denouncer identity at reception")
        verbose_name_plural = _("denouncer identities at reception")
        indexes = [
            models.Index(fields=["identity_index"], name="visit_denouncer_index_idx", condition=~Q(identity_index=""))
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}"


class NoticeChannel(models.TextChoices):
    """How the citizen was told the result of a forwarded matter."""

    IN_PERSON = "in_person", pgettext_lazy("citizen notice", "In person")
    LETTER = "letter", pgettext_lazy("citizen notice", "By letter")
    PHONE = "phone", pgettext_lazy("citizen notice", "By phone")
    EMAIL = "email", pgettext_lazy("citizen notice", "By e-mail")
    SMS = "sms", pgettext_lazy("citizen notice", "By SMS")


class ForwardedResult(TimeStampedModel):
    """The result of a matter forwarded at reception (a visit answered "forwarded"), as the
    competent body sent it back, and the notice owed to the citizen: within 5 working days of
    the result's arrival (rule `reception.notify_forwarded_result`, Luật TCD art. 27(2), 28(2))
    when the citizen asked to be told; otherwise no deadline runs, and a notice may still be
    recorded. One per visit; a denouncer's identity never appears in its texts."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="forwarded_result")
    received_on = models.DateField(_("result received on"))
    body = models.CharField(_("competent body"), max_length=300)
    summary = models.TextField(_("what the result says"))
    citizen_asked = models.BooleanField(_("the citizen asked to be told"), default=True)
    notice_due_on = models.DateField(_("citizen to be told by"), null=True, blank=True)
    notice_rule_id = models.PositiveIntegerField(_("notice deadline rule"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_on = models.DateField(_("citizen told on"), null=True, blank=True)
    notice_channel = models.CharField(
        pgettext_lazy("citizen notice", "channel"), max_length=10, choices=NoticeChannel.choices, blank=True
    )
    notice_text = models.TextField(_("what the citizen was told"), blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("result of a forwarded matter")
        verbose_name_plural = _("results of forwarded matters")
        indexes = [
            models.Index(
                fields=["notice_due_on"],
                name="forwarded_notice_owed_idx",
                condition=Q(notice_due_on__isnull=False, notified_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.received_on:%d/%m/%Y}"

    @property
    def notice_owed(self) -> bool:
        return self.notice_due_on is not None and self.notified_on is None

    @property
    def notified_late(self) -> bool:
        return bool(self.notice_due_on and self.notified_on and self.notified_on > self.notice_due_on)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up", "Open")
    DONE = "done", _("Done")


FOLLOW_UP_TRANSITIONS: dict[str, frozenset[str]] = {
    FollowUpStatus.OPEN: frozenset({FollowUpStatus.DONE}),
    FollowUpStatus.DONE: frozenset(),
}


class FollowUpItem(TimeStampedModel):
    """A conclusion of a session that someone must carry out by a date."""

    session = models.ForeignKey(
        ReceptionSession,
        verbose_name=pgettext_lazy("reception", "session"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("conclusion to carry out"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["unit", "status", "due_on"], name="followup_unit_status_idx")]

    def __str__(self) -> str:
        return self.description[:60]


class DialogueConference(TimeStampedModel):
    """A dialogue conference (hội nghị đối thoại) the unit's head held with citizens: entered by
    the desk or imported (`import_records dialogues`), counted in the reports."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dialogues")
    ref = models.CharField(_("reference"), max_length=40)
    held_on = models.DateField(_("held on"))
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dialogue conference")
        verbose_name_plural = _("dialogue conferences")
        ordering = ["-held_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "ref"], name="dialogue_unique_ref")]
        indexes = [models.Index(fields=["unit", "held_on"], name="dialogue_unit_held_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.held_on:%d/%m/%Y}"


def recording_path(instance: "SessionRecording", filename: str) -> str:
    # A random name: the file name may carry personal data.
    return f"reception/recordings/{instance.session.date:%Y/%m}/{uuid.uuid4().hex}"


class SessionRecording(TimeStampedModel):
    """The audio and video recording of an online reception session (Decree 154/2026): a file
    uploaded here, or the address where it is kept on the state's servers. Kept for
    settings.CIVICDESK_RECORDING_KEEP_DAYS after the session (`purge_expired`); each download is
    an audit event, for the unit's staff only."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="recordings")
    file = models.FileField(_("file"), upload_to=recording_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    mime = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    link = models.URLField(_("address where it is kept"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("session recording")
        verbose_name_plural = _("session recordings")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="recording_file_or_link", condition=~Q(file="", link="") & (Q(file="") | Q(link=""))
            )
        ]

    def __str__(self) -> str:
        return self.original_name or self.link


class ReceptionEvent(AuditEventBase):
    class Kind(models.TextChoices):
        SESSION_SCHEDULED = "session_scheduled", _("Session scheduled")
        SESSION_UPDATED = "session_updated", _("Session updated")
        SESSION_PUBLISHED = "session_published", _("Session published")
        VISIT_LOGGED = "visit_logged", _("Visit logged")
        VISIT_MARKED_REPEAT = "visit_marked_repeat", _("Visit marked as repeat")
        VISIT_PETITION_CREATED = "visit_petition_created", _("Petition created from visit")
        VISIT_ANSWERED = "visit_answered", _("Visit answered")
        FORWARDED_RESULT_RECORDED = "forwarded_result_recorded", _("Forwarded matter: result recorded")
        CITIZEN_NOTIFIED = "citizen_notified", _("Forwarded matter: citizen told the result")
        IDENTITY_REVEALED = "identity_revealed", _("Denouncer identity opened")
        IDENTITY_REVEAL_REFUSED = "identity_reveal_refused", _("Denouncer identity: opening refused")
        FOLLOW_UP_CREATED = "follow_up_created", _("Follow-up item created")
        FOLLOW_UP_DONE = "follow_up_done", _("Follow-up item done")
        DIALOGUE_RECORDED = "dialogue_recorded", _("Dialogue conference recorded")
        PARTICIPANTS_NOTIFIED = "participants_notified", _("Online session: participants notified")
        CONNECTION_CHECKED = "connection_checked", _("Online session: connection tested")
        RECORDING_ADDED = "recording_added", _("Online session: recording attached")
        RECORDING_OPENED = "recording_opened", _("Online session: recording downloaded or opened")

    session = models.ForeignKey(
        ReceptionSession, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    follow_up = models.ForeignKey(FollowUpItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    dialogue = models.ForeignKey(
        DialogueConference, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta(AuditEventBase.Meta):
        verbose_name = _("reception event")
        verbose_name_plural = _("reception events")


class ReceptionMessage(OutboxBase):
    """The reception outbox (core.outbox): an e-mail to an official written in the same
    transaction as the change it announces (an online session's notice), sent once after commit."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="receptionmessage_unique_dedupe_key")]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"
