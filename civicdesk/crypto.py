"""Personal identifiers encrypted at rest, with a keyed blind index for exact lookups.

Identity document numbers (CCCD, CMND, passport), phones and e-mail addresses are stored as Fernet tokens made with
`settings.FIELD_ENCRYPTION_KEY` (env `CIVICDESK_FIELD_ENCRYPTION_KEY`, the key of the
denouncer vault), so the table, a dump or a backup never holds the number in clear.
Fernet tokens are random: equal numbers give different tokens, so a lookup goes through
a *blind index* kept next to it: HMAC-SHA256 of the normalised number, with a key derived
from the same env key (never the key itself), so equal numbers match and the index alone
does not reveal them. Values are normalised first: identity numbers without spaces, dots and
dashes; phones in E.164 ('0977 111 222' and '+84 977.111.222' are one number); e-mails in
lower case.

Each *family* of fields (the people of one kind in one table: petitioners, denouncers,
dossier applicants, reception visitors…) has its own derived key (`IndexFamily`): one
number gives a different index in each family, so a SQL join of two tables' indexes
matches nobody, and a denouncer's index never equals the index the same person carries as
a complainant or an applicant. Code that must compare across families (a grant holder's
duplicate check, a data subject's export) computes each family's index from the number.

    identity_number = EncryptedCharField(_("identity document number"), max_length=20, blank=True)
    identity_number_index = BlindIndexField(source="identity_number", family=IndexFamily.VISITOR)

    Visit.objects.filter(identity_number_index=blind_index("001 090 001234", family=IndexFamily.VISITOR))

The model attribute holds the plain number (decrypted when a row is loaded, encrypted
when it is written: `save()`, `bulk_create()`, `bulk_update()`, `update()`); the index
is computed from its source on `save()` and `bulk_create()`. An empty number stays empty
(no token, empty index). Any lookup on the encrypted column other than `isnull` or `= ''`
is refused: it could never match a random token, and would silently find nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

import phonenumbers
from cryptography.fernet import Fernet
from django.conf import settings
from django.core import validators
from django.db import connections, models
from django.db.models.lookups import Exact


class IndexFamily:
    """The blind-index families: one derived key each (never share one between two tables,
    or between denouncers and anyone else)."""

    PETITIONER = "petition-filer"  # complainants, petitioners (petitions_petition)
    DENOUNCER = "petition-denouncer"  # denouncers of filed denunciations (the vault)
    APPLICANT = "dossier-applicant"  # one-stop dossiers' applicants
    VISITOR = "reception-visitor"  # citizens at reception, denunciation visits excepted
    VISIT_DENOUNCER = "reception-denouncer"  # denouncers at reception (the visit vault)
    DATA_SUBJECT = "personal-data-request"  # the subject of a personal-data export (its audit event)
    # Contacts: a family per table and per kind of contact (a denouncer's stay in the vault, unindexed).
    PETITIONER_PHONE = "petition-filer-phone"
    PETITIONER_EMAIL = "petition-filer-email"
    APPLICANT_PHONE = "dossier-applicant-phone"
    APPLICANT_EMAIL = "dossier-applicant-email"
    PHONES = (PETITIONER_PHONE, APPLICANT_PHONE)
    EMAILS = (PETITIONER_EMAIL, APPLICANT_EMAIL)
    ALL = (PETITIONER, DENOUNCER, APPLICANT, VISITOR, VISIT_DENOUNCER, DATA_SUBJECT, *PHONES, *EMAILS)


@lru_cache(maxsize=4)
def _fernet_for(key: str) -> Fernet:
    return Fernet(key.encode())


def fernet() -> Fernet:
    """The project's Fernet (the denouncer vault's key), built once per key."""
    return _fernet_for(settings.FIELD_ENCRYPTION_KEY)


@lru_cache(maxsize=16)
def _derived_fernet_for(secret_key: str, purpose: str) -> Fernet:
    key = hmac.new(secret_key.encode(), f"civicdesk:derived-fernet:{purpose}".encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def derived_fernet(purpose: str) -> Fernet:
    """A Fernet for one `purpose` (a short-lived cookie, say), keyed by HMAC-SHA256 of the
    purpose under SECRET_KEY: a token made for one purpose does not open with another's key,
    and none of them is the vault's key. Built once per key and purpose."""
    return _derived_fernet_for(settings.SECRET_KEY, purpose)


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt_text(token: str) -> str:
    return fernet().decrypt(token.encode()).decode() if token else ""


