"""Reads of the petitions app. Every staff read is scoped by membership (404 elsewhere)."""

from __future__ import annotations

import copy
import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

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

from civicdesk.crypto import blind_index, looks_like_identity_number
from civicdesk.workdays import add_working_days
from core.choices import PetitionKind
from core.models import Role, Unit
from core.prepared import fetch_prepared
from core.selectors import (
    STAFF_ROLES,
    ancestor_paths,
    calendar_around,
    public_root_path,
    reference_cache,
    scope_to_user,
    unit_paths_for,
    unit_subtree_q,
    user_has_role,
)

from .models import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Petition,
    PetitionDuty,
    PetitionEvent,
    PetitionStatus,
    Result,
    Step,
)
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
    if looks_like_identity_number(filters.q):
        # Exact, through the blind index; never a denunciation (a denouncer is not findable).
        by_id = Q(id_number_digest=blind_index(filters.q)) & ~Q(kind=PetitionKind.DENUNCIATION)
        qs = qs.filter(by_id | Q(search_text__contains=fold(filters.q)))
    else:
        for word in fold(filters.q).split()[:6]:
            qs = qs.filter(search_text__contains=word)
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


HOME_LEVELS = ("commune", "district", "province")


@dataclass(frozen=True)
class QueueScope:
    """Where `user`'s queue looks: `home_path` is the first unit of their staff scope (by path, so
    the highest) whose handlers the filter offers; `unit_id` is set when that scope is a single
    unit with no units below it (a commune official), whose unfiltered queue `UnitQueue` reads."""

    home_path: str | None
    unit_id: int | None


def queue_scope_of(*, user: AnyUser) -> QueueScope:
    """One read of the first two units of the scope answers both questions (two queries before),
    in plain SQL: the queue asks it on every request."""
    paths = unit_paths_for(user=user, roles=STAFF_ROLES)
    if paths == []:
        return QueueScope(home_path=None, unit_id=None)
    prefixes = [connection.ops.prep_for_like_query(p) + "%" for p in paths or []]
    where = ("WHERE " + " OR ".join(["path LIKE %s ESCAPE '\\'"] * len(prefixes))) if prefixes else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, path, level FROM core_unit {where} ORDER BY path LIMIT 2", prefixes)  # noqa: S608
        first_two = cursor.fetchall()
    home = next((path for _pk, path, level in first_two if level in HOME_LEVELS), None)
    if home is None and len(first_two) == 2:  # a scope whose first units are of no level listed
        units = Unit.objects.all() if paths is None else Unit.objects.filter(unit_subtree_q(paths, field=""))
        home = units.filter(level__in=HOME_LEVELS).order_by("path").values_list("path", flat=True).first()
    return QueueScope(home_path=home, unit_id=first_two[0][0] if paths and len(first_two) == 1 else None)


class QueueRow(NamedTuple):
    """One row of the queue's table: only what it shows (and the order's keys), whichever read
    produced it. Never the petitioner or denouncer: the queue has no identity column. A named
    tuple: made fifty times a request, it costs a third of a frozen dataclass."""

    pk: int
    ref: str
    subject: str
    kind: str
    status: str
    due_on: date | None
    received_on: date
    duty_due_on: date | None  # the nearest pending denunciation duty
    unit_name: str
    handler: str  # "" when nobody is assigned

    @classmethod
    def of(cls, p: Petition) -> QueueRow:
        """From a petition of the general query (`petition_queue` with `select_related`)."""
        a = p.assignee
        return cls(
            pk=p.pk,
            ref=p.ref,
            subject=p.subject,
            kind=p.kind,
            status=p.status,
            due_on=p.due_on,
            received_on=p.received_on,
            duty_due_on=getattr(p, "duty_due_on", None),
            unit_name=p.unit.name,
            handler=(a.get_full_name() or a.username) if a else "",
        )


