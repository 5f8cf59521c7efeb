"""Follow-up items: a session's conclusion that someone must carry out by a date (open → done)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError

from ..models import FollowUpItem, FollowUpStatus, ReceptionEvent, ReceptionSession
from ..policies import POLICY
from .workflows import FOLLOW_UP


@transaction.atomic
def follow_up_create(
    *,
    session: ReceptionSession,
    description: str,
    owner: User,
    due_on: date,
    actor: User,
    ip_address: str | None = None,
) -> FollowUpItem:
    """Turn one of the session's conclusions into a follow-up item with an owner and a deadline.
    Raises NotAllowed or DomainError."""
    POLICY.authorize(actor=actor, action="follow_up_create", unit=session.unit)
    if not description.strip():
        raise DomainError(_("Write what must be done."), code="description")
    if due_on < session.date:
        raise DomainError(_("The deadline cannot be before the session."), code="due_on")
    item = FollowUpItem.objects.create(
        session=session, unit_id=session.unit_id, description=description.strip(), owner=owner, due_on=due_on
    )
    FOLLOW_UP.record(
        item,
        ReceptionEvent.Kind.FOLLOW_UP_CREATED,
        actor=actor,
        ip_address=ip_address,
        to_status=item.status,
        data={"owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return item


@transaction.atomic
def follow_up_complete(
    *,
    item: FollowUpItem,
    result: str,
    expected_version: int,
    done_on: date | None = None,
    actor: User,
    ip_address: str | None = None,
) -> FollowUpItem:
    """Mark a follow-up item done with its result. Raises StaleEdit, NotAllowed or InvalidTransition."""
    item = FOLLOW_UP.lock(item, expected_version=expected_version)
    POLICY.authorize(actor=actor, action="follow_up_complete", unit=item.unit)
    FOLLOW_UP.guard(item, FollowUpStatus.DONE)
    if not result.strip():
        raise DomainError(_("Write the result."), code="result")
    item.done_on, item.result = done_on or timezone.localdate(), result.strip()
    return FOLLOW_UP.move(
        item,
        to=FollowUpStatus.DONE,
        kind=ReceptionEvent.Kind.FOLLOW_UP_DONE,
        actor=actor,
        ip_address=ip_address,
        data={"done_on": item.done_on.isoformat() if item.done_on else None},
        update_fields=["done_on", "result"],
    )