@lru_cache(maxsize=32)
def _index_key_for(key: str, family: str) -> bytes:
    # A key of its own per family, derived from the env key: the index never uses the encryption key.
    if family not in IndexFamily.ALL:
        raise ValueError(f"Unknown blind-index family: {family!r}")
    return hmac.new(key.encode(), f"civicdesk:blind-index:{family}:v2".encode(), hashlib.sha256).digest()


def normalise_identity_number(value: str) -> str:
    """'001 090-001.234' -> '001090001234'; letters (passports) upper case."""
    return "".join(ch for ch in value if ch.isalnum()).upper()


def looks_like_identity_number(text: str) -> bool:
    """Digits (and at most two letters), possibly grouped with spaces, dots or dashes, 8 to 20
    of them, at least 7 digits: CCCD (12 digits), CMND (9), passport (a letter, 7 digits).
    Searches use it to decide to try the blind index."""
    if any(not (ch.isalnum() or ch in " .-") for ch in text):
        return False
    normalised = normalise_identity_number(text)
    digits = sum(ch.isdigit() for ch in normalised)
    return 8 <= len(normalised) <= 20 and digits >= 7 and len(normalised) - digits <= 2


def normalise_phone(value: str) -> str:
    """'0977.111.222', '+84 977 111 222', '(+84) 977-111-222' -> '+84977111222' (E.164, region
    VN by default); what cannot be read as a number keeps its digits only."""
    text = (value or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return ""
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    """' Binh.Tran@Example.VN ' -> 'binh.tran@example.vn'."""
    return (value or "").strip().casefold()


def looks_like_phone(text: str) -> bool:
    """Digits grouped with spaces, dots, dashes or brackets, with an optional leading '+',
    9 to 15 digits: a phone number typed in a search box."""
    text = text.strip()
    if not text or any(not (ch.isdigit() or ch in " .-()+") for ch in text) or "+" in text[1:]:
        return False
    return 9 <= sum(ch.isdigit() for ch in text) <= 15


def looks_like_email(text: str) -> bool:
    """One '@' with something on both sides and no space: an e-mail address typed in a search box."""
    text = text.strip()
    local, at, domain = text.partition("@")
    return bool(at and local and "." in domain and "@" not in domain and not any(ch.isspace() for ch in text))


def normalise_for(family: str, value: str) -> str:
    """`value` normalised as the index of `family` compares it: phones, e-mails or identity numbers."""
    if family in IndexFamily.PHONES:
        return normalise_phone(value)
    if family in IndexFamily.EMAILS:
        return normalise_email(value)
    return normalise_identity_number(value)


def blind_index(value: str, *, family: str) -> str:
    """Keyed hash (64 hex characters) of a normalised identity number, phone or e-mail
    (`normalise_for`) under the key of `family` (an `IndexFamily` name); '' for none."""
    normalised = normalise_for(family, value or "")
    if not normalised:
        return ""
    key = _index_key_for(settings.FIELD_ENCRYPTION_KEY, family)
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


class PlaintextLookupError(ValueError):
    pass


class _EmptyOnlyExact(Exact):
    """`field=''` (no number) works; `field='0010…'` is refused: use the blind index."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            name = getattr(getattr(self.lhs, "target", None), "name", "This field")
            raise PlaintextLookupError(
                f"{name} is encrypted: look it up through its blind index (civicdesk.crypto.blind_index), not by value."
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """A short text (at most `max_length` characters in clear) stored as a Fernet token."""

    description = "Text encrypted at rest (Fernet)"

    def get_internal_type(self) -> str:
        return "TextField"  # a token is ~100 characters longer than the text

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt_text(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if not value:
            return value
        return encrypt_text(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None  # FieldError: "Unsupported lookup"


class EncryptedEmailField(EncryptedCharField):
    """An e-mail address stored as a Fernet token; validated and edited as an e-mail."""

    default_validators = [validators.validate_email]
    description = "E-mail address encrypted at rest (Fernet)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 254:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super().formfield(**{"form_class": forms.EmailField, **kwargs})


class BlindIndexField(models.CharField):
    """The blind index (in `family`, an `IndexFamily` name) of the encrypted field named
    `source`, recomputed whenever the row is saved or bulk-created (a `bulk_update` or
    `update` of the source must also pass the index).

    Not indexed by itself: declare a partial index `condition=~Q(<name>="")` in the model's
    Meta, so rows without a number (most imported rows) cost the index nothing."""

    description = "Keyed hash of an encrypted identifier"

    def __init__(self, *args: Any, source: str = "", family: str = "", **kwargs: Any) -> None:
        self.source = source
        self.family = family
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_default", "")  # raw INSERTs (bulk importers) that omit it stay valid
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["family"] = self.family
        for key, value in (("max_length", 64), ("blank", True), ("editable", False)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if not self.source:
            return super().pre_save(model_instance, add)
        value = blind_index(getattr(model_instance, self.source) or "", family=self.family)
        setattr(model_instance, self.attname, value)
        return value


# --- converting existing rows (used by the apps' data migrations) ---------------------------


def constraints_immediate(schema_editor: Any) -> None:
    """PostgreSQL: check foreign keys at once in a data migration, so that the ALTER TABLE
    that follows in the same transaction does not meet "pending trigger events"."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def encrypt_existing_rows(
    model: type[models.Model],
    field: str,
    index_field: str = "",
    *,
    family: str = "",
    reverse: bool = False,
    batch: int = 5000,
) -> int:
    """Encrypt (or, `reverse`, decrypt) `field` of every row of a *historical* model whose
    column is still a plain text column, filling `index_field` with the blind index on the way.
    Batches of `batch` rows by primary key: one SELECT and one UPDATE per batch (on PostgreSQL
    an `UPDATE … FROM unnest(arrays)`; elsewhere `bulk_update`)."""
    manager = model._default_manager
    connection = connections[manager.db]
    with_index = bool(index_field) and not reverse
    done, last = 0, None
    while True:
        queryset = manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True}).order_by("pk")
        if last is not None:
            queryset = queryset.filter(pk__gt=last)
        rows = list(queryset.values_list("pk", field)[:batch])
        if not rows:
            return done
        pks = [pk for pk, _ in rows]
        values = [decrypt_text(v) if reverse else encrypt_text(v) for _, v in rows]
        indexes = [blind_index(v, family=family) for _, v in rows] if with_index else []
        if connection.vendor == "postgresql":
            _update_postgresql(connection, model, field, index_field if with_index else "", pks, values, indexes)
        else:
            objects = []
            for i, pk in enumerate(pks):
                obj = model(pk=pk)
                setattr(obj, field, values[i])
                if with_index:
                    setattr(obj, index_field, indexes[i])
                objects.append(obj)
            manager.bulk_update(objects, [field, index_field] if with_index else [field])
        done += len(rows)
        last = rows[-1][0]