def _sql_list(values: Sequence[str]) -> str:
    """A SQL list of constant strings of this module (statuses): literals, not parameters, so that
    PostgreSQL can match the partial indexes' predicates whatever the driver's binding."""
    assert all(v.isidentifier() for v in values)
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_CLOCK, _OPEN = _sql_list(CLOCK_STATUSES), _sql_list(OPEN_STATUSES)
_PENDING = "SELECT 1 FROM petitions_petitionduty d WHERE d.petition_id = p.id AND d.done_on IS NULL"
_ROW = "p.id, p.ref, p.subject, p.kind, p.status, p.due_on, p.received_on, p.unit_id, p.assignee_id"
# One statement for a page: the three ordered parts (see UnitQueue), each an index range scan
# cut at offset + size + 1 rows, merged by the ORDER BY around them; the unit's name and the
# handler's are joined to the page's rows only (a deep page sorts up to 3 × (offset + 51)
# rows). Plain SQL, written once: building
# the three querysets and compiling them cost more CPU than the rest of the page
# (docs/performance.md, P5). `x IS NULL, x` is NULLS LAST on both PostgreSQL and SQLite. The
# bounded count stays a statement of its own: as a scalar subquery of the page it cost
# PostgreSQL more than the two apart (median 4.0 against 1.4 + 1.1 ms).
# The bounded count in the queue's own parts: the open rows are exactly those of the two partial
# indexes (dated and undated, disjoint), counted by index-only scans; then the closed rows that
# still owe a denunciation duty, found from the few pending duties. One scan of the unit's rows
# with a test per row read up to 1,001 heap rows (7–8 ms of PostgreSQL at 10M petitions, against
# 0.4 ms), and in a real unit, whose petitions are mostly closed, every one of them.
_UNIT_QUEUE_COUNT = f"""SELECT COUNT(*) FROM (
    SELECT 1 FROM petitions_petition p
    WHERE p.unit_id = %s AND p.status IN {_CLOCK} AND p.due_on IS NOT NULL
    UNION ALL
    SELECT 1 FROM petitions_petition p
    WHERE p.unit_id = %s
        AND (p.status = '{PetitionStatus.SUSPENDED.value}' OR (p.status IN {_CLOCK} AND p.due_on IS NULL))
    UNION ALL
    SELECT 1 FROM petitions_petition p
    WHERE p.unit_id = %s AND p.status NOT IN {_OPEN}
        AND p.id IN (SELECT d.petition_id FROM petitions_petitionduty d WHERE d.done_on IS NULL)
    LIMIT {{counted}}) counted"""  # noqa: S608
_UNIT_QUEUE_PAGE = f"""SELECT q.id, q.ref, q.subject, q.kind, q.status, q.due_on, q.received_on, q.duty_due_on,
    u.name, a.first_name, a.last_name, a.username
FROM (SELECT * FROM (
    SELECT * FROM (
        SELECT {_ROW}, w.duty_due_on,
            CASE WHEN p.status IN {_CLOCK} AND p.due_on < w.duty_due_on THEN p.due_on ELSE w.duty_due_on END
                AS next_due_on
        FROM petitions_petition p JOIN (
            SELECT d.petition_id, MIN(d.due_on) AS duty_due_on FROM petitions_petitionduty d
            WHERE d.done_on IS NULL GROUP BY d.petition_id
        ) w ON w.petition_id = p.id
        WHERE p.unit_id = %s
        ORDER BY next_due_on, p.received_on DESC, p.id DESC LIMIT {{need}}
    ) with_duty
    UNION ALL
    SELECT * FROM (
        SELECT {_ROW}, CAST(NULL AS date) AS duty_due_on, p.due_on AS next_due_on
        FROM petitions_petition p
        WHERE p.unit_id = %s AND p.status IN {_CLOCK} AND p.due_on IS NOT NULL AND NOT EXISTS ({_PENDING})
        ORDER BY p.due_on, p.received_on DESC, p.id DESC LIMIT {{need}}
    ) dated
    UNION ALL
    SELECT * FROM (
        SELECT {_ROW}, CAST(NULL AS date) AS duty_due_on, CAST(NULL AS date) AS next_due_on
        FROM petitions_petition p
        WHERE p.unit_id = %s AND (p.status = '{PetitionStatus.SUSPENDED.value}'
            OR (p.status IN {_CLOCK} AND p.due_on IS NULL)) AND NOT EXISTS ({_PENDING})
        ORDER BY p.received_on DESC, p.id DESC LIMIT {{need}}
    ) undated
) parts
ORDER BY next_due_on IS NULL, next_due_on, received_on DESC, id DESC
LIMIT {{limit}} OFFSET {{offset}}) q
JOIN core_unit u ON u.id = q.unit_id
LEFT JOIN auth_user a ON a.id = q.assignee_id
ORDER BY q.next_due_on IS NULL, q.next_due_on, q.received_on DESC, q.id DESC"""  # noqa: S608 - only this module's constants are formatted in


