"""Cases (vụ việc): petitions about the same matter, grouped so that reports count both."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError

from ..models import Case, Petition
from ..policies import POLICY
from .workflow import PETITION, Kind


def _new_case(first: Petition) -> Case:
    year = first.received_on.year
    count = Case.objects.filter(unit_id=first.unit_id, ref__startswith=f"VV-{year}-").count()
    ref = f"VV-{year}-{count + 1:04d}"
    while Case.objects.filter(unit_id=first.unit_id, ref=ref).exists():
        count += 1
        ref = f"VV-{year}-{count + 1:04d}"
    return Case.objects.create(unit_id=first.unit_id, ref=ref, kind=first.kind, subject=first.subject)


@transaction.atomic
def case_group(
    *, petitions: Iterable[Petition], case: Case | None = None, actor: User | None, ip_address: str | None = None
) -> Case:
    """Group petitions about the same matter into one case (a new one unless `case` is given).
    All must belong to one unit. Writes a GROUPED event on each petition that joins it."""
    locked = list(
        Petition.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=[p.pk for p in petitions])
        .order_by("pk")
    )
    if not locked:
        raise DomainError(_("Choose the petitions to group."))
    units = {p.unit_id for p in locked} | ({case.unit_id} if case else set())
    if len(units) != 1:
        raise DomainError(_("Only petitions of one unit can form a case."))
    POLICY.authorize(actor=actor, action="group", unit=locked[0].unit)
    if case is None:
        case = _new_case(locked[0])
    for petition in locked:
        if petition.case_id == case.pk:
            continue
        petition.case = case
        PETITION.change(petition, kind=Kind.GROUPED, actor=actor, data={"case": case.ref}, ip_address=ip_address)
    return case
