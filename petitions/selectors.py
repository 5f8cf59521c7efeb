"""Reads of the petitions app. Every staff read is scoped by membership (404 elsewhere)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.crypto import IndexFamily, blind_index, looks_like_email, looks_like_identity_number, looks_like_phone
from civicdesk.workdays import Deadline, add_working_days
from core.choices import PetitionKind
from core.collation import vietnamese
from core.models import Role, Unit
from core.search import search
from core.selectors import (
    STAFF_ROLES,
    ancestor_paths,
    calendar_around,
    deadline_for,
    kept_unit,
    public_root_path,
    scope_to_user,
    unit_paths_for,
    unit_subtree_q,
)
from core.work import NEW, OVERDUE, SOON, WorkItem

from . import fastpath
from .choices import Result, Step
from .fastpath import QueueRow, UnitQueue
from .models import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Attachment,
    DecisionExecution,
    DecisionFigures,
    Petition,
    PetitionDuty,
    PetitionEvent,
    PetitionStatus,
)
from .rules import limitation_start
from .text import fold, normalise_code

AnyUser = User | AnonymousUser
Kind = PetitionEvent.Kind


def petition_list_visible_to(*, user: AnyUser) -> QuerySet[Petition]:
    """Petitions of the units (and the units below them) where `user` is staff."""
    return scope_to_user(Petition.objects.all(), user=user, roles=STAFF_ROLES)


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""
    status: str = "open"  # "open", "all" or a PetitionStatus value
    unit: str = ""  # unit code
    channel: str = ""
    overdue: bool = False
    assignee: int | None = None
    q: str = ""


def petition_queue(*, user: AnyUser, filters: QueueFilters, today: date | None = None) -> QuerySet[Petition]:
    """The official's queue: overdue first, then the nearest deadline; searchable with or
    without Vietnamese diacritics."""
    today = today or timezone.localdate()
    pending = PetitionDuty.objects.filter(petition=OuterRef("pk"), done_on__isnull=True)
    qs = (
        petition_list_visible_to(user=user)
        .select_related("unit", "assignee")
        .annotate(duty_due_on=Subquery(pending.values("petition").annotate(m=Min("due_on")).values("m")[:1]))
    )
    if filters.status == "open":
        # A concluded denunciation stays in the queue until the denouncer is notified and the
        # conclusion published (Luật Tố cáo art. 35, 40).
        qs = qs.filter(Q(status__in=OPEN_STATUSES) | Q(Exists(pending)))
    elif filters.status and filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.overdue:
        qs = qs.filter(Q(status__in=CLOCK_STATUSES, due_on__lt=today) | Q(duty_due_on__lt=today))
    if filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    exact = exact_contact_q(filters.q)
    if exact is not None:
        # Exact, through the blind indexes; never a denunciation (a denouncer is not findable).
        qs = qs.filter((exact & ~Q(kind=PetitionKind.DENUNCIATION)) | Q(search_text__contains=fold(filters.q)))
    else:
        qs = search(qs, filters.q, folded=["search_text"])
    clock_due = DbCase(When(status__in=CLOCK_STATUSES, then=F("due_on")), default=Value(None))
    return qs.annotate(
        overdue_rank=DbCase(
            When(status__in=CLOCK_STATUSES, due_on__lt=today, then=Value(0)),
            When(duty_due_on__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        next_due_on=Least(Coalesce(clock_due, F("duty_due_on")), Coalesce(F("duty_due_on"), clock_due)),
    ).order_by("overdue_rank", F("next_due_on").asc(nulls_last=True), "-received_on", "-pk")


def exact_contact_q(text: str) -> Q | None:
    """The exact match of a whole identity number, phone or e-mail typed in a search box,
    through the filers' blind indexes (their columns are encrypted); None for other text."""
    text = text.strip()
    if looks_like_email(text):
        return Q(petitioner_email_index=blind_index(text, family=IndexFamily.PETITIONER_EMAIL))
    match = None
    if looks_like_identity_number(text):
        match = Q(id_number_digest=blind_index(text, family=IndexFamily.PETITIONER))
    if looks_like_phone(text):
        phone = Q(petitioner_phone_index=blind_index(text, family=IndexFamily.PETITIONER_PHONE))
        match = phone if match is None else match | phone
    return match