def _day(value: date | str | None) -> date | None:
    """SQLite hands back a computed date column as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _sized(statement: str, **sizes: int) -> str:
    """A queue statement with its sizes written in, so that its only parameter is the unit and
    PostgreSQL keeps one generic plan of it for every unit (core.prepared)."""
    return statement.format(**{name: int(value) for name, value in sizes.items()})


@dataclass(frozen=True)
class UnitQueue:
    """The unfiltered open queue of one unit, in exactly `petition_queue`'s order, read in
    ordered parts so that each is an index range scan with a LIMIT (docs/performance.md, P5):

    1. rows with a pending denunciation duty (few), by their nearest deadline;
    2. the other rows whose clock runs with a deadline, by `due_on` (petition_queue_dated_idx);
    3. the rest — suspended, or no deadline yet — newest first (petition_queue_undated_idx).

    "Overdue first" needs no part of its own: a row is overdue exactly when its nearest running
    deadline is before today, so ordering by that deadline puts the overdue rows first. The
    parts are read by one statement (`window`)."""

    unit_id: int

    def bounded_count(self, bound: int) -> int:
        """How many rows the queue has, counting no further than bound + 1."""
        sql = _sized(_UNIT_QUEUE_COUNT, counted=bound + 1)
        rows = fetch_prepared(f"unit_queue_count_{bound + 1}", sql, [self.unit_id] * 3)
        return int(rows[0][0])

    def window(self, offset: int, limit: int) -> list[QueueRow]:
        """Rows offset .. offset + limit - 1 of the queue."""
        need = offset + limit
        sql = _sized(_UNIT_QUEUE_PAGE, need=need, limit=limit, offset=offset)
        found = fetch_prepared(f"unit_queue_page_{limit}_{offset}", sql, [self.unit_id] * 3)
        return [
            QueueRow(
                pk=pk,
                ref=ref,
                subject=subject,
                kind=kind,
                status=status,
                due_on=_day(due_on),
                received_on=_day(received_on),  # type: ignore[arg-type]  # never NULL
                duty_due_on=_day(duty_due_on),
                unit_name=unit_name,
                handler=(f"{first} {last}".strip() or username) if username is not None else "",
            )
            for (
                pk,
                ref,
                subject,
                kind,
                status,
                due_on,
                received_on,
                duty_due_on,
                unit_name,
                first,
                last,
                username,
            ) in found
        ]

    def __getitem__(self, window: slice) -> list[QueueRow]:
        offset = window.start or 0
        return self.window(offset, window.stop - offset)


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


def proposed_refusal_reason(*, petition: Petition) -> str:
    """The reason a refusal proposes for a complaint filed out of time (Luật Khiếu nại art. 9, 11)."""
    if not petition.filed_out_of_time or petition.limitation_due_on is None or petition.limitation_rule is None:
        return ""
    from .services import limitation_start

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
        "basis": rule.legal_basis,
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
        .order_by("last_name", "first_name")
    )


def handler_choices_for(*, unit_path: str) -> list[tuple[int, str]]:
    """`handlers_for` the unit at `unit_path` as (id, full name or username) choices, read by one
    plain statement: the queue's filter offers them on every request."""
    paths = ancestor_paths(unit_path)
    sql = f"""SELECT DISTINCT a.id, a.first_name, a.last_name, a.username FROM auth_user a
        JOIN core_membership m ON m.user_id = a.id JOIN core_unit u ON u.id = m.unit_id
        WHERE a.is_active AND m.role IN {_sql_list(HANDLER_ROLES)} AND u.path IN ({", ".join(["%s"] * len(paths))})
        ORDER BY a.last_name, a.first_name"""  # noqa: S608 - constants and placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, paths)
        return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in cursor.fetchall()]


def user_can_handle(*, user: AnyUser, petition: Petition) -> bool:
    return user_has_role(user=user, unit=petition.unit, roles=(Role.OFFICER, Role.HANDLER, Role.HEAD, Role.ADMIN))


def user_is_head(*, user: AnyUser, petition: Petition) -> bool:
    return user_has_role(user=user, unit=petition.unit, roles=(Role.HEAD,))


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


def petition_duplicate_candidates(*, petition: Petition, limit: int = 10) -> list[DuplicateCandidate]:
    """Petitions of the same unit likely about the same matter, for an official to confirm:
    same identity number, same respondent, or a similar subject (PostgreSQL trigram
    similarity where pg_trgm is installed, else a word-sequence ratio)."""
    base = Petition.objects.filter(unit_id=petition.unit_id).exclude(pk=petition.pk).select_related("case")
    if petition.case_id:
        base = base.exclude(case_id=petition.case_id)
    reasons: dict[int, list[str]] = {}
    found: dict[int, Petition] = {}

    def add(qs: QuerySet[Petition], reason: str) -> None:
        for p in qs[:limit]:
            found[p.pk] = p
            reasons.setdefault(p.pk, []).append(reason)

    if petition.id_number_digest:
        add(base.filter(id_number_digest=petition.id_number_digest), _("same identity number"))
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


