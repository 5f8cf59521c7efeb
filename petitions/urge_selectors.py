"""Reads of urging (đôn đốc): the requests an official's units received from above and must
answer, the requests their units sent, and each user's share of them in "Việc của tôi"."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from core.policies import DESK_ROLES
from core.selectors import STAFF_ROLES, unit_paths_for, unit_subtree_q
from core.work import NEW, OVERDUE, SOON, WorkItem

from .selectors import soon_cutoff
from .urging import UrgeRequest

AnyUser = User | AnonymousUser


def _base() -> QuerySet[UrgeRequest]:
    return UrgeRequest.objects.select_related("petition__unit", "to_unit", "requested_by", "answered_by", "due_rule")


def urge_requests_received(*, user: AnyUser, roles: tuple[str, ...] = STAFF_ROLES) -> QuerySet[UrgeRequest]:
    """Requests addressed to the units of `user` (and those below them) by a unit above them,
    outside the user's scope: the ones the user's units answer."""
    paths = unit_paths_for(user=user, roles=roles)
    qs = _base().filter(to_unit__isnull=False)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(unit_subtree_q(paths, field="to_unit")).exclude(unit_subtree_q(paths, field="petition__unit"))


def urge_requests_sent(*, user: AnyUser) -> QuerySet[UrgeRequest]:
    """Requests sent by the units of `user` (the petition is theirs), old ones included."""
    paths = unit_paths_for(user=user, roles=STAFF_ROLES)
    if paths is None:
        return _base()
    if not paths:
        return _base().none()
    return _base().filter(unit_subtree_q(paths, field="petition__unit"))


def urge_request_visible_to(*, user: AnyUser) -> QuerySet[UrgeRequest]:
    """Every request the user may open: received by their units or sent by them."""
    received = urge_requests_received(user=user).values("pk")
    sent = urge_requests_sent(user=user).values("pk")
    return _base().filter(Q(pk__in=received) | Q(pk__in=sent))


def urge_work_for(user: User, today: date) -> list[WorkItem]:
    """ "Việc của tôi": the requests the user's units must answer (overdue, due within 3 working
    days, or new), and the requests the user sent whose answer is overdue."""
    soon = soon_cutoff(today)
    kind = gettext_lazy("Urging")
    items: list[WorkItem] = []
    waiting = urge_requests_received(user=user, roles=tuple(DESK_ROLES)).filter(answered_on__isnull=True)
    for r in waiting.order_by("due_on", "pk")[:50]:
        group = OVERDUE if r.is_overdue(today) else SOON if r.due_on and r.due_on <= soon else NEW
        title = f"{r.petition.ref} · {r.petition.unit.name} → {r.to_unit.name if r.to_unit else r.body}"
        items.append(WorkItem(group, kind, title, r.get_absolute_url(), r.due_on, gettext_lazy("to answer")))
    late = _base().filter(requested_by=user, answered_on__isnull=True, due_on__lt=today, to_unit__isnull=False)
    for r in late.order_by("due_on", "pk")[:50]:
        title = f"{r.petition.ref} → {r.to_unit.name if r.to_unit else r.body}"
        items.append(WorkItem(OVERDUE, kind, title, r.get_absolute_url(), r.due_on, gettext_lazy("no answer yet")))
    return items
