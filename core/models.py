"""Shared tables: administrative units, memberships and roles, the working-day
calendar, deadline rules, and the audit log of changes made to them."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.db import AuditEventBase, TimeStampedModel
from civicdesk.workdays import DayKind, RuleSpec

from .legal import legal_basis_text

unit_code_validator = RegexValidator(r"^[A-Za-z0-9_-]{1,20}$", _("Use up to 20 letters, digits, '-' or '_'."))


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


LEVEL_RANK = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Province (tỉnh)")
    CENTRAL_CITY = "thanh_pho_tw", _("Centrally-run city")
    URBAN_DISTRICT = "quan", _("Urban district (quận)")
    RURAL_DISTRICT = "huyen", _("Rural district (huyện)")
    TOWN = "thi_xa", _("Town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho", _("Provincial city")
    WARD = "phuong", _("Ward (phường)")
    COMMUNE = "xa", _("Commune (xã)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")
    TOWNSHIP = "thi_tran", _("Township (thị trấn)")


class Unit(TimeStampedModel):
    """An administrative unit in the effective-dated tree.

    `path` is the materialised chain of codes from the top (`/01/00004/`): the
    whole subtree of a unit is one indexed prefix match, which reports use over
    thousands of units. Only services write it.
    """

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("predecessors"), symmetrical=False, blank=True, related_name="successors"
    )
    is_remote = models.BooleanField(
        _("remote or difficult area"),
        default=False,
        help_text=_("Longer complaint resolution limits apply (Luật Khiếu nại art. 28, 37)."),
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="unit_path_prefix_idx", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(
                name="unit_valid_range",
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class UnitEvent(AuditEventBase):
    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        IMPORTED = "imported", _("Imported")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events")

    class Meta(AuditEventBase.Meta):
        verbose_name = _("unit event")


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    HANDLER = "handler", _("Handler")
    HEAD = "head", _("Head")
    LEADER_VIEWER = "leader_viewer", _("Leader (dashboards)")
    INSPECTOR = "inspector", _("Inspector")
    ADMIN = "admin", _("Administrator")


class Membership(TimeStampedModel):
    """A role for a user in a unit and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class MembershipEvent(AuditEventBase):
    class Kind(models.TextChoices):
        GRANTED = "granted", pgettext_lazy("membership", "Granted")
        REVOKED = "revoked", pgettext_lazy("membership", "Revoked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)


class PersonalDataExportEvent(AuditEventBase):
    """Every export of a person's data on request (core.services.personal_data_export): who,
    when, why, how many records of each kind. The person appears only as the blind index of
    their identity number, never the number itself."""

    class Kind(models.TextChoices):
        EXPORTED = "exported", _("Personal data exported")

    subject_index = models.CharField(_("identity number (blind index)"), max_length=64, db_index=True)

    class Meta(AuditEventBase.Meta):
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        permissions = [("export_personal_data", _("Can export a person's data on request"))]


class AccountEvent(AuditEventBase):
    """A change a staff member makes to their own login (S6): two-step login turned on or off,
    password changed. `user` is whose account; `actor` who did it (the same person, from the
    account pages). No secret is ever recorded."""

    class Kind(models.TextChoices):
        SECOND_FACTOR_ON = "second_factor_on", _("Two-step login turned on")
        SECOND_FACTOR_OFF = "second_factor_off", _("Two-step login turned off")
        PASSWORD_CHANGED = "password_changed", _("Password changed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(AuditEventBase.Meta):
        verbose_name = _("account event")
        verbose_name_plural = _("account events")


class CalendarDay(TimeStampedModel):
    """An exception to the national calendar entered by an administrator:
    an extra day off, or a make-up working day (usually a Saturday)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class DeadlineRule(TimeStampedModel):
    """A statutory limit, effective-dated and editable, with its legal basis.

    `code` names the step (`petition.classify`, `complaint.first.resolve`…);
    several rows may share a code over different periods of validity.
    An `amount` of None defers to other data (a procedure's processing time).
    """

    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    amount = models.PositiveIntegerField(_("amount"), null=True, blank=True)
    day_kind = models.CharField(
        _("counted in"),
        max_length=16,
        choices=[(DayKind.CALENDAR_DAYS.value, _("calendar days")), (DayKind.WORKING_DAYS.value, _("working days"))],
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="deadline_rule_unique_start"),
            models.CheckConstraint(
                name="deadline_rule_valid_range",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.valid_from:%d/%m/%Y})"

    @property
    def legal_basis_display(self) -> str:
        """The legal basis in the reader's language ("Điều 9 Luật Khiếu nại")."""
        return legal_basis_text(self.legal_basis)

    def as_spec(self) -> RuleSpec:
        return RuleSpec(
            code=self.code,
            amount=self.amount or 0,
            day_kind=DayKind(self.day_kind),
            legal_basis=self.legal_basis,
            rule_id=self.pk,
        )


class SmsReceipt(TimeStampedModel):
    """What an SMS provider said about one message (core.sms.BrandnameSmsBackend): its id for
    the message when it took it, then the delivery report it sent back. `request_id` names the
    outbox row ("petitions.notification#12"); no phone number or text is kept here."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted by the provider")
        DELIVERED = "delivered", _("Delivered to the phone")
        FAILED = "failed", _("Not delivered")

    request_id = models.CharField(_("request id"), max_length=120)
    message_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    error = models.CharField(_("provider's error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("SMS receipt")
        verbose_name_plural = _("SMS receipts")
        constraints = [models.UniqueConstraint(fields=["request_id"], name="smsreceipt_unique_request")]
        indexes = [models.Index(fields=["message_id"], name="smsreceipt_message_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} ({self.status})"


def held_upload_path(instance: HeldUpload, filename: str) -> str:
    # A random name: the citizen's file name may itself carry personal data.
    return f"held/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}"


class HeldUpload(models.Model):
    """A file a citizen chose on a public form that came back with an error elsewhere: kept,
    checked, against the form's idempotency key, so that it need not be chosen again. The
    filing takes it over; what is never filed is deleted after a day (core.retention)."""

    key = models.CharField(_("form key"), max_length=64, db_index=True)
    # The form's file field it was chosen in (a dossier has one per paper); empty for a form
    # with a single field for all its files.
    field = models.CharField(_("form field"), max_length=40, blank=True, default="")
    file = models.FileField(_("file"), upload_to=held_upload_path)
    original_name = models.CharField(_("file name"), max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("file kept for a form")
        verbose_name_plural = _("files kept for forms")

    def __str__(self) -> str:
        return f"{self.key}: {self.original_name}"