PUBLIC_TRACKING_FIELDS = (
    "id",
    "tracking_code",
    "tracking_secret_hash",
    "kind",
    "status",
    "step",
    "received_on",
    "due_on",
)


def public_units() -> QuerySet[Unit]:
    """Units a citizen can send a petition to: the city and its communes (setting
    PETITIONS_PUBLIC_ROOT), or every unit when that root is not loaded."""
    root = public_root_path(code=settings.PETITIONS_PUBLIC_ROOT)
    units = Unit.objects.filter(valid_to__isnull=True).order_by("level", "name")
    return units if root is None else units.filter(path__startswith=root)


def public_unit_by_code(code: str) -> Unit | None:
    """One of `public_units` by its code, None if it is not one of them. Answered from a copy
    kept per process (core.selectors.reference_cache: emptied when a unit is saved, at most a
    minute old elsewhere): every online filing asks, and the list changes about never."""
    root = public_root_path(code=settings.PETITIONS_PUBLIC_ROOT)
    units: dict[str, Unit] = reference_cache.get(
        ("public-units", root), lambda: {str(u.code): u for u in public_units()}
    )
    found = units.get(code)
    return copy.copy(found) if found is not None else None  # a copy: the kept one is shared


def petition_by_code(*, code: str) -> Petition | None:
    code = normalise_code(code)
    if not code:
        return None
    # The public lookup needs these columns only (the secret check and the tracking page), in
    # SQL written once and prepared once per connection: building the same ORM query on every
    # lookup cost more CPU than running it, and so did a raw queryset's mapping of its columns.
    names, sql = _by_code_sql()
    rows = fetch_prepared("petition_by_code", sql, [code])
    return Petition.from_db(connection.alias, names, rows[0]) if rows else None


@functools.cache
def _by_code_sql() -> tuple[list[str], str]:
    """The columns read (plain fields, in the model's order, as `from_db` takes them) and the SQL."""
    names = [f.attname for f in Petition._meta.concrete_fields if f.attname in PUBLIC_TRACKING_FIELDS]
    if len(names) != len(PUBLIC_TRACKING_FIELDS):
        raise ValueError(f"not plain petition fields: {set(PUBLIC_TRACKING_FIELDS) - set(names)}")
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    table = connection.ops.quote_name(Petition._meta.db_table)
    return names, f"SELECT {columns} FROM {table} WHERE tracking_code = %s LIMIT 1"  # noqa: S608 (names from the model)


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
        return _("You were notified in writing of the conclusion.")
    if kind == Kind.REFUSED:
        return _("Your petition was not accepted. Reasons: %(reason)s") % {"reason": reason}
    if kind == Kind.RESOLVED:
        result = str(data.get("result", ""))
        label = Result(result).label if result in Result.values else ""
        return _("Your petition was resolved: %(result)s.") % {"result": label}
    text = PUBLIC_TEXTS.get(kind)
    return str(text) if text is not None else None


@functools.cache
def _events_sql(petitions: int) -> str:
    """The public timeline's events of `petitions` petitions (a transfer chain), oldest first."""
    table = connection.ops.quote_name(PetitionEvent._meta.db_table)
    placeholders = ", ".join(["%s"] * petitions)
    return (
        f"SELECT id, occurred_at, kind, data, reason FROM {table} "  # noqa: S608 (names from the model)
        f"WHERE petition_id IN ({placeholders}) ORDER BY occurred_at, id"
    )


def petition_public_tracking(*, petition: Petition) -> PublicTracking:
    """What the citizen may see: status, the running step's deadline and a plain timeline.
    Never the identity, internal notes or who handles it. Follows a transfer to the unit
    that received it."""
    chain = [petition]
    current = petition
    while current.status == PetitionStatus.TRANSFERRED:
        nxt = Petition.objects.filter(transferred_from=current).first()
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    timeline = []
    for event in PetitionEvent.objects.raw(_events_sql(len(chain)), [p.pk for p in chain]):
        text = _public_text(event.kind, event.data or {}, event.reason)
        if text:
            timeline.append(PublicStep(on=timezone.localtime(event.occurred_at).date(), text=text))
    running = current.status in CLOCK_STATUSES and current.due_on is not None
    return PublicTracking(
        code=petition.tracking_code or "",
        kind=str(PetitionKind(current.kind).label),
        received_on=petition.received_on,
        status=str(PetitionStatus(current.status).label),
        step=str(Step(current.step).label) if running and current.step else "",
        due_on=current.due_on if running else None,
        timeline=timeline,
    )