HOME_LEVELS = ("commune", "district", "province")


@dataclass(frozen=True)
class QueueScope:
    """Where `user`'s queue looks: `home_path` is the first unit of their staff scope (by path, so
    the highest) whose handlers the filter offers; `unit_id` is set when that scope is a single
    unit with no units below it (a commune official), whose unfiltered queue `UnitQueue` reads."""

    home_path: str | None
    unit_id: int | None


def queue_scope_of(*, user: AnyUser) -> QueueScope:
    """One read of the first two units of the scope answers both questions (fastpath.first_units):
    the queue asks it on every request."""
    paths = unit_paths_for(user=user, roles=STAFF_ROLES)
    if paths == []:
        return QueueScope(home_path=None, unit_id=None)
    first_two = fastpath.first_units(paths)
    home = next((path for _pk, path, level in first_two if level in HOME_LEVELS), None)
    if home is None and len(first_two) == 2:  # a scope whose first units are of no level listed
        units = Unit.objects.all() if paths is None else Unit.objects.filter(unit_subtree_q(paths, field=""))
        home = units.filter(level__in=HOME_LEVELS).order_by("path").values_list("path", flat=True).first()
    return QueueScope(home_path=home, unit_id=first_two[0][0] if paths and len(first_two) == 1 else None)


def unit_queue(*, unit_id: int) -> UnitQueue:
    """The unfiltered open queue of one unit (a `QueueScope.unit_id`), in `petition_queue`'s
    order, read in ordered, indexed parts (fastpath.UnitQueue)."""
    return UnitQueue(unit_id=unit_id)


def deadline_state(petition: Petition | QueueRow, *, today: date, soon_until: date) -> str:
    """'overdue', 'soon' (within 3 working days), 'ok', 'stopped' (suspended) or '' (none)."""
    if petition.status == PetitionStatus.SUSPENDED:
        return "stopped"
    if petition.due_on is None or petition.status not in CLOCK_STATUSES:
        return ""
    if petition.due_on < today:
        return "overdue"
    if petition.due_on <= soon_until:
        return "soon"
    return "ok"


def due_state(due_on: date | None, *, today: date, soon_until: date) -> str:
    """'overdue', 'soon', 'ok' or '' for a stored deadline that is running."""
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    return "soon" if due_on <= soon_until else "ok"


def petition_duties(*, petition: Petition) -> QuerySet[PetitionDuty]:
    """The denunciation duties (notify the denouncer, publish the conclusion) with their rules."""
    return PetitionDuty.objects.filter(petition=petition).select_related("rule", "done_by").order_by("due_on", "pk")


def decision_figures_of(*, petition: Petition) -> DecisionFigures | None:
    """The figures recorded with the petition's decision or conclusion, if any."""
    return DecisionFigures.objects.filter(petition=petition).first()


def decision_execution_of(*, petition: Petition) -> DecisionExecution | None:
    """What has been recorded as carried out of the petition's decision or conclusion, if anything."""
    return DecisionExecution.objects.filter(petition=petition).first()


def proposed_refusal_reason(*, petition: Petition) -> str:
    """The reason a refusal proposes for a complaint filed out of time (Luật Khiếu nại art. 9, 11)
    or one whose matter a court has judged (art. 11)."""
    if petition.court_judgment and petition.kind == PetitionKind.COMPLAINT:
        return _("A court has already accepted or decided the matter of the complaint (Luật Khiếu nại art. 11).")
    if not petition.filed_out_of_time or petition.limitation_due_on is None or petition.limitation_rule is None:
        return ""
    rule, start = petition.limitation_rule, limitation_start(petition)
    return _(
        "The complaint was received on %(received)s, after its limitation period: %(days)d days from "
        "%(known)s ended on %(due)s (%(basis)s; "
        "Luật Khiếu nại art. 11). No force majeure was shown."
    ) % {
        "received": f"{petition.filed_on:%d/%m/%Y}",
        "days": rule.amount or 0,
        "known": f"{start[1]:%d/%m/%Y}" if start else "—",
        "due": f"{petition.limitation_due_on:%d/%m/%Y}",
        "basis": rule.legal_basis_display,
    }


