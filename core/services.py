"""Writes to the shared tables. Each call is atomic and leaves an audit event."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.crypto import IndexFamily, blind_index, looks_like_identity_number, normalise_identity_number
from civicdesk.exceptions import DomainError

from .models import (
    AccountEvent,
    HeldUpload,
    Membership,
    MembershipEvent,
    PersonalDataExportEvent,
    Unit,
    UnitEvent,
    UnitKind,
    UnitLevel,
)
from .uploads import validate_upload

REFORM_DATE = date(2025, 7, 1)  # two-tier local government (Resolution 202/2025/QH15)


def _path_for(code: str, parent: Unit | None) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    level: str
    parent_code: str = ""
    kind: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    # The units merged, wholly or in part, into this one (Unit.predecessors); None leaves
    # them as they are, an empty tuple clears them.
    predecessor_codes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class UnitLoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def units_upsert(*, rows: Iterable[UnitRow], actor: User | None, source: str) -> UnitLoadResult:
    """Create or update units by code, parents before children (a row may name a parent
    earlier in the same batch or already in the database). Unchanged rows are not
    touched, so loading the same data twice changes nothing. Rewrites the paths of
    the subtree of any unit whose parent changed. A row's `predecessor_codes` (when not
    None) become the unit's predecessors; each must name a unit earlier in the batch or
    already in the database (the caller checks their dates). One UnitEvent per created or
    changed unit."""
    rows = list(rows)
    named = [c for r in rows for c in (r.predecessor_codes or ())]
    existing = {
        u.code: u
        for u in Unit.objects.filter(
            code__in=[r.code for r in rows] + [r.parent_code for r in rows if r.parent_code] + named
        )
    }
    current_predecessors: dict[int, set[str]] = {}
    for successor_id, code in Unit.predecessors.through.objects.filter(
        from_unit__code__in=[r.code for r in rows if r.predecessor_codes is not None]
    ).values_list("from_unit_id", "to_unit__code"):
        current_predecessors.setdefault(successor_id, set()).add(code)
    linked: list[tuple[Unit, tuple[str, ...]]] = []
    created = updated = unchanged = 0
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    moved: list[tuple[str, str]] = []
    events: list[tuple[Unit, str, dict[str, object]]] = []
    fields = ("name", "level", "kind", "valid_from", "valid_to")
    for row in rows:
        parent = existing.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            raise DomainError(f"Unknown parent unit {row.parent_code!r} for {row.code!r}.")
        path = _path_for(row.code, parent)
        unit = existing.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, parent=parent, path=path, **{f: getattr(row, f) for f in fields})
            existing[row.code] = unit
            to_create.append(unit)
            created += 1
            if row.predecessor_codes:
                linked.append((unit, row.predecessor_codes))
            continue
        changes: dict[str, object] = {
            f: [str(getattr(unit, f)), str(getattr(row, f))] for f in fields if getattr(unit, f) != getattr(row, f)
        }
        if row.predecessor_codes is not None:
            before = current_predecessors.get(unit.pk, set())
            if before != set(row.predecessor_codes):
                changes["predecessors"] = [sorted(before), sorted(row.predecessor_codes)]
                linked.append((unit, row.predecessor_codes))
        if unit.path != path:
            changes["path"] = [unit.path, path]
            moved.append((unit.path, path))
            unit.parent, unit.path = parent, path
        if not changes:
            unchanged += 1
            continue
        for f in fields:
            setattr(unit, f, getattr(row, f))
        to_update.append(unit)
        events.append((unit, UnitEvent.Kind.UPDATED, changes))
        updated += 1
    # Create in file order so parents get their ids before children reference them.
    links_by_code = {unit.code: codes for unit, codes in linked}
    for unit in to_create:
        if unit.parent is not None and unit.parent.pk is None:
            raise DomainError(f"Parent of {unit.code!r} must come before it.")
        unit.save()
        links = links_by_code.get(unit.code)
        events.append((unit, UnitEvent.Kind.CREATED, {"predecessors": sorted(links)} if links else {}))
    if to_update:
        Unit.objects.bulk_update(to_update, [*fields, "parent", "path", "updated_at"])
    for unit, codes in linked:
        missing = [c for c in codes if c not in existing or existing[c].pk is None]
        if missing or unit.code in codes:
            raise DomainError(f"Unknown or invalid predecessors {missing or [unit.code]!r} of {unit.code!r}.")
        unit.predecessors.set([existing[c] for c in codes])
    for old, new in moved:
        for child in Unit.objects.filter(path__startswith=old).exclude(path=old):
            child.path = new + child.path[len(old) :]
            child.save(update_fields=["path", "updated_at"])
    UnitEvent.objects.bulk_create(
        [UnitEvent(unit=u, actor=actor, kind=k, data={"source": source, **d}) for u, k, d in events]
    )
    return UnitLoadResult(created=created, updated=updated, unchanged=unchanged)


def units_load_official(*, actor: User | None = None, province_codes: Iterable[str] | None = None) -> UnitLoadResult:
    """The current divisions (34 provinces, 3,321 communes) from the `vietnam-provinces` package."""
    from vietnam_provinces import Province, VietNamDivisionType, Ward

    kinds = {
        VietNamDivisionType.TINH: UnitKind.PROVINCE,
        VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.CENTRAL_CITY,
        VietNamDivisionType.PHUONG: UnitKind.WARD,
        VietNamDivisionType.XA: UnitKind.COMMUNE,
        VietNamDivisionType.DAC_KHU: UnitKind.SPECIAL_ZONE,
    }
    wanted = {str(c) for c in province_codes} if province_codes is not None else None

    def code_of(value: object) -> str:
        return f"{int(str(getattr(value, 'value', value))):02d}"

    rows: list[UnitRow] = []
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    for p in provinces:
        if wanted is not None and code_of(p.code) not in wanted:
            continue
        rows.append(
            UnitRow(
                code=code_of(p.code),
                name=p.name,
                level=UnitLevel.PROVINCE,
                kind=kinds[p.division_type],
                valid_from=REFORM_DATE,
            )
        )
    province_rows = {r.code for r in rows}
    for w in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        parent = code_of(w.province_code)
        if parent not in province_rows:
            continue
        rows.append(
            UnitRow(
                code=code_of(w.code).zfill(5),
                name=w.name,
                level=UnitLevel.COMMUNE,
                parent_code=parent,
                kind=kinds[w.division_type],
                valid_from=REFORM_DATE,
            )
        )
    return units_upsert(rows=rows, actor=actor, source="vietnam-provinces")


@transaction.atomic
def membership_grant(*, user: User, unit: Unit, role: str, actor: User | None, reason: str = "") -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        MembershipEvent.objects.create(
            user=user, unit=unit, role=role, actor=actor, kind=MembershipEvent.Kind.GRANTED, reason=reason
        )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None, reason: str = "") -> None:
    MembershipEvent.objects.create(
        user=membership.user,
        unit=membership.unit,
        role=membership.role,
        actor=actor,
        kind=MembershipEvent.Kind.REVOKED,
        reason=reason,
    )
    membership.delete()


# --- a person's data on request (Law 91/2025) ------------------------------------------------


@dataclass(frozen=True)
class PersonalDataExport:
    content: bytes
    content_type: str
    filename: str
    document: dict
    event: PersonalDataExportEvent


EXPORT_FORMATS = {
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
DEFAULT_EXPORT_REASON = "Yêu cầu của chủ thể dữ liệu (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)"


@transaction.atomic
def personal_data_export(
    *,
    identity_number: str,
    fmt: str = "json",
    reason: str = "",
    actor: User | None = None,
    ip_address: str | None = None,
    channel: str = "command",
) -> PersonalDataExport:
    """Everything the apps hold about the person with this identity number, as one file, and
    a PersonalDataExportEvent (who, when, why, counts; the number only as its blind index).

    Each app's provider (its `personal_data.py`) finds its records through the blind index;
    a provider that reads protected data (the denouncer vault) audits that read itself."""
    from . import personal_data

    if fmt not in EXPORT_FORMATS:
        raise DomainError(_("Unknown format: %(fmt)s.") % {"fmt": fmt})
    number = normalise_identity_number(identity_number)
    if not looks_like_identity_number(number):
        raise DomainError(_("Give a whole identity document number (CCCD, CMND or passport)."))
    request = personal_data.PersonalDataRequest(
        identity_number=number,
        index=blind_index(number, family=IndexFamily.DATA_SUBJECT),
        reason=reason.strip() or DEFAULT_EXPORT_REASON,
        actor=actor,
        ip_address=ip_address,
    )
    now = timezone.now()
    sections = personal_data.collect(request)
    document = personal_data.as_dict(request=request, sections=sections, generated_at=now)
    content = personal_data.render_json(document) if fmt == "json" else personal_data.render_xlsx(document)
    event = PersonalDataExportEvent.objects.create(
        kind=PersonalDataExportEvent.Kind.EXPORTED,
        actor=actor,
        reason=request.reason,
        ip_address=ip_address,
        subject_index=request.index,
        data={"format": fmt, "channel": channel, "records": {s.source: len(s.records) for s in sections}},
    )
    content_type, extension = EXPORT_FORMATS[fmt]
    filename = f"du-lieu-ca-nhan-{now:%Y%m%d-%H%M%S}.{extension}"
    return PersonalDataExport(content, content_type, filename, document, event)


def account_password_changed(*, user: User, ip_address: str | None = None) -> AccountEvent:
    """Record that `user` changed their own password (who, when, from where; never the password)."""
    return AccountEvent.objects.create(
        user=user,
        actor=user,
        kind=AccountEvent.Kind.PASSWORD_CHANGED,
        data={"changed": "password"},
        ip_address=ip_address,
    )


# --- files kept across a form's error ------------------------------------------------------


def uploads_hold(
    *,
    key: str,
    files: Sequence[UploadedFile],
    max_bytes: int,
    max_files: int,
    field: str = "",
    replace: bool = False,
) -> list[str]:
    """Keep the acceptable files of a form that came back with an error, against its
    idempotency `key` and the form's file `field`, up to `max_files` in that field (with
    `replace`, an acceptable file takes the place of those kept before in it). Returns the
    refusals (one text per file not kept); a file that fails the checks is never stored."""
    refusals: list[str] = []
    accepted: list[tuple[UploadedFile, str]] = []
    for upload in files:
        try:
            accepted.append((upload, validate_upload(upload, max_bytes=max_bytes)))
        except ValidationError as exc:
            refusals.extend(exc.messages)
    kept = HeldUpload.objects.filter(key=key, field=field)
    if replace and accepted:
        uploads_drop(key=key, ids=kept.values_list("pk", flat=True))
    room = max_files - kept.count()
    for upload, mime in accepted:
        if room <= 0:
            refusals.append(_("“%(name)s” was not kept: at most %(n)d files.") % {"name": upload.name, "n": max_files})
            continue
        upload.seek(0)
        HeldUpload.objects.create(
            key=key,
            field=field,
            file=upload,
            original_name=(upload.name or "")[:200],
            mime=mime,
            size=upload.size or 0,
        )
        room -= 1
    return refusals


def uploads_drop(*, key: str, ids: Iterable[int]) -> None:
    """Forget the kept files `ids` of the form `key` (the citizen unticked them)."""
    for held in HeldUpload.objects.filter(key=key, pk__in=list(ids)):
        held.file.delete(save=False)
        held.delete()


def uploads_take(*, key: str, field: str | None = None) -> list[File]:
    """The kept files of the form `key` (of its file `field` only, when given), read into
    memory (the filing checks them again, which may rewrite a picture), for the filing to
    attach; call `uploads_release` once it has."""
    held = HeldUpload.objects.filter(key=key).order_by("pk")
    if field is not None:
        held = held.filter(field=field)
    taken: list[File] = []
    for h in held:
        with h.file.open("rb") as stored:
            taken.append(ContentFile(stored.read(), name=h.original_name))
    return taken


def uploads_release(*, key: str) -> None:
    """Delete the kept files of the form `key` (filed, or abandoned)."""
    uploads_drop(key=key, ids=HeldUpload.objects.filter(key=key).values_list("pk", flat=True))
