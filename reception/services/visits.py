"""Visits (lượt tiếp): logging one at a session, the petition it hands in, confirming a
repeat, and the answer owed to the citizen (Luật TCD art. 28(1))."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from core.models import Unit
from core.selectors import deadline_for
from petitions import services as petition_services

from ..models import ReceptionEvent, ReceptionSession, Visit, VisitAnswer, VisitOutcome
from ..policies import POLICY
from ..rules import check_delegation, check_identification
from ..selectors import RepeatCandidate, visit_repeat_candidates
from .workflows import VISIT

ANSWER_RULE = "reception.answer"


@dataclass
class VisitLogResult:
    visit: Visit
    candidates: list[RepeatCandidate] = field(default_factory=list)


def _next_visit_ref(*, unit: Unit, year: int) -> str:
    prefix = f"TCD-{year}-"
    taken = set(Visit.objects.filter(unit=unit, ref__startswith=prefix).values_list("ref", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:05d}" in taken:
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def visit_log(
    *,
    session: ReceptionSession,
    citizen_name: str,
    content: str,
    kind: str = "",
    identity_number: str = "",
    address: str = "",
    people: int = 1,
    representatives: int | None = None,
    representative_names: str = "",
    received_by: str | None = None,
    received_on: date | None = None,
    outcome: str = VisitOutcome.ANSWERED,
    guided_to: str = "",
    earlier_handling: str = "",
    repeat: bool = False,
    actor: User,
    ip_address: str | None = None,
) -> VisitLogResult:
    """Log one visit (lượt) at `session`.

    Defaults: the session's date and who receives at it. Earlier visits of the same person
    (identity number, or name and address) mark the visit as a repeat; similar content is
    only proposed. A visit whose outcome is a petition gets the 10-working-day answer deadline
    (rule `reception.answer`) and creates the petition in the petitions app.
    Raises NotAllowed, or DomainError for a delegation with the wrong number of representatives,
    or a visit from 1/7/2026 without the visitor's identification number (Law 136/2025).
    """
    check_delegation(people=people, representatives=representatives)
    if outcome == VisitOutcome.PETITION and not kind:
        raise DomainError(_("Choose the kind of petition received."), code="kind")
    unit = Unit.objects.select_for_update().get(pk=session.unit_id)  # serialises reference numbers
    POLICY.authorize(actor=actor, action="log_visit", unit=unit)
    if outcome == VisitOutcome.PETITION:
        POLICY.authorize(actor=actor, action="visit_petition", unit=unit)
    received_on = received_on or session.date
    check_identification(received_on=received_on, identity_number=identity_number)
    candidates = visit_repeat_candidates(
        unit=unit,
        identity_number=identity_number,
        citizen_name=citizen_name,
        address=address,
        content=content,
        before=received_on,
    )
    strong = [c for c in candidates if c.is_strong]
    repeat_of = strong[0].visit if strong else (candidates[0].visit if repeat and candidates else None)
    visit = Visit(
        unit=unit,
        session=session,
        ref=_next_visit_ref(unit=unit, year=received_on.year),
        received_on=received_on,
        people=people,
        representatives=representatives,
        representative_names=representative_names.strip(),
        received_by=received_by or session.received_by,
        kind=kind,
        repeat=repeat or bool(strong),
        repeat_of=repeat_of,
        citizen_name=citizen_name.strip(),
        identity_number=identity_number.strip(),
        address=address.strip(),
        content=content.strip(),
        outcome=outcome,
        guided_to=guided_to.strip(),
        earlier_handling=earlier_handling.strip(),
        recorded_by=actor,
    )
    if outcome == VisitOutcome.PETITION:
        visit.answer_due_on, visit.answer_rule_id = visit_answer_deadline(received_on=received_on)
    visit.save()
    VISIT.record(
        visit,
        ReceptionEvent.Kind.VISIT_LOGGED,
        actor=actor,
        ip_address=ip_address,
        data={
            "ref": visit.ref,
            "people": people,
            "outcome": outcome,
            "repeat_of": repeat_of.pk if repeat_of else None,
            "candidates": [c.visit.pk for c in candidates],
        },
    )
    if outcome == VisitOutcome.PETITION:
        _visit_create_petition(visit=visit, actor=actor, ip_address=ip_address)
    return VisitLogResult(visit=visit, candidates=[c for c in candidates if c.visit.pk != visit.pk])


def visit_answer_deadline(*, received_on: date) -> tuple[date, int | None]:
    """The day the citizen must be answered by, and the rule's id: `reception.answer`,
    10 working days after the visit (Luật TCD art. 28(1)), holidays and Tết skipped."""
    deadline = deadline_for(code=ANSWER_RULE, start=received_on)
    return deadline.due_on, deadline.rule.rule_id


def petitions_available() -> bool:
    """True once the petitions app offers `petition_receive` (built in parallel)."""
    return hasattr(petition_services, "petition_receive")


def _visit_create_petition(*, visit: Visit, actor: User, ip_address: str | None) -> None:
    """Create the petition the citizen handed in, prefilled from the visit, and link it.
    The idempotency key makes a retried save return the same petition."""
    if not petitions_available():
        raise DomainError(
            _("The petition register is not available yet: choose another outcome or enter the petition later."),
            code="outcome",
        )
    petition = petition_services.petition_receive(  # type: ignore[attr-defined,unused-ignore]
        unit=visit.unit,
        kind=visit.kind,
        received_on=visit.received_on,
        channel="in_person",
        subject=visit.content[:200],
        content=visit.content,
        petitioner_name=visit.citizen_name,
        petitioner_id_number=visit.identity_number,
        petitioner_address=visit.address,
        petitioner_phone="",
        petitioner_email="",
        signers=visit.people,
        actor=actor,
        ip_address=ip_address,
        idempotency_key=f"visit-{visit.pk}",
        source="reception",
    )
    visit.petition_ref = str(petition.ref)
    VISIT.change(
        visit,
        kind=ReceptionEvent.Kind.VISIT_PETITION_CREATED,
        actor=actor,
        ip_address=ip_address,
        data={"petition_id": petition.pk, "petition_ref": visit.petition_ref},
        update_fields=["petition_ref"],
    )


@transaction.atomic
def visit_mark_repeat(*, visit: Visit, repeat_of: Visit, actor: User, ip_address: str | None = None) -> Visit:
    """Confirm a proposed earlier visit: this visit is a repeat of the same matter.
    Raises NotAllowed, or DomainError unless `repeat_of` is an earlier visit."""
    visit = VISIT.lock(visit)
    POLICY.authorize(actor=actor, action="mark_repeat", unit=visit.unit)
    if repeat_of.pk == visit.pk or repeat_of.received_on > visit.received_on:
        raise DomainError(_("A visit can only repeat an earlier visit."))
    visit.repeat, visit.repeat_of = True, repeat_of
    return VISIT.change(
        visit,
        kind=ReceptionEvent.Kind.VISIT_MARKED_REPEAT,
        actor=actor,
        ip_address=ip_address,
        data={"repeat_of": repeat_of.pk},
        update_fields=["repeat", "repeat_of"],
    )


@transaction.atomic
def visit_answer(
    *,
    visit: Visit,
    answer: str,
    expected_version: int,
    answered_on: date | None = None,
    note: str = "",
    actor: User,
    ip_address: str | None = None,
) -> Visit:
    """Record the answer given to the citizen (Luật TCD art. 28(1)): accepted, review extended,
    refused or forwarded. "Review extended" may be followed by a final answer; a final answer
    closes it (ANSWER_TRANSITIONS). Raises StaleEdit, NotAllowed, or InvalidTransition when no
    answer is owed or it is final."""
    visit = VISIT.lock(visit, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="answer", unit=visit.unit)
    if visit.answer_due_on is None:
        raise InvalidTransition(_("No answer is owed for this visit."))
    if answer not in VisitAnswer.values:
        raise DomainError(_("Choose one of the four answers."), code="answer")
    VISIT.guard(visit, answer)
    answered_on = answered_on or timezone.localdate()
    if answered_on < visit.received_on:
        raise DomainError(_("The answer cannot be dated before the visit."), code="answered_on")
    visit.answered_on, visit.answer_note = answered_on, note.strip()
    return VISIT.move(
        visit,
        to=answer,
        kind=ReceptionEvent.Kind.VISIT_ANSWERED,
        actor=actor,
        ip_address=ip_address,
        reason=visit.answer_note,
        data={"answered_on": answered_on.isoformat(), "late": answered_on > visit.answer_due_on},
        update_fields=["answered_on", "answer_note"],
    )