def soon_cutoff(today: date) -> date:
    return add_working_days(today, 3, calendar=calendar_around(today))


def petition_timeline(*, petition: Petition) -> QuerySet[PetitionEvent]:
    """The case timeline for officials, oldest first: every event of the petition and, when it
    belongs to a case, of the case's other petitions and of the petition it was transferred from."""
    scope = Q(petition=petition)
    if petition.case_id:
        scope |= Q(petition__case_id=petition.case_id)
    if petition.transferred_from_id:
        scope |= Q(petition_id=petition.transferred_from_id)
    return PetitionEvent.objects.filter(scope).select_related("actor", "petition").order_by("occurred_at", "pk")


HANDLER_ROLES = (Role.OFFICER, Role.HANDLER, Role.HEAD)


def handlers_for(*, unit: Unit) -> QuerySet[User]:
    """Officials who can be made responsible for a petition of `unit`."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__unit__path__in=ancestor_paths(unit.path),
            memberships__role__in=HANDLER_ROLES,
        )
        .distinct()
        .order_by(vietnamese("last_name"), vietnamese("first_name"))
    )


def handler_choices_for(*, unit_path: str) -> list[tuple[int, str]]:
    """`handlers_for` the unit at `unit_path` as (id, full name or username) choices, read by one
    plain statement (fastpath.handler_choices): the queue's filter offers them on every request."""
    return fastpath.handler_choices(paths=ancestor_paths(unit_path), roles=HANDLER_ROLES)


# --- duplicates ------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    petition: Petition
    reasons: tuple[str, ...]


def _trigram_available() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


SIMILARITY = 0.45


def petition_duplicate_candidates(
    *, petition: Petition, may_reveal: bool = False, limit: int = 10
) -> list[DuplicateCandidate]:
    """Petitions of the same unit likely about the same matter, for an official to confirm:
    same identity number, phone or e-mail, same respondent, or a similar subject (PostgreSQL trigram
    similarity where pg_trgm is installed, else a word-sequence ratio).

    A denunciation is offered only to a viewer who `may_reveal` denouncers' identities in the
    unit (petitions.services.user_may_reveal), and never for its identity number: that match
    would name the denouncer (see `petition_protected_matches`)."""
    base = Petition.objects.filter(unit_id=petition.unit_id).exclude(pk=petition.pk).select_related("case")
    if not may_reveal:
        base = base.exclude(kind=PetitionKind.DENUNCIATION)
    if petition.case_id:
        base = base.exclude(case_id=petition.case_id)
    reasons: dict[int, list[str]] = {}
    found: dict[int, Petition] = {}

    def add(qs: QuerySet[Petition], reason: str) -> None:
        for p in qs[:limit]:
            found[p.pk] = p
            reasons.setdefault(p.pk, []).append(reason)

    if petition.id_number_digest and not petition.is_denunciation:
        same_number = base.filter(id_number_digest=petition.id_number_digest).exclude(kind=PetitionKind.DENUNCIATION)
        add(same_number, _("same identity number"))
    if not petition.is_denunciation:
        # The filer's contacts, through their blind indexes (a denunciation carries none).
        for index, reason in (
            ("petitioner_phone_index", _("same phone number")),
            ("petitioner_email_index", _("same e-mail address")),
        ):
            value = getattr(petition, index)
            if value:
                add(base.filter(**{index: value}).exclude(kind=PetitionKind.DENUNCIATION), reason)
    if petition.respondent.strip():
        add(base.filter(respondent__iexact=petition.respondent.strip()), _("same respondent"))
    subject = petition.subject.strip()
    if subject:
        if _trigram_available():
            from django.contrib.postgres.search import TrigramSimilarity

            similar = (
                base.annotate(similarity=TrigramSimilarity("subject", subject))
                .filter(similarity__gte=SIMILARITY)
                .order_by("-similarity")
            )
            add(similar, _("similar subject"))
        else:
            folded = fold(subject)
            recent = base.filter(received_on__year__gte=petition.received_on.year - 2).order_by("-received_on")[:500]
            for p in recent:
                if difflib.SequenceMatcher(None, folded, fold(p.subject)).ratio() >= 0.75:
                    found[p.pk] = p
                    reasons.setdefault(p.pk, []).append(_("similar subject"))
    ranked = sorted(found.values(), key=lambda p: (-len(reasons[p.pk]), -p.pk))
    return [DuplicateCandidate(petition=p, reasons=tuple(reasons[p.pk])) for p in ranked[:limit]]


