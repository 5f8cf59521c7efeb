"""Reads of the one-stop shop. Every staff read is scoped to the official's units."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicdesk.crypto import IndexFamily, blind_index, looks_like_email, looks_like_identity_number, looks_like_phone
from core.collation import vietnamese
from core.models import Membership, Unit
from core.search import search
from core.selectors import ALL_ROLES, ancestor_paths, unit_paths_for, unit_subtree_q, units_visible_to
from core.work import OVERDUE, SOON, WorkItem

from .models import (
    OPEN_STATUSES,
    Dossier,
    DossierEvent,
    DossierStatus,
    Handover,
    IntakeNotice,
    OnlineService,
    Procedure,
)
from .pins import pin_matches

AnyUser = User | AnonymousUser


# --- catalogue -----------------------------------------------------------------------


def procedure_search(*, text: str, limit: int = 10) -> QuerySet[Procedure]:
    """Procedures whose code or name contains every word of `text`, typed with or without
    diacritics ('khai sinh', 'khai sinh', 'KHAI SINH' all match 'Đăng ký khai sinh')."""
    qs = search(procedures_in_force(on=timezone.localdate()), text, folded=["search_text"])
    return qs.order_by("level", "name")[:limit]


def procedures_in_force(*, on: date) -> QuerySet[Procedure]:
    """Procedures whose effective dates include `on` (empty dates are unbounded)."""
    return Procedure.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def procedure_list(*, text: str = "", online_only: bool = False) -> QuerySet[Procedure]:
    qs = search(Procedure.objects.all(), text, folded=["search_text"])
    if online_only:
        qs = qs.exclude(online_service=OnlineService.NONE)
    return qs.annotate(document_count=Count("documents")).order_by("level", "field", "name")


@dataclass(frozen=True)
class CatalogueStats:
    total: int
    fully_online: int
    partly_online: int
    commune_level: int
    province_level: int

    @property
    def online(self) -> int:
        return self.fully_online + self.partly_online


def catalogue_stats() -> CatalogueStats:
    """How many procedures, how many fully or partly online: one query."""
    row = Procedure.objects.aggregate(
        total=Count("pk"),
        fully_online=Count("pk", filter=Q(online_service=OnlineService.FULLY)),
        partly_online=Count("pk", filter=Q(online_service=OnlineService.PARTLY)),
        commune_level=Count("pk", filter=Q(level="commune")),
        province_level=Count("pk", filter=Q(level="province")),
    )
    return CatalogueStats(**row)


# --- staff reads ---------------------------------------------------------------------


def dossier_list_visible_to(*, user: AnyUser, roles: tuple[str, ...] = ALL_ROLES) -> QuerySet[Dossier]:
    """Dossiers the user may see: those resolved by, or currently with, a unit in the
    subtrees where the user holds one of `roles`. Another unit's dossier is not there (404)."""
    paths = unit_paths_for(user=user, roles=roles)
    qs = Dossier.objects.all()
    if paths is None:
        return qs
    # The subtree's unit ids first (one small indexed query), then `unit_id IN (…) OR
    # handling_unit_id IN (…)`: PostgreSQL ORs the two foreign-key indexes. Matching
    # `unit.path LIKE … OR handling_unit.path LIKE …` across two joins instead cannot use
    # them and read the whole table (10M dossiers: a 10-million-row scan for one commune's
    # list; docs/performance.md).
    ids = list(Unit.objects.filter(unit_subtree_q(paths, field="")).values_list("id", flat=True))
    return qs.filter(Q(unit_id__in=ids) | Q(handling_unit_id__in=ids))


@dataclass(frozen=True)
class QueueFilters:
    text: str = ""
    status: str = ""
    unit_id: int | None = None
    open_only: bool = True
    overdue_only: bool = False


