"""Classifying a petition (TT 05/2021): its kind and contents, eligibility, competence, crowd,
originals; a complaint's limitation period; and the second-time complaint's link to the first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition
from core.choices import PetitionKind

from ..choices import Step
from ..figures import field_error
from ..models import Discipline, Petition
from ..policies import POLICY
from .deadlines import intake_deadlines, set_deadline, set_limitation
from .intake import NewPetition, register
from .vault import petitioner_contact
from .workflow import PETITION, Kind, S, today


@dataclass(frozen=True)
class ExtraContent:
    kind: str
    subject: str
    content: str


@transaction.atomic
def petition_classify(
    *,
    petition: Petition,
    expected_version: int | None,
    kind: str,
    eligible: bool,
    competent: bool,
    signers: int,
    has_originals: bool,
    anonymous: bool,
    over_level: bool,
    multi_place: bool = False,
    extra_contents: Sequence[ExtraContent] = (),
    note: str = "",
    decision_known_on: date | None = None,
    force_majeure_reason: str | None = None,
    field: str | None = None,
    discipline: str | None = None,
    court_judgment: bool | None = None,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record the classification axes (TT 05/2021): content and field (lĩnh vực, the XLD
    forms' grouping: figures.PetitionField; corruption and civil service only for a
    denunciation), the extra contents of a
    multi-content petition become petitions of their own), eligibility, competence, crowd
    (5+ signers), originals. A denunciation found outside competence gets the 5-working-day
    transfer deadline from receipt. Raises InvalidTransition once an outcome is decided.

    A complaint received after its limitation period (Luật Khiếu nại art. 9, 33; computed from
    `decision_known_on`) is classified ineligible, whatever `eligible` says, unless a
    `force_majeure_reason` is recorded (time lost to an objective obstacle is not counted).
    A complaint against a disciplinary decision (`discipline`, Luật Khiếu nại art. 47–50) takes
    that chapter's limitation, acceptance and resolution limits. `court_judgment`: a court has
    already judged the complaint's matter (02/XLD counts it "đã có bản án"; a complaint only).
    `None` keeps the values already recorded."""
    petition = PETITION.lock(petition, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="classify", unit=petition.unit)
    PETITION.guard(petition, S.CLASSIFIED)
    if kind not in PetitionKind.values:
        raise DomainError(_("Unknown kind of petition: %(kind)s") % {"kind": kind})
    if kind != petition.kind and PetitionKind.DENUNCIATION in (kind, petition.kind):
        raise DomainError(
            _("A denunciation cannot be reclassified to another kind or back: register it again instead.")
        )
    if field is not None:
        problem = field_error(kind, field)
        if problem:
            raise DomainError(problem, code="field")
        petition.field = field
    on = on or today()
    if discipline is None:
        discipline = petition.discipline
    if discipline not in Discipline.values:
        raise DomainError(_("Unknown kind of disciplinary decision: %(kind)s") % {"kind": discipline})
    discipline = discipline if kind == PetitionKind.COMPLAINT else Discipline.NONE
    kind_changed = kind != petition.kind or multi_place != petition.multi_place or discipline != petition.discipline
    petition.discipline = discipline
    if court_judgment is not None:
        petition.court_judgment = court_judgment
    if kind != PetitionKind.COMPLAINT:
        petition.court_judgment = False
    petition.kind, petition.eligible, petition.competent = kind, eligible, competent
    petition.signers, petition.has_originals = max(1, signers), has_originals
    petition.anonymous, petition.over_level, petition.multi_place = anonymous, over_level, multi_place
    if decision_known_on is not None:
        if decision_known_on > petition.received_on:
            raise DomainError(_("The decision cannot have been received after the petition."))
        petition.decision_known_on = decision_known_on
    if force_majeure_reason is not None:
        petition.force_majeure_reason = force_majeure_reason.strip()
    set_limitation(petition)
    out_of_time = petition.filed_out_of_time
    if out_of_time:
        petition.eligible = False
    petition.classified_on = on
    if kind_changed:
        intake_deadlines(petition)
    if petition.kind == PetitionKind.DENUNCIATION and not competent:
        set_deadline(petition, step=Step.TRANSFER, code="denunciation.transfer", start=petition.received_on)
    elif petition.step == Step.TRANSFER:
        intake_deadlines(petition)
    parts = [_split_part(petition, extra, actor=actor, ip_address=ip_address) for extra in extra_contents]
    limitation = (
        {
            "limitation_due_on": petition.limitation_due_on.isoformat(),
            "out_of_time": out_of_time,
            "force_majeure": bool(petition.force_majeure_reason),
        }
        if petition.limitation_due_on
        else {}
    )
    PETITION.move(
        petition,
        to=S.CLASSIFIED,
        kind=Kind.CLASSIFIED,
        actor=actor,
        reason=note,
        data={
            "kind": kind,
            "field": petition.field,
            "eligible": petition.eligible,
            "competent": competent,
            "crowd": petition.is_crowd,
            **({"discipline": discipline} if discipline else {}),
            **({"court_judgment": True} if petition.court_judgment else {}),
            **limitation,
        },
        ip_address=ip_address,
    )
    if parts:
        PETITION.record(petition, Kind.SPLIT, actor=actor, data={"parts": parts}, ip_address=ip_address)
    return petition


def _split_part(petition: Petition, extra: ExtraContent, *, actor: User | None, ip_address: str | None) -> str:
    """Register one more content of a multi-content petition as a petition of its own; its ref."""
    if extra.kind not in PetitionKind.values:
        raise DomainError(_("Unknown kind of petition: %(kind)s") % {"kind": extra.kind})
    part = register(
        NewPetition(
            unit=petition.unit,
            kind=extra.kind,
            received_on=petition.received_on,
            channel=petition.channel,
            subject=extra.subject,
            content=extra.content,
            identity=petitioner_contact(petition),
            signers=petition.signers,
            anonymous=petition.anonymous,
            over_level=petition.over_level,
            source=_("Split from %(ref)s") % {"ref": petition.ref},
            parent=petition,
        ),
        actor=actor,
        ip_address=ip_address,
        tracked=False,
    )
    return part.ref


@transaction.atomic
def petition_link_first(
    *, petition: Petition, first: Petition, actor: User | None, ip_address: str | None = None
) -> Petition:
    """Make `petition` the 2nd-time complaint against the decision on `first`: its
    acceptance deadline becomes the 2nd-time one (10 days) and its resolution 45/60."""
    locked = PETITION.lock(petition)
    POLICY.authorize(actor=actor, action="link-first", unit=locked.unit)
    if locked.kind != PetitionKind.COMPLAINT or first.kind != PetitionKind.COMPLAINT:
        raise DomainError(_("Only a complaint can be a second-time complaint, about a first-time complaint."))
    if first.pk == locked.pk or first.complaint_round != 1:
        raise DomainError(_("Choose the first-time complaint."))
    if locked.status not in (S.RECEIVED, S.CLASSIFIED):
        raise InvalidTransition(_("Link the first-time complaint before the petition is accepted."))
    first = Petition.objects.get(pk=first.pk)  # its decision date and deadline as stored now
    locked.first_petition, locked.complaint_round = first, 2
    intake_deadlines(locked)
    set_limitation(locked)
    return PETITION.change(
        locked,
        kind=Kind.LINKED_FIRST,
        actor=actor,
        data={"first": first.ref, "first_unit": first.unit.code},
        ip_address=ip_address,
    )