def petition_protected_matches(*, petition: Petition, identity_number: str) -> int:
    """How many other petitions of the unit carry the same identity number across the
    denouncer's secrecy: denunciations with a complaint's number, or, for a denunciation
    (`identity_number` read from its vault), the same denouncer's other petitions. Only a count:
    the page of someone allowed to open identities says one may be related, never which."""
    if not identity_number:
        return 0
    others = Petition.objects.filter(unit_id=petition.unit_id).exclude(pk=petition.pk)
    denouncer = Q(
        kind=PetitionKind.DENUNCIATION,
        id_number_digest=blind_index(identity_number, family=IndexFamily.DENOUNCER),
    )
    if not petition.is_denunciation:
        return others.filter(denouncer).count()
    filer = Q(id_number_digest=blind_index(identity_number, family=IndexFamily.PETITIONER)) & ~Q(
        kind=PetitionKind.DENUNCIATION
    )
    return others.filter(denouncer | filer).count()


# --- public tracking -------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    on: date
    text: str


@dataclass(frozen=True)
class PublicTracking:
    code: str
    kind: str
    received_on: date
    status: str
    step: str
    due_on: date | None
    timeline: list[PublicStep] = field(default_factory=list)
    # Once resolved: the result, the answer's text (never a denunciation's: its denouncer gets
    # only the conclusion notice, Luật Tố cáo art. 40) and the reply letter, if one was attached.
    result: str = ""
    resolved_on: date | None = None
    answer: str = ""
    letter: Attachment | None = None
    is_denunciation: bool = False


def public_units() -> QuerySet[Unit]:
    """Units a citizen can send a petition to: the city and its communes (setting
    PETITIONS_PUBLIC_ROOT), or every unit when that root is not loaded."""
    root = public_root_path(code=settings.PETITIONS_PUBLIC_ROOT)
    units = Unit.objects.filter(valid_to__isnull=True).order_by("level", vietnamese("name"))
    return units if root is None else units.filter(path__startswith=root)


def public_unit_by_code(code: str) -> Unit | None:
    """One of `public_units` by its code, None if it is not one of them. Answered from the units
    kept per process (core.selectors.kept_unit): every online filing asks, and the list changes
    about never."""
    root = public_root_path(code=settings.PETITIONS_PUBLIC_ROOT)
    return kept_unit(("public-units", root), public_units, code)


def petition_by_code(*, code: str) -> Petition | None:
    """The petition a citizen's tracking code names, with the lookup's columns only (the secret
    check and the tracking page), read by one prepared statement (fastpath.petition_by_code)."""
    code = normalise_code(code)
    return fastpath.petition_by_code(code) if code else None


def petition_lookup(*, code: str) -> tuple[Petition | None, list[PetitionEvent]]:
    """`petition_by_code` with the petition's events, which its tracking page shows
    (`petition_public_tracking(events=…)`), in one prepared statement
    (fastpath.petition_and_events_by_code). The events are read before the secret is checked:
    the caller shows nothing of them unless it matches."""
    code = normalise_code(code)
    return fastpath.petition_and_events_by_code(code) if code else (None, [])