def dossier_queue(*, user: AnyUser, filters: QueueFilters, today: date) -> QuerySet[Dossier]:
    """The counter's queue: overdue first, then nearest due date first."""
    qs = dossier_list_visible_to(user=user)
    if filters.open_only and not filters.status:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit_id:
        qs = qs.filter(Q(unit_id=filters.unit_id) | Q(handling_unit_id=filters.unit_id))
    if filters.overdue_only:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    text = filters.text.strip()
    if text:
        match = Q(ref__icontains=text) | Q(applicant_name__icontains=text)
        # Whole numbers and addresses: exact, through the blind indexes (encrypted columns).
        if looks_like_identity_number(text):
            match |= Q(applicant_id_number_index=blind_index(text, family=IndexFamily.APPLICANT))
        if looks_like_phone(text):
            match |= Q(applicant_phone_index=blind_index(text, family=IndexFamily.APPLICANT_PHONE))
        if looks_like_email(text):
            match |= Q(applicant_email_index=blind_index(text, family=IndexFamily.APPLICANT_EMAIL))
        qs = qs.filter(match)
    return (
        qs.select_related("procedure", "unit", "handling_unit", "assignee")
        .annotate(
            overdue=Case(
                When(status__in=OPEN_STATUSES, due_on__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue", "due_on", "ref", "pk")
    )


def dossier_scope_unit(*, user: AnyUser) -> int | None:
    """The one unit whose dossiers `user` sees, when their scope is a single unit with no units
    below it (a commune official); None otherwise."""
    paths = unit_paths_for(user=user, roles=ALL_ROLES)
    if not paths:
        return None
    ids = list(Unit.objects.filter(unit_subtree_q(paths, field="")).values_list("id", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def dossier_open_list_of_unit(*, unit_id: int, today: date, limit: int) -> Sequence[Dossier]:
    """The first `limit` rows of `dossier_queue` with the default filters (open dossiers) for a
    scope of one unit, in the same order, read in two indexed parts with a LIMIT each: the
    unit's own dossiers, and those of other units it handles. Among open dossiers "overdue
    first" is "nearest due date first", so each part is a range of its partial index
    (docs/performance.md, "The dossier list's scope")."""
    base = (
        Dossier.objects.filter(status__in=OPEN_STATUSES)
        .select_related("procedure", "unit", "handling_unit", "assignee")
        .annotate(
            overdue=Case(
                When(due_on__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    )
    order = ("due_on", "ref", "pk")
    own = list(base.filter(unit_id=unit_id).order_by(*order)[:limit])
    handled = list(base.filter(handling_unit_id=unit_id).exclude(unit_id=unit_id).order_by(*order)[:limit])
    return sorted(own + handled, key=lambda d: (d.due_on, d.ref, d.pk))[:limit]


def dossier_handlers(*, unit: Unit, roles: Collection[str]) -> QuerySet[User]:
    """The active officials holding one of `roles` in `unit` itself, by name: whom a dossier
    of the unit can be assigned to."""
    return (
        User.objects.filter(memberships__unit=unit, memberships__role__in=roles, is_active=True)
        .distinct()
        .order_by(vietnamese("last_name"), vietnamese("first_name"))
    )


def dossier_transfer_targets(*, dossier: Dossier) -> QuerySet[Unit]:
    """Units of the dossier's province (liên thông between units and levels), current ones
    only, but the one handling it now."""
    province_path = ancestor_paths(dossier.unit.path)[0]
    return (
        Unit.objects.filter(path__startswith=province_path, valid_to__isnull=True)
        .exclude(pk=dossier.handling_unit_id or dossier.unit_id)
        .order_by("level", vietnamese("name"))
    )


def intake_unit_of(*, user: AnyUser, roles: Collection[str]) -> Unit | None:
    """The unit whose counter `user` staffs: the lowest unit where they hold one of `roles`
    (None when there is none)."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=user, role__in=roles).select_related("unit").order_by("-unit__path").first()
    )
    return membership.unit if membership else None


def intake_notices_visible_to(*, user: AnyUser) -> QuerySet[IntakeNotice]:
    """The counter slips (Mẫu 02, Mẫu 03) of the units the user may see."""
    return IntakeNotice.objects.filter(unit__in=units_visible_to(user=user)).select_related(
        "procedure", "unit", "issued_by"
    )


def dossier_handovers(*, dossier: Dossier) -> QuerySet[Handover]:
    return dossier.handovers.select_related("from_unit", "to_unit", "from_user", "to_user").order_by("handed_at", "pk")


def dossier_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor").order_by("occurred_at", "pk")


def dossier_register(*, user: AnyUser, unit: Unit, start: date, end: date) -> QuerySet[Dossier]:
    """The dossier register (Sổ theo dõi hồ sơ, Mẫu 07) of `unit` and the units below it:
    the dossiers received from `start` to `end`, both included, in order of receipt."""
    return (
        dossier_list_visible_to(user=user)
        .filter(unit__path__startswith=unit.path, received_on__gte=start, received_on__lte=end)
        .select_related("procedure", "unit")
        .order_by("received_on", "ref")
    )


# --- public reads --------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    label: str
    on: date


@dataclass(frozen=True)
class PublicDossierStatus:
    """What the holder of the code and PIN may see: nothing personal."""

    ref: str
    procedure: str
    unit: str
    status: str
    status_label: str
    received_on: date
    appointment_on: date
    resolved_on: date | None
    steps: tuple[PublicStep, ...]
    can_rate: bool
    rated: bool


PUBLIC_STEP_KINDS = {
    DossierEvent.Kind.RECEIVED,
    DossierEvent.Kind.ASSIGNED,
    DossierEvent.Kind.TRANSFERRED,
    DossierEvent.Kind.SUPPLEMENT_REQUESTED,
    DossierEvent.Kind.RESUBMITTED,
    DossierEvent.Kind.APOLOGISED,
    DossierEvent.Kind.RESULT_READY,
    DossierEvent.Kind.RETURNED,
    DossierEvent.Kind.REFUSED,
    DossierEvent.Kind.STOPPED,
    DossierEvent.Kind.WITHDRAWN,
}


APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_id_number",
    "rating_comment",
)


def dossier_for_lookup(*, code: str, pin: str) -> Dossier | None:
    """The dossier with this code and PIN, or None: a wrong code and a wrong PIN look the same,
    and cost the same (the PIN's digest is compared in constant time, against a dummy when no
    dossier has the code: adminreform.pins)."""
    code, pin = code.strip().upper(), pin.strip()
    if not code or len(pin) != 6 or not pin.isdigit():
        return None
    # A public page: nothing personal is read, nor decrypted.
    candidates = list(
        Dossier.objects.filter(ref=code)
        .exclude(lookup_pin_digest="")
        .select_related("procedure", "unit")
        .defer(*APPLICANT_FIELDS)[:5]
    )
    if not candidates:
        pin_matches(pin, "")  # the same work as for a known code
        return None
    found = None
    for dossier in candidates:
        if pin_matches(pin, dossier.lookup_pin_digest) and found is None:
            found = dossier
    return found


def dossier_public_status(*, dossier: Dossier) -> PublicDossierStatus:
    kinds = {k.value: k.label for k in DossierEvent.Kind}
    steps = tuple(
        PublicStep(label=str(kinds[e.kind]), on=timezone.localdate(e.occurred_at))
        for e in dossier.events.filter(kind__in=PUBLIC_STEP_KINDS).order_by("occurred_at", "pk")
    )
    return PublicDossierStatus(
        ref=dossier.ref,
        procedure=dossier.procedure.name if dossier.procedure else "",
        unit=dossier.unit.name,
        status=dossier.status,
        status_label=str(DossierStatus(dossier.status).label),
        received_on=dossier.received_on,
        appointment_on=dossier.appointment_on,
        resolved_on=dossier.resolved_on,
        steps=steps,
        can_rate=dossier.status == DossierStatus.RETURNED and dossier.rated_at is None,
        rated=dossier.rated_at is not None,
    )


@dataclass(frozen=True)
class SatisfactionStats:
    """The applicants' ratings of dossiers returned in a period (one query)."""

    rated: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    came_once: int

    @property
    def satisfied_pct(self) -> float | None:
        """Very satisfied or satisfied, out of the rated dossiers."""
        return None if not self.rated else (self.very_satisfied + self.satisfied) * 100 / self.rated


def dossier_satisfaction_stats(*, unit: Unit, start: date, end: date) -> SatisfactionStats:
    """Ratings of the dossiers of `unit` and the units below it resolved from `start` to `end`."""
    row = Dossier.objects.filter(
        unit__path__startswith=unit.path,
        resolved_on__gte=start,
        resolved_on__lte=end,
        rated_at__isnull=False,
    ).aggregate(
        rated=Count("pk"),
        very_satisfied=Count("pk", filter=Q(rating_score=3)),
        satisfied=Count("pk", filter=Q(rating_score=2)),
        not_satisfied=Count("pk", filter=Q(rating_score=1)),
        came_once=Count("pk", filter=Q(rating_visits=1)),
    )
    return SatisfactionStats(**row)


def dossier_work_for(user: User, today: date) -> list[WorkItem]:
    """The dossiers assigned to the user whose appointment date has passed or falls within 3
    working days ("Việc của tôi", core.work)."""
    from civicdesk.workdays import add_working_days
    from core.selectors import calendar_around

    soon = add_working_days(today, 3, calendar=calendar_around(today))
    mine = Dossier.objects.filter(assignee=user, status__in=OPEN_STATUSES, due_on__lte=soon).select_related("procedure")
    kind = gettext_lazy("Dossier")
    return [
        WorkItem(
            OVERDUE if d.due_on < today else SOON,
            kind,
            f"{d.ref} · {d.procedure.name if d.procedure else ''}",
            reverse("adminreform:dossier_detail", args=[d.pk]),
            d.due_on,
        )
        for d in mine.order_by("due_on")[:50]
    ]
