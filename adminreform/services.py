"""Every write of the one-stop shop: intake, processing, lateness, return, rating.

Each service is atomic, locks the dossier, checks the transition table
(`models.TRANSITIONS`), mutates, writes one `DossierEvent` (and a `Handover`
line of the process-control slip, Mẫu 06, when the dossier changes hands) and
enqueues its side effects after commit. Deadlines come from the effective-dated
rules in core (`dossier.resolve`, `dossier.supplement_request`, `dossier.apology`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from civicdesk.workdays import next_working_day, subtract_working_days
from core.models import Unit
from core.selectors import calendar_around, deadline_for, deadline_rule_in_force, work_calendar
from core.uploads import validate_upload

from .models import (
    OPEN_STATUSES,
    Dossier,
    DossierChannel,
    DossierDocument,
    DossierEvent,
    DossierOutcome,
    DossierStatus,
    Handover,
    IntakeNotice,
    IntakeNoticeEvent,
    OnlineService,
    Procedure,
    ProcedureDocument,
    SatisfactionScore,
)
from .text import fold

S = DossierStatus
K = DossierEvent.Kind

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_MIME_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}


# --- catalogue -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    name: str
    field: str
    level: str
    processing_days: int
    fee: int
    online_service: str
    valid_from: date | None
    valid_to: date | None
    documents: tuple[str, ...]


@transaction.atomic
def procedure_upsert_many(*, rows: Sequence[ProcedureRow]) -> tuple[int, int]:
    """Create or update the procedures of a catalogue file and replace their document lists.

    Returns (created, updated). Bulk writes: a few queries whatever the size.
    """
    codes = [r.code for r in rows]
    existing = set(Procedure.objects.filter(code__in=codes).values_list("code", flat=True))
    Procedure.objects.bulk_create(
        [
            Procedure(
                code=r.code,
                name=r.name,
                field=r.field,
                level=r.level,
                processing_days=r.processing_days,
                fee=r.fee,
                online_service=r.online_service,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                search_text=fold(f"{r.code} {r.name} {r.field}"),
            )
            for r in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "field",
            "level",
            "processing_days",
            "fee",
            "online_service",
            "valid_from",
            "valid_to",
            "search_text",
            "updated_at",
        ],
    )
    ids = dict(Procedure.objects.filter(code__in=codes).values_list("code", "id"))
    ProcedureDocument.objects.filter(procedure_id__in=ids.values()).delete()
    ProcedureDocument.objects.bulk_create(
        [
            ProcedureDocument(procedure_id=ids[r.code], position=i, name=name)
            for r in rows
            for i, name in enumerate(r.documents, start=1)
        ]
    )
    return len(set(codes) - existing), len(existing)


# --- helpers -------------------------------------------------------------------------


def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(_("This dossier was changed by someone else. Reload it and try again."))
    return locked


def _guard(dossier: Dossier, target: str) -> None:
    if not dossier.can_transition_to(target):
        raise InvalidTransition(
            _("Dossier %(ref)s cannot go from “%(from)s” to “%(to)s”.")
            % {"ref": dossier.ref, "from": dossier.get_status_display(), "to": S(target).label}
        )


def _event(
    dossier: Dossier,
    *,
    kind: str,
    actor: User | None,
    from_status: str,
    reason: str = "",
    data: dict[str, str | int | list[str] | None] | None = None,
    ip_address: str | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=dossier.status,
        reason=reason,
        data=data or {},
        ip_address=ip_address,
    )


def _save(dossier: Dossier, fields: list[str]) -> None:
    dossier.version = F("version") + 1  # compare-and-set counter
    dossier.save(update_fields=[*fields, "version", "updated_at"])
    dossier.refresh_from_db(fields=["version"])


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _action_day(dossier: Dossier, on: date | None) -> date:
    """The day an action takes effect: today unless given (imports, tests). Never before the
    dossier was received: no resolution, supplement or new clock can precede the receipt."""
    day = _today(on)
    if day < dossier.received_on:
        raise DomainError(
            _("%(day)s is before the dossier was received (%(received)s).")
            % {"day": day.strftime("%d/%m/%Y"), "received": dossier.received_on.strftime("%d/%m/%Y")}
        )
    return day


def _next_ref(unit: Unit, on: date) -> str:
    """`<unit code>-<yymmdd>-<nnnn>`: unique, readable on the phone, not guessable alone
    (the lookup also needs the PIN). The unit row is locked so two counters never clash."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    prefix = f"{unit.code}-{on:%y%m%d}-"
    taken = Dossier.objects.filter(unit=unit, ref__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


# --- intake --------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    id_number: str = ""


def missing_documents(*, procedure: Procedure, received: Sequence[ProcedureDocument]) -> list[ProcedureDocument]:
    """The mandatory documents of `procedure` not among `received`, in catalogue order."""
    got = {d.pk for d in received}
    return [d for d in procedure.documents.all() if d.mandatory and d.pk not in got]


def attachment_validate(upload: UploadedFile) -> str:
    """The file's real MIME type, judged by its content (not its name): PDF, JPEG, PNG,
    DOC or DOCX of at most 10 MB, with no script, macro or embedded program (the checks
    of `core.uploads`, shared by every upload). Raises DomainError otherwise."""
    try:
        return validate_upload(upload, max_bytes=MAX_ATTACHMENT_BYTES)
    except DomainError:
        raise
    except ValidationError as exc:
        raise DomainError(exc.messages, code=exc.code) from exc


@transaction.atomic
def dossier_receive(
    *,
    unit: Unit,
    procedure: Procedure,
    applicant: Applicant,
    documents: Sequence[ProcedureDocument],
    actor: User | None,
    channel: str = DossierChannel.COUNTER,
    received_on: date | None = None,
    attachments: Sequence[tuple[ProcedureDocument | None, UploadedFile]] = (),
    ip_address: str | None = None,
) -> Dossier:
    """Accept a complete dossier: a unique code, a lookup PIN and the due date in working
    days (`dossier.resolve` with the procedure's processing time, across Tết and make-up
    Saturdays). Writes the dossier, its documents, a RECEIVED event and the first line of
    the process-control slip. Raises DomainError when a mandatory document is missing
    (issue the supplement request instead) or an attachment is not acceptable."""
    if not applicant.name.strip():
        raise DomainError(_("Enter the applicant's name."))
    missing = missing_documents(procedure=procedure, received=documents)
    if missing:
        raise DomainError(
            _("The file is incomplete: %(missing)s. Issue a supplement request instead.")
            % {"missing": "; ".join(d.name for d in missing)}
        )
    if channel == DossierChannel.ONLINE and procedure.online_service == OnlineService.NONE:
        raise DomainError(_("This procedure is not offered online."))
    checked = [(req, upload, attachment_validate(upload)) for req, upload in attachments]
    on = _today(received_on)
    deadline = deadline_for(code="dossier.resolve", start=on, amount=procedure.processing_days)
    dossier = Dossier.objects.create(
        unit=unit,
        ref=_next_ref(unit, on),
        received_on=on,
        received_at=timezone.now(),
        received_by=actor,
        procedure=procedure,
        channel=channel,
        due_on=deadline.due_on,
        due_rule_id=deadline.rule.rule_id,
        clock_started_on=on,
        handling_unit=unit,
        applicant_name=applicant.name.strip(),
        applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(),
        applicant_address=applicant.address.strip(),
        applicant_id_number=applicant.id_number.strip(),
        lookup_pin=_new_pin(),
    )
    DossierDocument.objects.bulk_create(
        [
            DossierDocument(dossier=dossier, required=d, name=d.name, received_on=on)
            for d in documents
            if d.pk not in {req.pk for req, _upload, _mime in checked if req is not None}
        ]
    )
    for req, upload, mime in checked:
        DossierDocument.objects.create(
            dossier=dossier,
            required=req,
            name=req.name if req else (upload.name or ""),
            file=upload,
            content_type=mime,
            received_on=on,
        )
    Handover.objects.create(dossier=dossier, step=K.RECEIVED, to_unit=unit, from_user=None, to_user=actor)
    _event(
        dossier,
        kind=K.RECEIVED,
        actor=actor,
        from_status="",
        data={"channel": channel, "due_on": deadline.due_on.isoformat(), "rule_id": deadline.rule.rule_id},
        ip_address=ip_address,
    )
    return dossier


@transaction.atomic
def intake_notice_issue(
    *,
    unit: Unit,
    procedure: Procedure,
    applicant: Applicant,
    kind: str,
    documents: Sequence[ProcedureDocument] = (),
    reasons: str = "",
    actor: User,
    ip_address: str | None = None,
) -> IntakeNotice:
    """The counter's answer when the file is not accepted: the supplement request (Mẫu 02)
    lists every missing document at once; the refusal (Mẫu 03) states its reasons.
    Writes an ISSUED `IntakeNoticeEvent` (who, when, what, from which address)."""
    if not applicant.name.strip():
        raise DomainError(_("Enter the applicant's name."))
    missing: list[str] = []
    if kind == IntakeNotice.Kind.SUPPLEMENT:
        missing = [d.name for d in missing_documents(procedure=procedure, received=documents)]
        if not missing and not reasons.strip():
            raise DomainError(_("Nothing is missing: say what must be completed, or accept the dossier."))
    elif not reasons.strip():
        raise DomainError(pgettext("dossier", "A refusal must give its reasons."))
    notice = IntakeNotice.objects.create(
        unit=unit,
        procedure=procedure,
        kind=kind,
        issued_by=actor,
        applicant_name=applicant.name.strip(),
        applicant_phone=applicant.phone.strip(),
        missing=missing,
        reasons=reasons.strip(),
    )
    IntakeNoticeEvent.objects.create(
        notice=notice,
        actor=actor,
        kind=IntakeNoticeEvent.Kind.ISSUED,
        to_status=kind,
        reason=notice.reasons,
        data={"procedure": procedure.code, "missing": missing},
        ip_address=ip_address,
    )
    return notice


# --- processing ----------------------------------------------------------------------


@transaction.atomic
def dossier_assign(
    *,
    dossier: Dossier,
    assignee: User,
    actor: User,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Hand the dossier to the official who processes it (Mẫu 06 line)."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.IN_PROCESSING)
    from_status, from_user = dossier.status, dossier.assignee or actor
    dossier.status, dossier.assignee = S.IN_PROCESSING, assignee
    _save(dossier, ["status", "assignee"])
    Handover.objects.create(
        dossier=dossier,
        step=K.ASSIGNED,
        from_unit=dossier.handling_unit,
        to_unit=dossier.handling_unit,
        from_user=from_user,
        to_user=assignee,
    )
    _event(
        dossier,
        kind=K.ASSIGNED,
        actor=actor,
        from_status=from_status,
        data={"assignee_id": assignee.pk},
        ip_address=ip_address,
    )
    return dossier


@transaction.atomic
def dossier_transfer(
    *,
    dossier: Dossier,
    to_unit: Unit,
    actor: User,
    to_user: User | None = None,
    note: str = "",
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Send the dossier to another unit or level (liên thông). Logs the hand-over and its
    time on the process-control slip (Mẫu 06)."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.IN_PROCESSING)
    if to_unit.pk == dossier.handling_unit_id:
        raise DomainError(_("The dossier is already with this unit."))
    from_status, from_unit = dossier.status, dossier.handling_unit
    dossier.status, dossier.handling_unit, dossier.assignee = S.IN_PROCESSING, to_unit, to_user
    _save(dossier, ["status", "handling_unit", "assignee"])
    Handover.objects.create(
        dossier=dossier,
        step=K.TRANSFERRED,
        from_unit=from_unit,
        to_unit=to_unit,
        from_user=actor,
        to_user=to_user,
        note=note[:300],
    )
    _event(
        dossier,
        kind=K.TRANSFERRED,
        actor=actor,
        from_status=from_status,
        reason=note,
        data={"from_unit": from_unit.code if from_unit else None, "to_unit": to_unit.code},
        ip_address=ip_address,
    )
    return dossier


def supplement_request_deadline(dossier: Dossier) -> date:
    """The last day a supplement may be requested during appraisal: 3 working days from
    receipt (rule `dossier.supplement_request`)."""
    start = dossier.clock_started_on or dossier.received_on
    return deadline_for(code="dossier.supplement_request", start=start).due_on


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    missing: Sequence[str],
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Return the file for completion during appraisal (Mẫu 02), listing everything at once.
    Only within 3 working days of receipt; the clock stops until the file comes back.
    Raises DomainError after that, or when nothing is listed."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.SUPPLEMENT_REQUESTED)
    items = [m.strip() for m in missing if m.strip()]
    if not items:
        raise DomainError(_("List what the applicant must add or correct."))
    today = _action_day(dossier, on)
    last_day = supplement_request_deadline(dossier)
    if today > last_day:
        raise DomainError(
            _("A supplement can only be requested within 3 working days of receipt (until %(day)s).")
            % {"day": last_day.strftime("%d/%m/%Y")}
        )
    from_status = dossier.status
    dossier.status = S.SUPPLEMENT_REQUESTED
    dossier.supplement_requested_on, dossier.supplement_missing = today, items
    dossier.supplement_count += 1
    _save(dossier, ["status", "supplement_requested_on", "supplement_missing", "supplement_count"])
    _event(
        dossier,
        kind=K.SUPPLEMENT_REQUESTED,
        actor=actor,
        from_status=from_status,
        data={"missing": items, "rule": "dossier.supplement_request"},
        ip_address=ip_address,
    )
    return dossier


@transaction.atomic
def dossier_resubmit(
    *,
    dossier: Dossier,
    actor: User | None,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The complete file is back: the clock restarts from this date (a new due date of the
    procedure's full processing time, rule `dossier.resolve`)."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.RESUBMITTED)
    today = _action_day(dossier, on)
    days = dossier.procedure.processing_days if dossier.procedure else 0
    deadline = deadline_for(code="dossier.resolve", start=today, amount=days)
    from_status, old_due = dossier.status, dossier.due_on
    dossier.status, dossier.clock_started_on = S.RESUBMITTED, today
    dossier.due_on, dossier.due_rule_id = deadline.due_on, deadline.rule.rule_id
    dossier.supplement_missing = []
    _save(dossier, ["status", "clock_started_on", "due_on", "due_rule_id", "supplement_missing"])
    _event(
        dossier,
        kind=K.RESUBMITTED,
        actor=actor,
        from_status=from_status,
        data={"old_due_on": old_due.isoformat(), "due_on": deadline.due_on.isoformat()},
        ip_address=ip_address,
    )
    return dossier


def apology_last_day(dossier: Dossier) -> date:
    """The last working day the apology may be sent: at least 1 working day before the
    deadline (rule `dossier.apology`, Decree 61/2018 art. 19)."""
    rule = deadline_rule_in_force(code="dossier.apology", on=dossier.received_on)
    calendar = work_calendar(start=date(dossier.due_on.year - 1, 1, 1), end=dossier.due_on)
    return subtract_working_days(dossier.due_on, rule.amount or 1, calendar=calendar)


@transaction.atomic
def dossier_apologise(
    *,
    dossier: Dossier,
    new_due_on: date,
    reason: str,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Send the apology and new date (Mẫu 04). Only once, only while open, and at least
    1 working day before the deadline. The legal due date stays as it was: the dossier
    still counts as late; the applicant's appointment moves to `new_due_on`."""
    dossier = _lock(dossier, expected_version)
    today = _action_day(dossier, on)
    if not dossier.is_open or dossier.status == S.RESULT_READY:
        raise InvalidTransition(_("An apology is only sent for a dossier still in processing."))
    if dossier.apology_sent_on is not None:
        raise DomainError(
            _("An apology was already sent on %(day)s: the date can only be moved once.")
            % {"day": dossier.apology_sent_on.strftime("%d/%m/%Y")}
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the delay."))
    if today > apology_last_day(dossier):
        raise DomainError(
            _("Too late: the apology must be sent at least 1 working day before the deadline (%(day)s).")
            % {"day": dossier.due_on.strftime("%d/%m/%Y")}
        )
    if new_due_on <= dossier.due_on:
        raise DomainError(_("The new date must be after the current deadline."))
    dossier.apology_sent_on, dossier.apology_new_due_on, dossier.apology_reason = today, new_due_on, reason.strip()
    _save(dossier, ["apology_sent_on", "apology_new_due_on", "apology_reason"])
    _event(
        dossier,
        kind=K.APOLOGISED,
        actor=actor,
        from_status=dossier.status,
        reason=reason,
        data={"due_on": dossier.due_on.isoformat(), "new_due_on": new_due_on.isoformat()},
        ip_address=ip_address,
    )
    return dossier


@transaction.atomic
def dossier_mark_result_ready(
    *,
    dossier: Dossier,
    actor: User,
    result_note: str = "",
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The result is signed and back at the counter, waiting for the applicant."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.RESULT_READY)
    from_status, from_unit = dossier.status, dossier.handling_unit
    dossier.status, dossier.result_note = S.RESULT_READY, result_note.strip()
    dossier.handling_unit = dossier.unit
    _save(dossier, ["status", "result_note", "handling_unit"])
    Handover.objects.create(
        dossier=dossier, step=K.RESULT_READY, from_unit=from_unit, to_unit=dossier.unit, from_user=actor
    )
    _event(dossier, kind=K.RESULT_READY, actor=actor, from_status=from_status, ip_address=ip_address)
    return dossier


def _close(
    dossier: Dossier,
    *,
    target: str,
    kind: str,
    outcome: str,
    actor: User | None,
    reason: str,
    on: date | None,
    ip_address: str | None,
) -> Dossier:
    from_status = dossier.status
    dossier.status, dossier.outcome = target, outcome
    dossier.resolved_on, dossier.status_reason = _action_day(dossier, on), reason.strip()
    _save(dossier, ["status", "outcome", "resolved_on", "status_reason"])
    _event(dossier, kind=kind, actor=actor, from_status=from_status, reason=reason, ip_address=ip_address)
    return dossier


@transaction.atomic
def dossier_return(
    *,
    dossier: Dossier,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The applicant received the result: the dossier is resolved on `on` (today)."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.RETURNED)
    Handover.objects.create(dossier=dossier, step=K.RETURNED, from_unit=dossier.unit, from_user=actor)
    return _close(
        dossier,
        target=S.RETURNED,
        kind=K.RETURNED,
        outcome=DossierOutcome.GRANTED,
        actor=actor,
        reason="",
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_refuse(
    *,
    dossier: Dossier,
    reason: str,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Refuse after appraisal, with reasons, within the processing time."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.REFUSED)
    if not reason.strip():
        raise DomainError(pgettext("dossier", "A refusal must give its reasons."))
    return _close(
        dossier,
        target=S.REFUSED,
        kind=K.REFUSED,
        outcome=DossierOutcome.REFUSED,
        actor=actor,
        reason=reason,
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier,
    reason: str,
    actor: User,
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """Stop processing (Mẫu 05). Counted as not granted (`outcome` refused) in the reports."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.STOPPED)
    if not reason.strip():
        raise DomainError(_("Give the reason for stopping."))
    return _close(
        dossier,
        target=S.STOPPED,
        kind=K.STOPPED,
        outcome=DossierOutcome.REFUSED,
        actor=actor,
        reason=reason,
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User,
    reason: str = "",
    on: date | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The applicant withdraws the dossier."""
    dossier = _lock(dossier, expected_version)
    _guard(dossier, S.WITHDRAWN)
    return _close(
        dossier,
        target=S.WITHDRAWN,
        kind=K.WITHDRAWN,
        outcome=DossierOutcome.WITHDRAWN,
        actor=actor,
        reason=reason,
        on=on,
        ip_address=ip_address,
    )


@transaction.atomic
def dossier_rate(
    *,
    dossier: Dossier,
    score: int,
    visits: int,
    comment: str = "",
    actor: User | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """The applicant's satisfaction after the result was returned, once."""
    dossier = _lock(dossier, None)
    if dossier.status != S.RETURNED:
        raise InvalidTransition(_("The service can be rated once the result has been returned."))
    if dossier.rated_at is not None:
        raise DomainError(_("This dossier has already been rated. Thank you."))
    if score not in SatisfactionScore.values:
        raise DomainError(_("Choose how satisfied you are."))
    if not 1 <= visits <= 20:
        raise DomainError(_("Enter how many times you came, from 1 to 20."))
    dossier.rating_score, dossier.rating_visits = score, visits
    dossier.rating_comment, dossier.rated_at = comment.strip()[:2000], timezone.now()
    _save(dossier, ["rating_score", "rating_visits", "rating_comment", "rated_at"])
    _event(
        dossier,
        kind=K.RATED,
        actor=actor,
        from_status=dossier.status,
        data={"score": score, "visits": visits},
        ip_address=ip_address,
    )
    return dossier


# --- the daily sweep -----------------------------------------------------------------


def dossier_warn_due_soon(*, today: date | None = None) -> list[int]:
    """Warn each unit of its open dossiers due on the next working day without an apology,
    each dossier once (compare-and-set on `due_warning_sent_at`: re-running is harmless).
    Returns the ids warned; the e-mails go out after commit."""
    day = _today(today)
    tomorrow = next_working_day(day, calendar=calendar_around(day))
    candidates = list(
        Dossier.objects.filter(
            status__in=OPEN_STATUSES,
            due_on__gt=day,
            due_on__lte=tomorrow,
            apology_sent_on__isnull=True,
            due_warning_sent_at__isnull=True,
        )
        .exclude(status=S.RESULT_READY)
        .values_list("pk", flat=True)
    )
    warned: list[int] = []
    now: datetime = timezone.now()
    for pk in candidates:
        with transaction.atomic():
            won = Dossier.objects.filter(pk=pk, due_warning_sent_at__isnull=True).update(due_warning_sent_at=now)
            if won != 1:
                continue
            dossier = Dossier.objects.get(pk=pk)
            _event(dossier, kind=K.DUE_WARNING, actor=None, from_status=dossier.status)
            warned.append(pk)
    if warned:
        from .tasks import dossier_due_warning_mail_task

        transaction.on_commit(partial(dossier_due_warning_mail_task.delay, dossier_ids=warned))
    return warned