# What the citizen reads for each event kind (translated when shown); kinds not listed, and
# those handled in _public_text, are internal (assignment, identity access, reminders...).
PUBLIC_TEXTS: dict[str, Promise] = {
    Kind.RECEIVED: gettext_lazy("Your petition was received and registered."),
    Kind.TRANSFER_RECEIVED: gettext_lazy("The competent body received your petition."),
    Kind.CLASSIFIED: gettext_lazy("Your petition was examined and classified."),
    Kind.SPLIT: gettext_lazy("Your petition has several contents: each is handled separately."),
    Kind.ACCEPTED: gettext_lazy("Your petition was accepted for resolution."),
    Kind.TRANSFERRED: gettext_lazy("Your petition was sent on to the competent body."),
    Kind.URGED: gettext_lazy("The body responsible was urged to resolve your matter."),
    Kind.FILED: gettext_lazy("Your petition was filed without further action."),
    Kind.NO_ACTION: gettext_lazy("Your petition is not processed further."),
    Kind.ORIGINALS_RETURNED: gettext_lazy("Your original documents were returned to you."),
    Kind.EXTENDED: gettext_lazy("The time to resolve was extended, as the law allows for a complex case."),
    Kind.SUSPENDED: gettext_lazy("Resolution is suspended for now."),
    Kind.RESUMED: gettext_lazy("Resolution has resumed."),
    Kind.PUBLISHED: gettext_lazy("The conclusion was made public, without your identity."),
}


def _public_text(kind: str, data: dict[str, object], reason: str) -> str | None:
    """Plain Vietnamese for the citizen; None for events the public never sees (assignment,
    identity access, reminders, internal grouping)."""
    if kind == Kind.GUIDED:
        return _("Your petition is not within this body's competence: you are guided to send it to %(body)s.") % {
            "body": data.get("body", "")
        }
    if kind == Kind.NOTIFIED:
        if data.get("duty") == "notify_acceptance":
            return _("You were notified in writing that your denunciation was accepted.")
        if data.get("duty") == "notify_suspension":
            return _("You were sent the decision suspending the resolution.")
        if data.get("duty") == "send_decision":
            return _("The decision on your complaint was sent to you.")
        return _("You were notified in writing of the conclusion.")
    if kind == Kind.REFUSED:
        return _("Your petition was not accepted. Reasons: %(reason)s") % {"reason": reason}
    if kind == Kind.RESOLVED:
        result = str(data.get("result", ""))
        label = Result(result).label if result in Result.values else ""
        return _("Your petition was resolved: %(result)s.") % {"result": label}
    text = PUBLIC_TEXTS.get(kind)
    return str(text) if text is not None else None


def petition_public_tracking(*, petition: Petition, events: Sequence[PetitionEvent] | None = None) -> PublicTracking:
    """What the citizen may see: status, the running step's deadline and a plain timeline.
    Never the identity, internal notes or who handles it. Follows a transfer to the unit
    that received it. `events`: the petition's own, already read (`petition_lookup`); a
    transfer chain's are read anew."""
    chain = [petition]
    current = petition
    while current.status == PetitionStatus.TRANSFERRED:
        nxt = Petition.objects.filter(transferred_from=current).first()
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    timeline = []
    if events is None or len(chain) > 1:
        events = fastpath.public_events([p.pk for p in chain])
    for event in events:
        text = _public_text(event.kind, event.data or {}, event.reason)
        if text:
            timeline.append(PublicStep(on=timezone.localtime(event.occurred_at).date(), text=text))
    running = current.status in CLOCK_STATUSES and current.due_on is not None
    resolved = current.status == PetitionStatus.RESOLVED and current.result in Result.values
    return PublicTracking(
        result=str(Result(current.result).label) if resolved else "",
        resolved_on=current.resolved_on if resolved else None,
        answer=current.result_note if resolved and not current.is_denunciation else "",
        letter=petition_reply_letter(petition=current) if resolved else None,
        is_denunciation=current.is_denunciation,
        code=petition.tracking_code or "",
        kind=str(PetitionKind(current.kind).label),
        received_on=petition.received_on,
        status=str(PetitionStatus(current.status).label),
        step=str(Step(current.step).label) if running and current.step else "",
        due_on=current.due_on if running else None,
        timeline=timeline,
    )


