"""Reads of the shared tables: subtrees, scoping, calendar and deadline rules."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, reduce
from operator import or_
from typing import Any, TypeVar

import holidays
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Model, Q, QuerySet

from civicdesk.workdays import Deadline, WorkCalendar, compute_deadline

from .collation import vietnamese
from .models import CalendarDay, DeadlineRule, HeldUpload, Membership, Role, Unit
from .prepared import fetch_prepared
from .search import search

M = TypeVar("M", bound=Model)
AnyUser = User | AnonymousUser

ALL_ROLES: tuple[str, ...] = tuple(Role.values)
STAFF_ROLES: tuple[str, ...] = (Role.OFFICER, Role.HANDLER, Role.HEAD, Role.INSPECTOR, Role.ADMIN)


# --- reference data kept per process -------------------------------------------------


# The calendar exceptions, the deadline rules and the public root unit change a few times a
# year, and every filing reads them: each process keeps what it read for REFERENCE_TTL
# seconds. Saving or deleting a CalendarDay, a DeadlineRule or a Unit empties this process's
# copy at once (core.apps connects the signals); the other processes see the change within
# REFERENCE_TTL (docs/performance.md).
REFERENCE_TTL = 60.0


class ReferenceCache:
    """Values read from rarely changed tables, kept per process for `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._values: dict[Any, tuple[float, Any]] = {}
        self._generation = 0  # bumped by clear(): a load that overlapped a clear is not kept
        self._lock = threading.Lock()

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and found[0] > now:
            return found[1]
        generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:
                self._values[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._values.clear()


reference_cache = ReferenceCache(REFERENCE_TTL)


def reference_changed(**_signal_kwargs: Any) -> None:
    """A calendar exception, a deadline rule or a unit was saved or deleted: forget what this
    process read, now and again after the commit (a filing in between may have read the old rows)."""
    reference_cache.clear()
    transaction.on_commit(reference_cache.clear)


# --- units -------------------------------------------------------------------------


def unit_subtree(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it: one indexed prefix match."""
    return Unit.objects.filter(path__startswith=unit.path)


def unit_subtree_q(paths: Iterable[str], *, field: str = "unit") -> Q:
    """A filter matching rows whose `field` unit lies in any of the subtrees rooted at `paths`.
    An empty list matches nothing."""
    prefix = f"{field}__path__startswith" if field else "path__startswith"
    qs = [Q(**{prefix: p}) for p in paths]
    return reduce(or_, qs) if qs else Q(pk__in=[])


@dataclass(frozen=True)
class Inherited:
    """Records a successor counts as its own: those of the units under `paths` dated before
    `before` (its valid_from)."""

    before: date
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Lineage:
    """What the 2025 reform's predecessor links add to the report of a unit's subtree:
    `codes`, the predecessors whose records are counted (the top of each added subtree), and
    `inherited`, the added records by cut-off day. Empty for a unit without predecessors."""

    codes: tuple[str, ...] = ()
    inherited: tuple[Inherited, ...] = ()


def _predecessor_links(successor_paths: Iterable[str]) -> list[tuple[date | None, str, str, str]]:
    """(successor's valid_from, successor's path, predecessor's path, predecessor's code) of
    every unit in the subtrees rooted at `successor_paths` that has predecessors. One query."""
    through = Unit.predecessors.through
    return list(
        through.objects.filter(unit_subtree_q(successor_paths, field="from_unit")).values_list(
            "from_unit__valid_from", "from_unit__path", "to_unit__path", "to_unit__code"
        )
    )


def predecessor_successor_paths(paths: Iterable[str]) -> set[str]:
    """The paths of the units under `paths` that have predecessors. One query."""
    return {successor_path for _starts, successor_path, _path, _code in _predecessor_links(paths)}


def unit_lineage(unit: Unit) -> Lineage:
    """The predecessor rule of reports (CONTRACTS.md, "Additions of 2026-12"): the report of
    `unit` counts as its own the records of the predecessors of every unit of its subtree
    dated before that unit's valid_from, and transitively theirs (a predecessor's own
    predecessors' records dated before the earlier of the two days). A record is counted
    once: a subtree already counted (the unit's own, or a predecessor's with a cut-off as
    late) adds nothing. One query per generation of predecessors."""
    best: dict[str, date] = {}  # predecessor's path → the latest cut-off it is reached with
    codes: dict[str, str] = {}
    frontier: dict[str, date] = {unit.path: date.max}  # subtrees to follow → their cut-off
    while frontier:
        reached: dict[str, date] = {}
        for starts, successor_path, path, code in _predecessor_links(frontier):
            if starts is None:
                continue  # a successor needs a valid_from (imports refuse such links)
            carried = max(cut for root, cut in frontier.items() if successor_path.startswith(root))
            cut = min(starts, carried)
            reached[path] = max(reached.get(path, cut), cut)
            codes[path] = code
        frontier = {}
        for path, cut in reached.items():
            if path.startswith(unit.path) or best.get(path, date.min) >= cut:
                continue
            best[path] = frontier[path] = cut
    # A subtree inside another one counted with a cut-off as late adds nothing.
    tops = {
        path: cut
        for path, cut in best.items()
        if not any(path != other and path.startswith(other) and best[other] >= cut for other in best)
    }
    by_cut: dict[date, list[str]] = {}
    for path, cut in sorted(tops.items()):
        by_cut.setdefault(cut, []).append(path)
    return Lineage(
        codes=tuple(sorted(codes[path] for path in tops)),
        inherited=tuple(Inherited(before=cut, paths=tuple(paths)) for cut, paths in sorted(by_cut.items())),
    )


def unit_scope_q(paths: Iterable[str], inherited: Iterable[Inherited] = (), *, day: str, field: str = "unit") -> Q:
    """`unit_subtree_q(paths)`, and the records inherited from predecessors: those of their
    subtrees whose `day` (the record's own date: received, held) is before each cut-off."""
    scope = unit_subtree_q(paths, field=field)
    for part in inherited:
        scope |= unit_subtree_q(part.paths, field=field) & Q(**{f"{day}__lt": part.before})
    return scope


def unit_successors(unit: Unit) -> list[Unit]:
    """The units that took over from `unit`: those naming it as a predecessor or, when none
    does (a dissolved district whose communes were merged), those naming a unit of its
    subtree. In name order."""
    direct = list(unit.successors.order_by(vietnamese("name")))
    if direct:
        return direct
    through = Unit.predecessors.through
    ids = through.objects.filter(to_unit__path__startswith=unit.path).values("from_unit_id")
    return list(Unit.objects.filter(pk__in=ids).exclude(path__startswith=unit.path).order_by(vietnamese("name")))


def ancestor_paths(path: str) -> list[str]:
    """The paths of a unit and of every unit above it, from the top: "/01/00175/" →
    ["/01/", "/01/00175/"]. The one place a unit's path is taken apart: who holds a role
    above a unit, the units a page shows above it, the reports rows roll up into."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def month_windows(start: date, end: date, months: Iterable[date]) -> list[tuple[date, date]]:
    """Each month (given by its first day) clipped to the period: (first day, last day)."""
    windows = []
    for month in months:
        following = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
        windows.append((max(start, month), min(end, following - timedelta(days=1))))
    return windows


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(parent=unit).order_by(vietnamese("name"))


def unit_ancestors(unit: Unit) -> list[Unit]:
    """From the top down to the unit's parent, in one query."""
    paths = ancestor_paths(unit.path)[:-1]
    by_path = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def kept_unit(key: tuple[Any, ...], units: Callable[[], Iterable[Unit]], code: str) -> Unit | None:
    """The unit `code` among `units()`, read once and kept per process under `key` in
    `reference_cache` (emptied when a unit is saved, at most a minute old elsewhere); None when
    it is not among them. Each caller gets a copy: the kept one is shared by every request of
    the process."""
    kept: dict[str, Unit] = reference_cache.get(key, lambda: {str(u.code): u for u in units()})
    found = kept.get(code)
    return copy.copy(found) if found is not None else None


def unit_by_code_kept(code: str) -> Unit | None:
    """`unit_by_code` answered from the units kept per process (`kept_unit`), for pages that
    name their unit in the address; a code not kept (a unit made in another process this
    minute) is read."""
    return kept_unit(("units-by-code",), Unit.objects.all, code) or unit_by_code(code)


def units_in_force(*, start: date, end: date) -> QuerySet[Unit]:
    """The units that existed on some day from `start` to `end` (both included)."""
    return Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )


def unit_names() -> dict[int, str]:
    """Every unit's name by id, kept in `reference_cache` (a list showing many records' units
    reads them here rather than joining the unit table: the Open311 list)."""
    names: dict[int, str] = reference_cache.get(("unit_names",), lambda: dict(Unit.objects.values_list("id", "name")))
    return names


def unit_ids_by_code(codes: Iterable[str]) -> dict[str, int]:
    return dict(Unit.objects.filter(code__in=set(codes)).values_list("code", "id"))


def unit_search(text: str, *, limit: int = 20, units: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Units (of `units`, else all) whose code is `text` or whose name has every word of it,
    with or without diacritics ("hoan kiem" finds Phường Hoàn Kiếm; core.search)."""
    text = text.strip()
    qs = Unit.objects.all() if units is None else units
    by_code = qs.filter(code__iexact=text)
    by_name = search(qs, text, plain=["name"])
    return (by_name | by_code).order_by("level", vietnamese("name"))[:limit]


def public_root_path(*, code: str) -> str | None:
    """The path of the unit `code` (the top of what citizens may petition online), None when
    it is not loaded. Kept in `reference_cache`: read on every filing, changed about never."""
    path: str | None = reference_cache.get(
        ("unit_path", code), lambda: Unit.objects.filter(code=code).values_list("path", flat=True).first()
    )
    return path


# --- people and scoping ----------------------------------------------------------------


def membership_list_for(*, user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")


# Attributes of a request's user object: that it may keep its memberships for the request, and
# the memberships once read.
_REQUEST_USER = "_civicdesk_request_user"
_MEMBERSHIPS = "_civicdesk_memberships"


def remember_memberships(*, user: AnyUser) -> None:
    """Let `user` keep its (role, unit path) pairs, read at its first role or scope check, for
    every check that follows on this user object: a staff page asked the membership table the
    same question three or four times per request (the view's guard, its scoped reads, the
    navigation's roles). A request that checks nothing reads nothing.

    `core.middleware.RememberMembershipsMiddleware` calls it on `request.user`, and only there:
    that object lives for one request, so a membership granted or revoked meanwhile is seen
    from the next request on. Elsewhere (services, tasks) the checks read the table each time."""
    if user.is_authenticated and not user.is_superuser:
        setattr(user, _REQUEST_USER, True)


def _remembered(user: AnyUser) -> tuple[tuple[str, str], ...] | None:
    """The request user's (role, path) pairs, read on first use; None for any other user."""
    pairs: tuple[tuple[str, str], ...] | None = getattr(user, _MEMBERSHIPS, None)
    if pairs is None and getattr(user, _REQUEST_USER, False):
        # Plain SQL, prepared once per connection: compiling the ORM query cost more CPU than
        # PostgreSQL took to answer it, and planning it more than running it (core.prepared).
        pairs = tuple(
            (role, path)
            for role, path in fetch_prepared(
                "staff_memberships",
                "SELECT m.role, u.path FROM core_membership m JOIN core_unit u ON u.id = m.unit_id"
                " WHERE m.user_id = %s",
                [user.pk],
            )
        )
        setattr(user, _MEMBERSHIPS, pairs)
    return pairs


def unit_paths_for(*, user: AnyUser, roles: Sequence[str] = ALL_ROLES) -> list[str] | None:
    """Paths of the subtrees where `user` holds one of `roles`; None means everywhere (superuser)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    remembered = _remembered(user)
    if remembered is not None:
        return list(dict.fromkeys(path for role, path in remembered if role in roles))
    return list(Membership.objects.filter(user=user, role__in=roles).values_list("unit__path", flat=True).distinct())


def scope_to_user(
    qs: QuerySet[M], *, user: AnyUser, field: str = "unit", roles: Sequence[str] = ALL_ROLES
) -> QuerySet[M]:
    """Limit `qs` to rows whose `field` unit lies in the subtrees where `user` has one of `roles`.

    Every staff queryset goes through this (or a `*_visible_to` selector built on it):
    an official of one commune never lists or opens another commune's records.
    """
    paths = unit_paths_for(user=user, roles=roles)
    if paths is None:
        return qs
    return qs.filter(unit_subtree_q(paths, field=field))


def units_visible_to(*, user: AnyUser, roles: Sequence[str] = ALL_ROLES) -> QuerySet[Unit]:
    return scope_to_user(Unit.objects.all(), user=user, field="", roles=roles)


def user_has_role(*, user: AnyUser, unit: Unit, roles: Sequence[str]) -> bool:
    """True when `user` holds one of `roles` in `unit` or any unit above it."""
    paths = unit_paths_for(user=user, roles=roles)
    if paths is None:
        return True
    return unit_under(unit, paths)


def unit_under(unit: Unit, paths: Iterable[str]) -> bool:
    """True when `unit` is one of the units at `paths` or below one of them."""
    return bool(set(ancestor_paths(unit.path)).intersection(paths))


def user_roles(*, user: AnyUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    remembered = _remembered(user)
    if remembered is not None:
        return {role for role, _path in remembered}
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def user_home_unit(*, user: AnyUser) -> Unit | None:
    """The highest unit the user belongs to: the default scope of dashboards and forms."""
    membership = membership_list_for(user=user).first()
    return membership.unit if membership else None


def users_with_role_in(*, unit: Unit, roles: Sequence[str]) -> QuerySet[Membership]:
    """Memberships giving `roles` in `unit` itself or any unit above it."""
    return (
        Membership.objects.filter(role__in=roles, unit__path__in=ancestor_paths(unit.path), user__is_active=True)
        .select_related("user", "unit")
        .order_by("-unit__path")
    )


# --- calendar and deadlines ----------------------------------------------------------


def work_calendar(*, start: date, end: date) -> WorkCalendar:
    """The calendar from `start` to `end` (whole years): Việt Nam's public holidays, Tết and
    official make-up days from the `holidays` package, plus the administrators' exceptions,
    which win. At most one query (the result is kept in `reference_cache`)."""
    first, last = start.year, end.year
    calendar: WorkCalendar = reference_cache.get(("calendar", first, last), lambda: _load_calendar(first, last))
    return calendar


def _load_calendar(first_year: int, last_year: int) -> WorkCalendar:
    national_off, national_make_up = _national_calendar(first_year, last_year)
    days_off, make_up = set(national_off), set(national_make_up)
    for day, kind in CalendarDay.objects.filter(date__year__gte=first_year, date__year__lte=last_year).values_list(
        "date", "kind"
    ):
        if kind == CalendarDay.Kind.DAY_OFF:
            days_off.add(day)
            make_up.discard(day)
        else:
            make_up.add(day)
            days_off.discard(day)
    return WorkCalendar.of(days_off=days_off, make_up_days=make_up)


@cache
def _national_calendar(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Days off and make-up working days of the `holidays` package for these years: fixed
    for the life of the process (a deadline computation called this on every filing)."""
    years = range(first_year, last_year + 1)
    national = holidays.country_holidays("VN", years=years)
    make_up = {d for d in getattr(national, "weekend_workdays", set()) if d.year in years}
    return frozenset(national.keys()), frozenset(make_up)


def calendar_around(day: date) -> WorkCalendar:
    """A calendar wide enough for any statutory limit starting on `day` (up to two years on)."""
    return work_calendar(start=day.replace(month=1, day=1), end=date(day.year + 2, 12, 31))


class RuleNotFound(LookupError):
    pass


def deadline_rule_in_force(*, code: str, on: date) -> DeadlineRule:
    """The rule of step `code` in force on `on`: the latest to start on or before that day.
    Read from every rule, loaded once into `reference_cache` (a few dozen rows)."""
    for rule in _rules_by_code().get(code, ()):
        if rule.valid_from <= on and (rule.valid_to is None or rule.valid_to >= on):
            return rule
    raise RuleNotFound(f"No deadline rule {code!r} in force on {on:%d/%m/%Y}.")


def _rules_by_code() -> dict[str, list[DeadlineRule]]:
    """Every deadline rule by code, latest start first: one query, then kept."""

    def load() -> dict[str, list[DeadlineRule]]:
        by_code: dict[str, list[DeadlineRule]] = {}
        for rule in DeadlineRule.objects.order_by("code", "-valid_from"):
            by_code.setdefault(rule.code, []).append(rule)
        return by_code

    rules: dict[str, list[DeadlineRule]] = reference_cache.get("rules", load)
    return rules


def deadline_for(
    *, code: str, start: date, amount: int | None = None, calendar: WorkCalendar | None = None
) -> Deadline:
    """The deadline of step `code` for something that started on `start`, with the rule
    in force on that date. Store both `due_on` and `rule.rule_id` on the record."""
    rule = deadline_rule_in_force(code=code, on=start)
    return compute_deadline(start, rule.as_spec(), calendar=calendar or calendar_around(start), amount=amount)


def uploads_held(*, key: str) -> list[HeldUpload]:
    """The files kept for the form `key` (core.services.uploads_hold), oldest first."""
    return list(HeldUpload.objects.filter(key=key).order_by("pk")) if key else []
