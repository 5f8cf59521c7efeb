"""One way to change a record's state: lock the row, check the expected version and the
app's TRANSITIONS table, apply the change, save it and write its audit event, in the caller's
transaction.

Every app declares one `Workflow` per record type with a state (petitions, dossiers, reception
sessions, …) and its services use it instead of copies of the same four helpers:

    PETITION = Workflow(model=Petition, event_model=PetitionEvent, subject="petition", transitions=TRANSITIONS, …)

    @transaction.atomic
    def petition_refuse(*, petition, expected_version, reason, actor, ip_address=None):
        locked = PETITION.lock(petition, expected_version=expected_version)
        PETITION.guard(locked, S.REFUSED)
        locked.outcome_reason = reason
        return PETITION.move(locked, to=S.REFUSED, kind=Kind.REFUSED, actor=actor, reason=reason, …)

`expected_version` is the one name for the optimistic check: the `version` the official's form
carried when it was opened. A different version in the row means someone saved in between:
`StaleEdit`, shown on the form, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from civicdesk.db import AuditEventBase
from civicdesk.exceptions import InvalidTransition, StaleEdit

from .prepared import new_row

M = TypeVar("M", bound=models.Model)

# Called with (record, event) after every audit event a workflow writes, in the change's
# transaction: how what leaves the machine about a change (webhooks, the public-service portal)
# is queued in the outbox with it. Registered from an app's `ready()`; core imports none of them.
Listener = Callable[[models.Model, AuditEventBase], None]
_listeners: list[Listener] = []


def on_record(listener: Listener) -> None:
    """Call `listener(record, event)` after each event recorded by any workflow."""
    if listener not in _listeners:
        _listeners.append(listener)


def _default_stale() -> str:
    return _("This record was changed by someone else since you opened it. Reload it and try again.")


@dataclass(frozen=True)
class Workflow(Generic[M]):
    """The state machine of one model: how its rows are locked, checked, saved and audited.

    `subject` is the name of the event model's foreign key to the record; `event_fields`
    gives the event's other columns from the record (a visit's events also name its
    session). `version_field` is the optimistic-check counter (None: the model has none,
    and its `version` means something else). `before_save` runs on every save (a search text
    kept in step with the fields, say). `stale` and `invalid` give the app's own wording of
    the two refusals."""

    model: type[M]
    event_model: type[AuditEventBase]
    subject: str
    transitions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    status_field: str = "status"
    version_field: str | None = "version"
    related: Sequence[str] = ()
    event_fields: Callable[[M], Mapping[str, Any]] | None = None
    before_save: Callable[[M], None] | None = None
    stale: Callable[[], str | Promise] = _default_stale
    invalid: Callable[[M, str], str | Promise] | None = None

    # --- the steps, each usable alone ---------------------------------------------------

    def lock(self, record: M | int, *, expected_version: int | None = None) -> M:
        """The row, locked until the transaction ends (the caller's copy may be stale).
        Raises StaleEdit when `expected_version` is given and the row moved on since."""
        _require_transaction()
        pk = record if isinstance(record, int) else record.pk
        # Only the record's own row is locked: `related` rows (its unit, its assignee) are read
        # with it but stay free, and a nullable relation cannot be locked by an outer join.
        queryset = self.model._default_manager.select_for_update(of=("self",))
        if self.related:
            queryset = queryset.select_related(*self.related)
        locked = queryset.get(pk=pk)
        if expected_version is not None and self.version_field is None:
            raise TypeError(f"{self.model.__name__} has no version to check")
        if expected_version is not None and getattr(locked, str(self.version_field)) != expected_version:
            raise StaleEdit(self.stale(), code="stale")
        return locked

    def can_move(self, record: M, target: str) -> bool:
        return target in self.transitions.get(getattr(record, self.status_field), frozenset())

    def guard(self, record: M, target: str) -> None:
        """Raise InvalidTransition unless the TRANSITIONS table allows `record` to become `target`."""
        if self.can_move(record, target):
            return
        if self.invalid is not None:
            raise InvalidTransition(self.invalid(record, target), code="transition")
        raise InvalidTransition(_("This step is not possible in the record's current state."), code="transition")

    def save(self, record: M, *, update_fields: Sequence[str] | None = None) -> None:
        """Save a locked record with its version one higher (and `before_save` applied)."""
        if self.version_field is not None:
            setattr(record, self.version_field, getattr(record, self.version_field) + 1)
        if self.before_save is not None:
            self.before_save(record)
        if update_fields is None:
            record.save()
        else:
            names = {f.name for f in record._meta.concrete_fields}
            extra = [n for n in (self.version_field, "updated_at") if n in names]
            record.save(update_fields=[*dict.fromkeys([*update_fields, *extra])])

    def record(
        self,
        record: M,
        kind: str,
        *,
        actor: User | None,
        from_status: str = "",
        to_status: str = "",
        reason: str = "",
        data: Mapping[str, Any] | None = None,
        ip_address: str | None = None,
    ) -> AuditEventBase:
        """Write one audit event about `record` (who, what, before and after, why)."""
        event = self.new_event(
            record,
            kind,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            data=data,
            ip_address=ip_address,
        )
        event.save(force_insert=True)
        self.recorded(record, event)
        return event

    def new_event(
        self,
        record: M,
        kind: str,
        *,
        actor: User | None,
        from_status: str = "",
        to_status: str = "",
        reason: str = "",
        data: Mapping[str, Any] | None = None,
        ip_address: str | None = None,
    ) -> AuditEventBase:
        """The event `record` would write, not saved: for a caller that writes it in the same
        statement as a new record (core.prepared.insert_prepared_with), then calls `recorded`."""
        return new_row(
            self.event_model,
            **{self.subject: record},
            **(self.event_fields(record) if self.event_fields is not None else {}),
            kind=kind,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            data=dict(data or {}),
            ip_address=ip_address,
        )

    def recorded(self, record: M, event: AuditEventBase) -> None:
        """Tell the listeners (`on_record`) of an event just written, in the change's transaction."""
        for listener in _listeners:
            listener(record, event)

    # --- the whole step ------------------------------------------------------------------

    def move(
        self,
        record: M,
        *,
        to: str,
        kind: str,
        actor: User | None,
        reason: str = "",
        data: Mapping[str, Any] | None = None,
        ip_address: str | None = None,
        update_fields: Sequence[str] | None = None,
    ) -> M:
        """Give a locked and guarded `record` its new state, save it and write the event."""
        from_status = getattr(record, self.status_field)
        setattr(record, self.status_field, to)
        self.save(record, update_fields=None if update_fields is None else [*update_fields, self.status_field])
        self.record(
            record,
            kind,
            actor=actor,
            from_status=from_status,
            to_status=to,
            reason=reason,
            data=data,
            ip_address=ip_address,
        )
        return record

    def change(
        self,
        record: M,
        *,
        kind: str,
        actor: User | None,
        reason: str = "",
        data: Mapping[str, Any] | None = None,
        ip_address: str | None = None,
        update_fields: Sequence[str] | None = None,
    ) -> M:
        """Save a locked `record` whose state stays the same (an assignment, a note) and
        write the event."""
        self.save(record, update_fields=update_fields)
        self.record(record, kind, actor=actor, reason=reason, data=data, ip_address=ip_address)
        return record


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Workflow steps run inside the service's transaction (@transaction.atomic).")