def petition_reply_letter(*, petition: Petition) -> Attachment | None:
    """The reply letter attached when the petition was resolved (the latest, if several)."""
    return petition.attachments.filter(is_reply=True).order_by("-pk").first()


def petition_public_letter(*, petition: Petition) -> Attachment | None:
    """The reply letter a citizen may download with the code and secret of `petition`: that of
    the petition the tracking page shows (the unit it was transferred to, if any)."""
    tracking = petition_public_tracking(petition=petition)
    return tracking.letter


def complaint_limitation(*, known_on: date) -> Deadline:
    """The last day to file a first-time complaint about a decision received or known on
    `known_on` (Luật Khiếu nại art. 9, the rule `complaint.limitation`)."""
    return deadline_for(code="complaint.limitation", start=known_on)


def petition_work_for(user: User, today: date) -> list[WorkItem]:
    """A handler's petitions by urgency ("Việc của tôi", core.work): those assigned to the
    user whose running step is overdue or due within 3 working days; new: those assigned to the
    user and not yet accepted or decided, and, for a desk officer or head, the petitions of
    their units still waiting to be classified; and the pending steps with a limit of their own
    (PetitionDuty) on those petitions, overdue or due within 3 working days."""
    soon = soon_cutoff(today)
    kind = gettext_lazy("Petition")
    items: list[WorkItem] = []
    # One query: the user's petitions due soon or overdue, and those given to the user and not
    # yet accepted or decided (their first step waits: new).
    first_step = (PetitionStatus.RECEIVED, PetitionStatus.CLASSIFIED)
    mine = Petition.objects.filter(
        Q(status__in=CLOCK_STATUSES, due_on__lte=soon) | Q(status__in=first_step), assignee=user
    ).select_related("unit")
    for p in mine.order_by("due_on")[:50]:
        if p.due_on is not None and p.due_on < today:
            group = OVERDUE
        elif p.due_on is not None and p.due_on <= soon:
            group = SOON
        else:
            group = NEW
        items.append(WorkItem(group, kind, f"{p.ref} · {p.subject}", p.get_absolute_url(), p.due_on))
    desk_units = unit_paths_for(user=user, roles=(Role.OFFICER, Role.HEAD))
    if desk_units:
        waiting = (
            petition_list_visible_to(user=user)
            .filter(status=PetitionStatus.RECEIVED, assignee__isnull=True, unit__path__in=desk_units)
            .order_by("due_on")[:50]
        )
        for p in waiting:
            group = OVERDUE if p.due_on and p.due_on < today else NEW
            items.append(WorkItem(group, kind, f"{p.ref} · {p.subject}", p.get_absolute_url(), p.due_on))
    # One query: the steps with a limit of their own (a notice, a repeated denunciation's review
    # or report) due soon or overdue, on the user's petitions or, for a desk officer or head,
    # on their units' petitions.
    whose = (
        Q(petition__assignee=user) | Q(petition__unit__path__in=desk_units)
        if desk_units
        else Q(petition__assignee=user)
    )
    duties = PetitionDuty.objects.filter(whose, done_on__isnull=True, due_on__lte=soon).select_related("petition")
    for d in duties.order_by("due_on", "pk")[:50]:
        group = OVERDUE if d.due_on < today else SOON
        label = f"{d.petition.ref} · {d.get_duty_display()}"
        items.append(WorkItem(group, kind, label, d.petition.get_absolute_url(), d.due_on))
    return items
