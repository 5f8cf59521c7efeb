"""At the counter or online: a complete file becomes a dossier (code, PIN, due date in working
days, first line of the process-control slip); an incomplete or refused one gets its slip
(Mẫu 02, Mẫu 03)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civicdesk.crypto import encrypt_text
from civicdesk.exceptions import DomainError
from civicdesk.workdays import WorkCalendar
from core.models import Unit
from core.selectors import calendar_around, deadline_for
from core.uploads import validate_upload

from ..models import (
    AFTER_HOURS,
    Dossier,
    DossierChannel,
    DossierDocument,
    DossierEvent,
    Handover,
    IntakeNotice,
    IntakeNoticeEvent,
    OnlineService,
    Procedure,
    ProcedureDocument,
)
from ..pins import new_pin
from ..policies import POLICY
from .notifications import notify_applicant
from .workflow import DOSSIER, authorize

K = DossierEvent.Kind

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def counting_start(day: date, at: time | None, *, calendar: WorkCalendar | None = None) -> date:
    """The day a dossier's time limit counts from: the day it was received, or, when it was
    received after 15:00 on a working day, the next working day (rule `dossier.after_hours`).
    Without a time of receipt, the day itself."""
    calendar = calendar or calendar_around(day)
    if at is None or at <= AFTER_HOURS or not calendar.is_working_day(day):
        return day
    return deadline_for(code="dossier.after_hours", start=day, calendar=calendar).due_on


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


def attachment_validate(upload: File) -> str:
    """The file's real MIME type, judged by its content (not its name): PDF, JPEG, PNG,
    DOC or DOCX of at most 10 MB, with no script, macro or embedded program (the checks
    of `core.uploads`, shared by every upload). Raises DomainError otherwise."""
    try:
        return validate_upload(upload, max_bytes=MAX_ATTACHMENT_BYTES)
    except DomainError:
        raise
    except ValidationError as exc:
        raise DomainError(exc.messages, code=exc.code) from exc


def _next_ref(unit: Unit, on: date) -> str:
    """`<unit code>-<yymmdd>-<nnnn>`: unique, readable on the phone, not guessable alone
    (the lookup also needs the PIN). The unit row is locked so two counters never clash."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    prefix = f"{unit.code}-{on:%y%m%d}-"
    taken = Dossier.objects.filter(unit=unit, ref__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


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
    received_at: datetime | None = None,
    attachments: Sequence[tuple[ProcedureDocument | None, File]] = (),
    ip_address: str | None = None,
) -> Dossier:
    """Accept a complete dossier: a unique code, a lookup PIN and the due date in working
    days (`dossier.resolve` with the procedure's processing time, across Tết and make-up
    Saturdays), counted from the day of receipt, or from the next working day when it came
    after 15:00 on a working day (`counting_start`). `received_at` is now unless given; a
    `received_on` given alone (an entry of an earlier day) has no time and counts from that
    day. Writes the dossier, its documents, a RECEIVED event, the first line of the
    process-control slip and the applicant's receipt message (code, PIN, date; outbox).
    Raises DomainError when a mandatory document is missing (issue the supplement request
    instead) or an attachment is not acceptable; NotAllowed when `actor` may not receive
    dossiers in `unit` (an online dossier has no actor)."""
    online = channel == DossierChannel.ONLINE
    POLICY.authorize(actor=actor, action="submit_online" if online else "receive", unit=unit)
    if not applicant.name.strip():
        raise DomainError(_("Enter the applicant's name."))
    missing = missing_documents(procedure=procedure, received=documents)
    if missing:
        raise DomainError(
            _("The file is incomplete: %(missing)s. Issue a supplement request instead.")
            % {"missing": "; ".join(d.name for d in missing)}
        )
    if online and procedure.online_service == OnlineService.NONE:
        raise DomainError(_("This procedure is not offered online."))
    checked = [(req, upload, attachment_validate(upload)) for req, upload in attachments]
    if received_at is None and received_on is not None:  # a day without a time
        on, at = received_on, None
    else:
        received_at = received_at or timezone.now()
        local = timezone.localtime(received_at)
        on, at = local.date(), local.time()
    start = counting_start(on, at)
    deadline = deadline_for(code="dossier.resolve", start=start, amount=procedure.processing_days)
    dossier = Dossier(
        unit=unit,
        ref=_next_ref(unit, on),
        received_on=on,
        received_at=received_at,
        received_by=actor,
        procedure=procedure,
        channel=channel,
        due_on=deadline.due_on,
        due_rule_id=deadline.rule.rule_id,
        clock_started_on=start,
        handling_unit=unit,
        applicant_name=applicant.name.strip(),
        applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(),
        applicant_address=applicant.address.strip(),
        applicant_id_number=applicant.id_number.strip(),
    )
    dossier.lookup_pin = new_pin()  # only its digest is stored; `dossier.lookup_pin` holds it for this request
    dossier.save(force_insert=True)
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
    DOSSIER.record(
        dossier,
        K.RECEIVED,
        actor=actor,
        to_status=dossier.status,
        data={
            "channel": channel,
            "due_on": deadline.due_on.isoformat(),
            "rule_id": deadline.rule.rule_id,
            "counted_from": start.isoformat(),
        },
        ip_address=ip_address,
    )
    notify_applicant(
        dossier,
        "received",
        {
            "procedure": procedure.name,
            "received_on": f"{on:%d/%m/%Y}",
            "due_on": f"{deadline.due_on:%d/%m/%Y}",
            "pin_enc": encrypt_text(dossier.lookup_pin),
        },
    )
    return dossier


@transaction.atomic
def dossier_reissue_pin(
    *,
    dossier: Dossier,
    reason: str,
    actor: User,
    expected_version: int | None = None,
    ip_address: str | None = None,
) -> Dossier:
    """A new lookup PIN for an applicant who lost theirs (only its digest is kept, so the old
    one cannot be printed again): the old PIN stops working at once, the new one is returned
    on `dossier.lookup_pin` to be shown and printed once, and the applicant's receipt message
    is sent again with it (outbox). Writes a PIN_REISSUED event (who, when, why; never the
    PIN). Raises NotAllowed for whoever may not receive dossiers in its units, DomainError
    without a reason, StaleEdit when the dossier changed since `expected_version`."""
    dossier = DOSSIER.lock(dossier, expected_version=expected_version)
    authorize(actor=actor, action="reissue_pin", dossier=dossier)
    if not reason.strip():
        raise DomainError(_("Say why the PIN is reissued (for example: the applicant lost the receipt)."))
    dossier.lookup_pin = new_pin()
    dossier = DOSSIER.change(
        dossier,
        kind=K.PIN_REISSUED,
        actor=actor,
        reason=reason.strip()[:500],
        ip_address=ip_address,
        update_fields=["lookup_pin_digest"],
    )
    notify_applicant(dossier, "pin_reissued", {"pin_enc": encrypt_text(dossier.lookup_pin), "unit": dossier.unit.name})
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
    POLICY.authorize(actor=actor, action="intake_notice", unit=unit)
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