def _update_postgresql(
    connection: Any,
    model: type[models.Model],
    field: str,
    index_field: str,
    pks: list[Any],
    values: list[str],
    indexes: list[str],
) -> None:
    qn = connection.ops.quote_name
    opts = model._meta
    table, pk_column = qn(opts.db_table), qn(opts.pk.column)
    column = qn(opts.get_field(field).column)
    sets = [f"{column} = v.value"]
    params: list[Any] = [pks, values]
    arrays = "%s::bigint[], %s::text[]"
    names = "pk, value"
    if index_field:
        sets.append(f"{qn(opts.get_field(index_field).column)} = v.idx")
        params.append(indexes)
        arrays += ", %s::text[]"
        names += ", idx"
    sql = (
        f"UPDATE {table} SET {', '.join(sets)} FROM unnest({arrays}) AS v({names}) "  # noqa: S608
        f"WHERE {table}.{pk_column} = v.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def reindex_existing_rows(
    model: type[models.Model], field: str, index_field: str, *, family: str, batch: int = 5000
) -> int:
    """Recompute `index_field`, the blind index in `family` of the encrypted `field`, for every
    row of a historical model (after an index's key changed). Numbers are decrypted in memory
    only; one SELECT and one UPDATE per `batch` rows."""
    manager = model._default_manager
    done, last = 0, None
    while True:
        queryset = manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True}).order_by("pk")
        if last is not None:
            queryset = queryset.filter(pk__gt=last)
        rows = list(queryset.values_list("pk", field)[:batch])
        if not rows:
            return done
        objects = []
        for pk, value in rows:
            obj = model(pk=pk)
            setattr(obj, index_field, blind_index(value or "", family=family))
            objects.append(obj)
        manager.bulk_update(objects, [index_field])
        done += len(rows)
        last = rows[-1][0]
