"""Reads of the reception app: scoped lists, repeat candidates, the reception book,
the head's frequency check and the public schedule."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicdesk.crypto import IndexFamily, blind_index
from core.choices import PetitionKind
from core.collation import vietnamese
from core.models import Role, Unit
from core.selectors import STAFF_ROLES, AnyUser, ancestor_paths, scope_to_user, unit_search
from core.work import FOLLOW_UP, OVERDUE, SOON, TODAY, WorkItem

from .models import (
    FINAL_ANSWERS,
    FREQUENCY_RECEIVERS,
    HEAD_SESSION_KINDS,
    RECEPTION_DAY_KINDS,
    DialogueConference,
    FollowUpItem,
    FollowUpStatus,
    ForwardedResult,
    ReceivedBy,
    ReceptionSession,
    SessionKind,
    Visit,
)
from .rules import FrequencyPeriod, required_reception_periods

# Who reads the desk's records (sessions, visits, follow-ups) in their units: the desk and the
# inspectors. Who may change them is reception.policies' business.
DESK_READERS: tuple[str, ...] = STAFF_ROLES
# Who reads the heads' reception days against the legal minimum.
LEADER_ROLES: tuple[str, ...] = (Role.HEAD, Role.LEADER_VIEWER, Role.INSPECTOR, Role.ADMIN)
# Who may be named as the official receiving at a session.
RECEIVER_ROLES: tuple[str, ...] = (Role.HEAD, Role.OFFICER, Role.HANDLER)

# How far back, and over how many earlier visits, a citizen's name and address are looked for.
REPEAT_LOOKBACK_DAYS = 3 * 365
REPEAT_CONTENT_SCAN = 500
REPEAT_CONTENT_THRESHOLD = 0.5


# --- scoped lists ----------------------------------------------------------------------


def session_list_visible_to(*, user: AnyUser) -> QuerySet[ReceptionSession]:
    return scope_to_user(ReceptionSession.objects.all(), user=user, roles=DESK_READERS).select_related(
        "unit", "receiver"
    )


def visit_list_visible_to(*, user: AnyUser) -> QuerySet[Visit]:
    return scope_to_user(Visit.objects.all(), user=user, roles=DESK_READERS).select_related("unit", "session")


def follow_up_list_visible_to(*, user: AnyUser) -> QuerySet[FollowUpItem]:
    return scope_to_user(FollowUpItem.objects.all(), user=user, roles=DESK_READERS).select_related(
        "unit", "owner", "session"
    )


def dialogue_list_visible_to(*, user: AnyUser) -> QuerySet[DialogueConference]:
    return scope_to_user(DialogueConference.objects.all(), user=user, roles=DESK_READERS).select_related("unit")


def units_for_desk(*, user: AnyUser, roles: Iterable[str] = DESK_READERS) -> QuerySet[Unit]:
    """The units whose desk `user` reads (or, with `roles`, those where they hold one of them:
    a policy rule's roles, for the units a form may act in)."""
    return scope_to_user(Unit.objects.all(), user=user, field="", roles=tuple(roles)).order_by("path")


def frequency_units_visible_to(*, user: AnyUser) -> QuerySet[Unit]:
    """The units whose heads' reception days `user` may check."""
    return scope_to_user(Unit.objects.all(), user=user, field="", roles=LEADER_ROLES).order_by("path")


def session_receiver_choices(*, units: QuerySet[Unit]) -> QuerySet[User]:
    """The active officials who may receive at a session of `units`."""
    return (
        User.objects.filter(is_active=True, memberships__unit__in=units, memberships__role__in=RECEIVER_ROLES)
        .distinct()
        .order_by(vietnamese("last_name"), vietnamese("first_name"))
    )


def online_participant_choices(*, session: ReceptionSession) -> QuerySet[User]:
    """The officials who may take part in an online session: those who may receive at a session
    of its unit or of a unit above it."""
    units = Unit.objects.filter(path__in=ancestor_paths(session.unit.path))
    return (
        User.objects.filter(is_active=True, memberships__unit__in=units, memberships__role__in=RECEIVER_ROLES)
        .distinct()
        .order_by(vietnamese("last_name"), vietnamese("first_name"), "username")
    )


def follow_up_owner_choices(*, unit: Unit) -> QuerySet[User]:
    """The officials of `unit` and of the units above it, who may own a follow-up item."""
    return (
        User.objects.filter(memberships__unit__path__in=ancestor_paths(unit.path))
        .distinct()
        .order_by(vietnamese("last_name"), vietnamese("first_name"))
    )


def visit_answer_queue(*, user: AnyUser) -> QuerySet[Visit]:
    """Visits still owed an answer (Luật TCD art. 28), earliest deadline first: overdue ones lead."""
    return (
        visit_list_visible_to(user=user)
        .filter(answer_due_on__isnull=False)
        .exclude(answer__in=FINAL_ANSWERS)
        .order_by("answer_due_on", "pk")
    )


def session_current_for(*, unit: Unit, day: date) -> ReceptionSession | None:
    """The session of `unit` on `day` a desk visit belongs to: the head's session if there is one."""
    sessions = list(ReceptionSession.objects.filter(unit=unit, date=day).order_by("kind", "pk"))
    head = [s for s in sessions if s.is_head_session]
    chosen = head or sessions
    return chosen[0] if chosen else None


# --- repeat detection -----------------------------------------------------------------


@dataclass(frozen=True)
class RepeatCandidate:
    visit: Visit
    reason: str  # "identity", "name_address" or "close" (name and address close, content similar)
    score: float = 1.0  # for "close": the share of distinctive words the contents have in common

    @property
    def is_strong(self) -> bool:
        return self.reason in {"identity", "name_address"}

    @property
    def similarity_percent(self) -> int:
        return round(self.score * 100)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", _fold(text)) if len(w) >= 3}


def content_similarity(a: str, b: str) -> float:
    """Share of distinctive words two texts have in common (Jaccard), accents and case ignored."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


# Words an address is written with or without ("Số 5 Hàng Bạc" is "5 Hàng Bạc").
_ADDRESS_FILLER = frozenset({"so", "nha", "phuong", "xa", "quan", "huyen", "thanh", "pho", "tp", "p", "q"})


def _name_close(a: str, b: str) -> bool:
    """The same name, accents and case ignored, or one letter mistyped."""
    fa, fb = " ".join(_fold(a).split()), " ".join(_fold(b).split())
    if not fa or not fb:
        return False
    return fa == fb or (len(fa.split()) == len(fb.split()) and SequenceMatcher(None, fa, fb).ratio() >= 0.9)


def _address_close(a: str, b: str) -> bool:
    """The same house numbers and the shorter address's words found in the longer one:
    "so 5 hang bac" is close to "Số 5 Hàng Bạc, phường Hoàn Kiếm", "Số 7 Hàng Bạc" is not."""
    ta = [w for w in re.findall(r"\w+", _fold(a)) if w not in _ADDRESS_FILLER]
    tb = [w for w in re.findall(r"\w+", _fold(b)) if w not in _ADDRESS_FILLER]
    numbers_a, numbers_b = (
        {w for w in ta if any(c.isdigit() for c in w)},
        {w for w in tb if any(c.isdigit() for c in w)},
    )
    if not ta or not tb or numbers_a != numbers_b:
        return False
    short, long = (set(ta), set(tb)) if len(set(ta)) <= len(set(tb)) else (set(tb), set(ta))
    return len(short & long) / len(short) >= 0.75


def visit_repeat_candidates(
    *,
    unit: Unit,
    identity_number: str = "",
    citizen_name: str = "",
    address: str = "",
    content: str = "",
    before: date | None = None,
    exclude_pk: int | None = None,
    with_denunciations: bool = False,
    limit: int = 5,
) -> list[RepeatCandidate]:
    """Earlier visits of the same citizen in the unit's subtree, best first, each with its reason:

    - "identity": the same identity number (through its blind index);
    - "name_address": the same name and address, case and accents ignored;
    - "close": name and address close (a letter mistyped, "Số" or the ward left out) *and*
      content similar (at least half of the distinctive words in common).

    Similar content alone is no evidence of the same citizen and is never proposed; two
    different identity numbers rule a match by name out. Two queries at most. Denunciation
    visits come back only `with_denunciations` (an official allowed to open denouncers'
    identities), and even then never by identity: their rows carry none (it is in the vault).
    """
    scope = Visit.objects.filter(unit__path__startswith=unit.path).select_related("unit")
    if not with_denunciations:  # only for those allowed to open denouncers' identities
        scope = scope.exclude(kind=PetitionKind.DENUNCIATION)
    if before is not None:
        scope = scope.filter(received_on__lte=before)
    if exclude_pk is not None:
        scope = scope.exclude(pk=exclude_pk)
    found: dict[int, RepeatCandidate] = {}
    index = blind_index(identity_number, family=IndexFamily.VISITOR)
    name, addr = citizen_name.strip(), address.strip()
    if index:
        for visit in scope.filter(identity_number_index=index).order_by("-received_on", "-pk")[:limit]:
            found[visit.pk] = RepeatCandidate(visit, "identity")
    if not (name and addr) or len(found) >= limit:
        return list(found.values())
    # Name and address: one scan of the recent visits, compared in Python (accents, typing).
    recent = (
        scope.exclude(pk__in=found)
        .exclude(citizen_name="")
        .filter(received_on__gte=(before or timezone.localdate()) - timedelta(days=REPEAT_LOOKBACK_DAYS))
        .order_by("-received_on", "-pk")[:REPEAT_CONTENT_SCAN]
    )
    same: list[RepeatCandidate] = []
    close: list[RepeatCandidate] = []
    folded_name, folded_addr = _fold(" ".join(name.split())), _fold(" ".join(addr.split()))
    for visit in recent:
        if index and visit.identity_number_index and visit.identity_number_index != index:
            continue  # two different identity numbers: two people
        if (
            _fold(" ".join(visit.citizen_name.split())) == folded_name
            and _fold(" ".join(visit.address.split())) == folded_addr
        ):
            same.append(RepeatCandidate(visit, "name_address"))
        elif _name_close(name, visit.citizen_name) and _address_close(addr, visit.address):
            score = content_similarity(content, visit.content)
            if score >= REPEAT_CONTENT_THRESHOLD:
                close.append(RepeatCandidate(visit, "close", round(score, 2)))
    close.sort(key=lambda c: -c.score)
    for candidate in [*same, *close]:
        if len(found) >= limit:
            break
        found[candidate.visit.pk] = candidate
    return list(found.values())


# --- the reception book (Sổ tiếp công dân, Mẫu 03/TCD) ---------------------------------


def reception_book_visits(*, unit: Unit, start: date, end: date) -> QuerySet[Visit]:
    """The visits the unit itself received in [start, end], in book order. One query."""
    return (
        Visit.objects.filter(unit=unit, received_on__gte=start, received_on__lte=end)
        .select_related("session", "forwarded_result")
        .order_by("received_on", "pk")
    )


# --- the head's reception frequency ---------------------------------------------------


@dataclass(frozen=True)
class FrequencyResult:
    period: FrequencyPeriod
    held: int
    in_progress: bool = False  # the period has not ended yet: not a miss until it has

    @property
    def met(self) -> bool:
        return self.held >= self.period.required

    @property
    def missed(self) -> bool:
        return not self.met and not self.in_progress


@dataclass(frozen=True)
class UnitFrequency:
    unit: Unit
    results: list[FrequencyResult]
    receiver: str = ReceivedBy.HEAD

    @property
    def receiver_label(self) -> str:
        return str(ReceivedBy(self.receiver).label)

    @property
    def has_minimum(self) -> bool:
        return any(r.period.required for r in self.results)

    @property
    def periods_met(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def periods_missed(self) -> int:
        return sum(1 for r in self.results if r.missed)

    @property
    def days_held(self) -> int:
        return sum(r.held for r in self.results)


def reception_days(*, units: list[Unit], start: date, end: date) -> dict[tuple[int, str], set[date]]:
    """Dates on which each unit's head, Party secretary or People's Council deputies received
    citizens in person, keyed by (unit id, receiver): reception sessions (not dialogue
    conferences) they received at, and visits recorded as received by them outside dialogue
    conferences (imported books have no sessions). The secretary's and deputies' days are read
    back to the unit's first one, so that a unit recording them is known even in a period when
    they held none (the day is then outside [start, end] and counts in no period).
    Two queries whatever the number of units."""
    ids = [u.pk for u in units]
    days: dict[tuple[int, str], set[date]] = defaultdict(set)
    others = [r for r in FREQUENCY_RECEIVERS if r != ReceivedBy.HEAD]
    when = Q(date__gte=start, date__lte=end, received_by=ReceivedBy.HEAD) | Q(date__lte=end, received_by__in=others)
    sessions = (
        ReceptionSession.objects.filter(when, unit_id__in=ids, kind__in=RECEPTION_DAY_KINDS)
        .values_list("unit_id", "received_by", "date")
        .distinct()
    )
    visit_when = Q(received_on__gte=start, received_on__lte=end, received_by=ReceivedBy.HEAD) | Q(
        received_on__lte=end, received_by__in=others
    )
    visits = (
        Visit.objects.filter(visit_when, unit_id__in=ids)
        .exclude(session__kind=SessionKind.DIALOGUE)
        .values_list("unit_id", "received_by", "received_on")
        .distinct()
    )
    for unit_id, receiver, day in [*sessions, *visits]:
        days[unit_id, receiver].add(day)
    return days


def head_frequency_check(*, unit: Unit, start: date, end: date, today: date | None = None) -> list[UnitFrequency]:
    """The unit's head and the heads of the units directly below it, against the legal minimum
    of each unit's level for each week or month of [start, end]; after each head, the unit's
    Party secretary and People's Council deputies where the unit records their reception. A
    period still running on `today` is not counted as missed yet. Three queries."""
    today = today or timezone.localdate()
    units = [unit, *Unit.objects.filter(parent=unit).order_by(vietnamese("name"))]
    by_unit = reception_days(units=units, start=start, end=end)
    rows = []
    for u in units:
        for receiver in FREQUENCY_RECEIVERS:
            if receiver != ReceivedBy.HEAD and (u.pk, receiver) not in by_unit:
                continue  # the unit does not record this receiver's reception
            held = by_unit.get((u.pk, receiver), set())
            results = [
                FrequencyResult(p, sum(1 for d in held if p.start <= d <= p.end), in_progress=p.end >= today)
                for p in required_reception_periods(level=u.level, start=start, end=end, receiver=receiver)
            ]
            rows.append(UnitFrequency(u, results, receiver))
    return rows


# --- public schedule -------------------------------------------------------------------


def public_unit_search(*, text: str, limit: int = 20) -> QuerySet[Unit]:
    text = text.strip()
    if len(text) < 2:
        return Unit.objects.none()
    return unit_search(text, limit=limit)


def public_schedule(*, unit: Unit, today: date | None = None, limit: int = 20) -> QuerySet[ReceptionSession]:
    """Published head sessions of the unit from today on, soonest first."""
    today = today or timezone.localdate()
    return (
        ReceptionSession.objects.filter(
            unit=unit, kind__in=HEAD_SESSION_KINDS, published_at__isnull=False, date__gte=today
        )
        .select_related("unit")
        .order_by("date", "start_time")[:limit]
    )


def follow_ups_open(*, user: AnyUser) -> QuerySet[FollowUpItem]:
    return follow_up_list_visible_to(user=user).filter(status=FollowUpStatus.OPEN)


def forwarded_notices_owed(*, user: AnyUser, until: date) -> QuerySet[ForwardedResult]:
    """Results of forwarded matters whose citizen is still to be told by `until` or earlier, in
    the units where `user` works the desk (officer or head), soonest first."""
    return scope_to_user(
        ForwardedResult.objects.filter(notified_on__isnull=True, notice_due_on__lte=until),
        user=user,
        field="visit__unit",
        roles=(Role.OFFICER, Role.HEAD),
    ).order_by("notice_due_on", "pk")


def reception_work_for(user: User, today: date) -> list[WorkItem]:
    """Today's reception sessions of the user's units, the follow-ups the user owns, and the
    citizens of the user's desk units still to be told a forwarded matter's result (Luật TCD
    art. 28(2)), these two when due within 3 working days or overdue ("Việc của tôi", core.work)."""
    from civicdesk.workdays import add_working_days
    from core.selectors import calendar_around

    items = [
        WorkItem(
            TODAY,
            gettext_lazy("Reception session"),
            f"{s.unit.name} · {s.start_time:%H:%M}" if s.start_time else s.unit.name,
            reverse("reception:session_detail", args=[s.pk]),
            s.date,
            s.place,
        )
        for s in session_list_visible_to(user=user).filter(date=today).select_related("unit")[:20]
    ]
    soon = add_working_days(today, 3, calendar=calendar_around(today))
    due = FollowUpItem.objects.filter(owner=user, status=FollowUpStatus.OPEN, due_on__lte=soon).order_by("due_on")
    items += [
        WorkItem(
            FOLLOW_UP,
            gettext_lazy("Follow-up"),
            f.description[:120],
            reverse("reception:followup_list"),
            f.due_on,
            gettext_lazy("overdue") if f.due_on < today else "",
        )
        for f in due[:50]
    ]
    owed = forwarded_notices_owed(user=user, until=soon).select_related("visit")
    items += [
        WorkItem(
            OVERDUE if r.notice_due_on < today else SOON,
            gettext_lazy("Tell the citizen the result"),
            f"{r.visit.ref} · {r.body}"[:160],
            reverse("reception:visit_detail", args=[r.visit_id]),
            r.notice_due_on,
        )
        for r in owed[:50]
        if r.notice_due_on is not None
    ]
    return items
