"""Which deadline rule applies to a petition, and from which day: pure functions of the
petition's fields, read by the services (which store the deadline) and by the selectors (which
explain it). The amounts themselves are data (core's deadline rule table)."""

from __future__ import annotations

from datetime import date

from core.choices import PetitionKind

from .choices import Result
from .models import Discipline, Petition, PetitionStatus

# A denunciation concluded on its merits: the denouncer is notified and the conclusion
# published (Luật Tố cáo art. 35, 40).
CONCLUSION_RESULTS = (Result.TRUE, Result.PARTLY_TRUE, Result.FALSE)
# A complaint decided on its merits: a 1st-time decision is sent within 3 working days
# (Luật Khiếu nại art. 32).
DECISION_RESULTS = (Result.CORRECT, Result.PARTLY_CORRECT, Result.WRONG)


# The rule that excludes suspended time from the resolution limit, by kind (Luật Tố cáo
# art. 34(2); for complaints Law 136/2025, from 01/07/2026).
SUSPENSION_EXCLUDED: dict[str, str] = {
    PetitionKind.COMPLAINT: "complaint.suspension_excluded",
    PetitionKind.DENUNCIATION: "denunciation.suspension_excluded",
}


def resolve_rule_code(petition: Petition) -> str:
    """The rule of the resolution limit once accepted (complaint 30/45, remote 45/60; 2nd time
    45/60, remote 60/70; denunciation 30; recommendation and feedback the office's own limit,
    `recommendation.resolve`, where no statute sets one)."""
    if petition.kind == PetitionKind.COMPLAINT and petition.discipline:
        # Luật Khiếu nại art. 50: 30 days, 45 if complex, both times; no remote-area limit.
        return "complaint.disciplinary.resolve" + (".complex" if petition.complex else "")
    if petition.kind == PetitionKind.COMPLAINT:
        base = "complaint.first.resolve" if petition.complaint_round == 1 else "complaint.second.resolve"
        remote = petition.unit.is_remote
        if remote and petition.complex:
            return base + ".remote_complex"
        if remote:
            return base + ".remote"
        if petition.complex:
            return base + ".complex"
        return base
    if petition.kind == PetitionKind.DENUNCIATION:
        return "denunciation.resolve"
    return "recommendation.resolve"


def limitation_start(petition: Petition) -> tuple[str, date] | None:
    """The rule code and start of a complaint's limitation period, or None when unknown.

    1st time (Luật Khiếu nại art. 9): 90 days from the day the complainant received or learned
    of the decision or act. 2nd time (art. 33): 30 days (45 in remote areas) from receiving the
    1st-time decision or, when none came in time, from the end of the 1st-time resolution limit."""
    if petition.kind != PetitionKind.COMPLAINT:
        return None
    if petition.discipline:
        return _disciplinary_limitation_start(petition)
    if petition.complaint_round == 1:
        return ("complaint.limitation", petition.decision_known_on) if petition.decision_known_on else None
    code = "complaint.second.limitation" + (".remote" if petition.unit.is_remote else "")
    first = petition.first_petition
    if petition.decision_known_on:
        return code, petition.decision_known_on
    if first is not None and first.resolved_on:
        return code, first.resolved_on
    if first is not None and first.status == PetitionStatus.ACCEPTED and first.due_on:
        return code, first.due_on
    return None


def accept_rule_code(petition: Petition) -> str:
    """The rule of a complaint's acceptance limit: 10 working days (TT 07/2013 as amended), or
    for a complaint against a disciplinary decision the law's 10 days (Luật Khiếu nại art. 50)."""
    if petition.discipline:
        return "complaint.disciplinary.accept"
    return "complaint.accept" if petition.complaint_round == 1 else "complaint.second.accept"


def _disciplinary_limitation_start(petition: Petition) -> tuple[str, date] | None:
    """Luật Khiếu nại art. 48: 15 days from receiving the disciplinary decision; 2nd time 10 days
    (30 for a dismissal) from receiving the 1st-time decision on the complaint."""
    if petition.complaint_round == 1:
        code = "complaint.disciplinary.limitation"
    elif petition.discipline == Discipline.DISMISSAL:
        code = "complaint.disciplinary.second.limitation.dismissal"
    else:
        code = "complaint.disciplinary.second.limitation"
    if petition.decision_known_on:
        return code, petition.decision_known_on
    first = petition.first_petition
    if petition.complaint_round > 1 and first is not None and first.resolved_on:
        return code, first.resolved_on
    return None
