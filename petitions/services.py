"""Every write of the petitions app: receive, classify, decide, resolve, notify.

Each service is atomic, locks the petition, checks the transition guard (TRANSITIONS in
models.py), mutates, writes one PetitionEvent and queues notifications in the outbox,
which is handed to Celery only after commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from civicdesk.workdays import WorkCalendar, on_or_next_working_day
from core.choices import PetitionKind
from core.models import Role, Unit
from core.prepared import fetch_prepared, insert_prepared
from core.selectors import (
    RuleNotFound,
    calendar_around,
    deadline_for,
    deadline_rule_in_force,
    user_has_role,
    users_with_role_in,
)
from core.uploads import validate_upload

from . import notify
from .models import (
    DUTY_RULES,
    OUTCOME_STATUS,
    RESULTS_BY_KIND,
    Attachment,
    Case,
    Channel,
    DenouncerIdentity,
    Duty,
    IdentityRevealGrant,
    Notification,
    Outcome,
    Petition,
    PetitionCounter,
    PetitionDuty,
    PetitionEvent,
    PetitionStatus,
    Result,
    Step,
)
from .text import (
    SECRET_DIGEST_PREFIX,
    derived_secret,
    fold,
    id_number_digest,
    normalise_secret,
    random_code,
    random_secret,
    secret_digest,
    secret_digest_matches,
)

logger = logging.getLogger(__name__)
S = PetitionStatus
Kind = PetitionEvent.Kind
HANDLING_ROLES = (Role.OFFICER, Role.HANDLER, Role.HEAD, Role.ADMIN)
RESOLVING_ROLES = (Role.HANDLER, Role.HEAD, Role.ADMIN)
MAX_NOTIFICATION_ATTEMPTS = 10


# --- identity vault -----------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    name: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


def _fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def _encrypt(identity: Identity) -> str:
    payload = json.dumps(identity.__dict__, ensure_ascii=False).encode()
    return _fernet().encrypt(payload).decode()


def _decrypt(ciphertext: str) -> Identity:
    data = json.loads(_fernet().decrypt(ciphertext.encode()))
    return Identity(**{k: str(v) for k, v in data.items()})


def _petitioner_contact(petition: Petition) -> Identity:
    """The petitioner's contact data, for sending only (the vault is read, not shown)."""
    if petition.is_denunciation:
        vault = DenouncerIdentity.objects.filter(petition=petition).first()
        return _decrypt(vault.ciphertext) if vault else Identity()
    return Identity(
        name=petition.petitioner_name,
        id_number=petition.petitioner_id_number,
        address=petition.petitioner_address,
        phone=petition.petitioner_phone,
        email=petition.petitioner_email,
    )


def user_may_reveal(*, user: User, unit: Unit) -> bool:
    """True when `user` holds the explicit reveal permission in `unit` or a unit above it."""
    if not user.is_authenticated or not user.is_active:
        return False
    paths = IdentityRevealGrant.objects.filter(user=user).values_list("unit__path", flat=True)
    return any(unit.path.startswith(p) for p in paths)


@transaction.atomic
def identity_reveal_grant(*, user: User, unit: Unit, note: str, actor: User | None) -> IdentityRevealGrant:
    grant, _created = IdentityRevealGrant.objects.get_or_create(
        user=user, unit=unit, defaults={"granted_by": actor, "note": note}
    )
    return grant


@transaction.atomic
def denouncer_reveal(*, petition: Petition, reason: str, actor: User, ip_address: str | None = None) -> Identity:
    """The denouncer's identity, for a user with the explicit permission in the petition's unit
    who states why. Writes an IDENTITY_REVEALED event (who, when, why; never the identity).

    Raises DomainError without the permission or the reason."""
    if not petition.is_denunciation:
        raise DomainError(_("Only a denouncer's identity is protected."))
    if not user_may_reveal(user=actor, unit=petition.unit):
        raise DomainError(_("You do not have the permission to open denouncers' identities in this unit."))
    if not reason.strip():
        raise DomainError(_("State why you need to see the denouncer's identity."))
    vault = DenouncerIdentity.objects.filter(petition=petition).first()
    _event(petition, Kind.IDENTITY_REVEALED, actor=actor, reason=reason.strip(), ip_address=ip_address)
    return _decrypt(vault.ciphertext) if vault else Identity()


# --- helpers ------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _lock(petition: Petition, version: int | None = None) -> Petition:
    locked = Petition.objects.select_for_update().select_related("unit").get(pk=petition.pk)
    if version is not None and locked.version != version:
        raise StaleEdit(_("This petition was changed by someone else since you opened it. Reload it and try again."))
    return locked


def _guard(petition: Petition, target: str) -> None:
    if not petition.can_transition_to(target):
        raise InvalidTransition(
            _("A petition that is “%(status)s” cannot become “%(target)s”.")
            % {"status": petition.get_status_display(), "target": PetitionStatus(target).label}
        )


def _save(petition: Petition) -> None:
    petition.version += 1
    petition.search_text = _search_text(petition)
    petition.save()


def _search_text(petition: Petition) -> str:
    parts = [petition.ref, petition.tracking_code or "", petition.subject, petition.content, petition.respondent]
    if not petition.is_denunciation:  # a denouncer's name must not be findable
        parts.append(petition.petitioner_name)
    return fold(" ".join(parts))


def _event(
    petition: Petition,
    kind: str,
    *,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, object] | None = None,
    ip_address: str | None = None,
) -> PetitionEvent:
    event = PetitionEvent(
        petition=petition,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
        ip_address=ip_address,
    )
    insert_prepared(event)
    return event


def _set_deadline(
    petition: Petition,
    *,
    step: str,
    code: str,
    start: date,
    amount: int | None = None,
    calendar: WorkCalendar | None = None,
) -> None:
    deadline = deadline_for(code=code, start=start, amount=amount, calendar=calendar)
    petition.step, petition.due_on, petition.due_rule_id = step, deadline.due_on, deadline.rule.rule_id


def _clear_deadline(petition: Petition) -> None:
    petition.step, petition.due_on, petition.due_rule = Step.NONE, None, None


def _resolve_rule_code(petition: Petition) -> str | None:
    if petition.kind == PetitionKind.COMPLAINT:
        base = "complaint.first.resolve" if petition.complaint_round == 1 else "complaint.second.resolve"
        remote = petition.unit.is_remote
        if remote and petition.complex:
            return base + ".remote_complex"
        if remote:
            return base + ".remote"
        if petition.complex:
            return base + ".complex"
        return base
    if petition.kind == PetitionKind.DENUNCIATION:
        return "denunciation.resolve"
    return None  # recommendations and feedback have no statutory resolution limit


def _intake_deadlines(petition: Petition) -> None:
    """Deadlines that start at receipt: classification for all; acceptance for complaints,
    initial processing for denunciations (the running step)."""
    calendar = calendar_around(petition.received_on)  # one calendar for both deadlines
    classify = deadline_for(code="petition.classify", start=petition.received_on, calendar=calendar)
    petition.classify_due_on, petition.classify_rule_id = classify.due_on, classify.rule.rule_id
    if petition.kind == PetitionKind.COMPLAINT:
        code = "complaint.accept" if petition.complaint_round == 1 else "complaint.second.accept"
        _set_deadline(petition, step=Step.ACCEPT, code=code, start=petition.received_on, calendar=calendar)
    elif petition.kind == PetitionKind.DENUNCIATION:
        code = "denunciation.initial.multi_place" if petition.multi_place else "denunciation.initial"
        _set_deadline(petition, step=Step.INITIAL, code=code, start=petition.received_on, calendar=calendar)
    else:
        petition.step, petition.due_on, petition.due_rule_id = Step.CLASSIFY, classify.due_on, classify.rule.rule_id


def limitation_start(petition: Petition) -> tuple[str, date] | None:
    """The rule code and start of a complaint's limitation period, or None when unknown.

    1st time (Luật Khiếu nại art. 9): 90 days from the day the complainant received or learned
    of the decision or act. 2nd time (art. 33): 30 days (45 in remote areas) from receiving the
    1st-time decision or, when none came in time, from the end of the 1st-time resolution limit."""
    if petition.kind != PetitionKind.COMPLAINT:
        return None
    if petition.complaint_round == 1:
        return ("complaint.limitation", petition.decision_known_on) if petition.decision_known_on else None
    code = "complaint.second.limitation" + (".remote" if petition.unit.is_remote else "")
    first = petition.first_petition
    if petition.decision_known_on:
        return code, petition.decision_known_on
    if first is not None and first.resolved_on:
        return code, first.resolved_on
    if first is not None and first.status == S.ACCEPTED and first.due_on:
        return code, first.due_on
    return None


def _set_limitation(petition: Petition) -> None:
    found = limitation_start(petition)
    if found is None:
        petition.limitation_due_on, petition.limitation_rule_id = None, None
        return
    code, start = found
    deadline = deadline_for(code=code, start=start)
    petition.limitation_due_on, petition.limitation_rule_id = deadline.due_on, deadline.rule.rule_id


def _open_duty(petition: Petition, duty: str, *, start: date) -> PetitionDuty:
    """Start the limit of a denunciation duty (notify, publish), stored with its rule."""
    deadline = deadline_for(code=DUTY_RULES[duty], start=start)
    rule_id = deadline.rule.rule_id
    assert rule_id is not None  # read from the table
    row, _created = PetitionDuty.objects.update_or_create(
        petition=petition,
        duty=duty,
        defaults={"start": start, "due_on": deadline.due_on, "rule_id": rule_id, "done_on": None},
    )
    return row


@dataclass(frozen=True)
class _Number:
    ref: str
    tracking_code: str


def _next_ref(unit: Unit, year: int) -> str:
    number = _take_number(unit, year)
    assert number is not None  # no idempotency key: never a duplicate
    return number.ref


def _take_number(unit: Unit, year: int, *, idempotency_key: str | None = None) -> _Number | None:
    """The next register number of `unit` in `year` and a new tracking code, in one round trip;
    None (and no number taken) when a petition with `idempotency_key` exists (a double click).

    One statement creates the (unit, year) counter at 1 or adds 1 to it, unless the key is
    already used, and says whether the new number (imported registers may already use numbers
    of this form) or the drawn code is taken. A taken number is skipped; a taken code (about
    one draw in a million) is drawn again. The unique constraints on ref, tracking code and
    key stay the last word against a concurrent filing. Inside a caller's transaction the
    counter row stays locked until it commits, so that unit's numbers stay consecutive. The
    statement is prepared once per PostgreSQL connection (core.prepared): planning it cost
    PostgreSQL more than running it."""
    counter = connection.ops.quote_name(PetitionCounter._meta.db_table)
    petition = connection.ops.quote_name(Petition._meta.db_table)
    # f"{n:05d}" in SQL that PostgreSQL and SQLite both speak (no lpad or :: cast in SQLite).
    last = f'CAST({counter}."last" AS TEXT)'
    number = f"CASE WHEN length({last}) >= 5 THEN {last} ELSE substr('0000' || {last}, length({last})) END"
    sql = (
        f'INSERT INTO {counter} ("unit_id", "year", "last") SELECT %s, %s, 1 '  # noqa: S608 - names from the models
        f'WHERE NOT EXISTS (SELECT 1 FROM {petition} p WHERE p."idempotency_key" = %s) '
        f'ON CONFLICT ("unit_id", "year") DO UPDATE SET "last" = {counter}."last" + 1 '
        f'RETURNING {counter}."last", '
        f'EXISTS (SELECT 1 FROM {petition} p WHERE p."unit_id" = %s AND p."ref" = %s || {number}), '
        f'EXISTS (SELECT 1 FROM {petition} p WHERE p."tracking_code" = %s)'
    )
    code = random_code()
    while True:
        rows = fetch_prepared("petition_number", sql, [unit.pk, year, idempotency_key, unit.pk, f"{year}/", code])
        if not rows:
            return None
        last, ref_taken, code_taken = rows[0]
        if not ref_taken:
            return _Number(ref=f"{year}/{last:05d}", tracking_code=_new_code() if code_taken else code)


def _new_code() -> str:
    while True:
        code = random_code()
        if not Petition.objects.filter(tracking_code=code).exists():
            return code


def _track_url() -> str:
    return reverse("petitions:track")


# --- outbox -------------------------------------------------------------------------


def _publish(notification_ids: list[int]) -> None:
    """Hand notifications to Celery. Runs after commit. Eager (no broker): at once, here.
    Otherwise the handover thread sends them within 25 ms, with those of other requests
    (`handover.py`). A broker outage is logged, never raised: the sweeper sends what was
    not handed over."""
    from civicdesk.celery import app

    from .handover import handover
    from .tasks import notification_send_task, notifications_send_task

    if not app.conf.task_always_eager:
        handover.submit(notification_ids)
        return
    try:
        if len(notification_ids) == 1:
            notification_send_task.apply_async(args=(notification_ids[0],), retry=False)
        else:
            notifications_send_task.apply_async(args=(notification_ids,), retry=False)
    except Exception:  # a failing send: the outbox row waits for the sweeper
        logger.warning("Could not send notifications %s; the sweeper will", notification_ids, exc_info=True)


def _queue(notifications: list[Notification]) -> None:
    created = []
    plain = [n for n in notifications if not n.dedupe_key]
    if plain:  # one INSERT for all of them
        insert_prepared(*plain)
        created += [n.pk for n in plain]
    for n in notifications:
        if not n.dedupe_key or Notification.objects.filter(dedupe_key=n.dedupe_key).exists():
            continue
        n.save()
        created.append(n.pk)
    if created:
        transaction.on_commit(partial(_publish, created))


def _notify_petitioner(petition: Petition, template: str, context: dict[str, str]) -> None:
    contact = _petitioner_contact(petition)
    rows = []
    if contact.email:
        rows.append(Notification(petition=petition, channel=Notification.Channel.EMAIL, template=template))
    if contact.phone:
        rows.append(Notification(petition=petition, channel=Notification.Channel.SMS, template=template))
    for row in rows:
        row.context = dict(context)
    _queue(rows)


def _notify_status(petition: Petition) -> None:
    if not petition.tracking_code:
        return
    _notify_petitioner(
        petition,
        "status",
        {"code": petition.tracking_code, "status": petition.status, "track_url": _track_url()},
    )


def _render(notification: Notification) -> tuple[str, str]:
    subject, body = notify.MESSAGES[notification.template]
    context = dict(notification.context)
    if "secret_enc" in context:
        context["secret"] = _fernet().decrypt(str(context.pop("secret_enc")).encode()).decode()
    if "status" in context:
        context["status"] = str(PetitionStatus(context["status"]).label)
    if "step" in context:
        context["step"] = str(Step(context["step"]).label)
    if "duty" in context:
        context["step"] = str(Duty(context.pop("duty")).label)
    with translation.override(settings.LANGUAGE_CODE):
        return str(subject) % context, str(body) % context


def _send(notification: Notification) -> None:
    subject, body = _render(notification)
    if notification.user_id:
        user = notification.user
        if user is None or not user.email:
            return
        notify.send_email(to=user.email, subject=subject, body=body)
        return
    if notification.petition is None:
        return
    contact = _petitioner_contact(notification.petition)
    if notification.channel == Notification.Channel.EMAIL and contact.email:
        notify.send_email(to=contact.email, subject=subject, body=body)
    elif notification.channel == Notification.Channel.SMS and contact.phone:
        notify.send_sms(to=contact.phone, body=f"{subject}. {body}")


def _deliver_locked(notification: Notification) -> bool:
    """Send a notification whose row the caller holds locked; compare-and-set on sent_at so
    that it goes once. A failed send is rolled back to unsent and counted."""
    try:
        with transaction.atomic():
            context = {k: v for k, v in notification.context.items() if k != "secret_enc"}
            won = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
                sent_at=timezone.now(), context=context
            )
            if won != 1:
                return False
            _send(notification)
    except Exception as exc:  # any sender failure: retry later
        logger.warning("Notification %s failed: %s", notification.pk, exc)
        Notification.objects.filter(pk=notification.pk).update(attempts=F("attempts") + 1, last_error=str(exc)[:1000])
        return False
    return True


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox row if nobody has. Idempotent: True only for the call that sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("petition", "user")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        return _deliver_locked(notification)


def notification_sweep(*, limit: int = 200) -> int:
    """Send unsent outbox rows (those the broker never got). Rows another sweeper holds
    are skipped. Returns how many were sent."""
    sent = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, attempts__lt=MAX_NOTIFICATION_ATTEMPTS)
            .order_by("created_at", "pk")[:limit]
        )
        for notification in batch:
            sent += _deliver_locked(notification)
    return sent


# --- intake -------------------------------------------------------------------------


def petition_receive(
    *,
    unit: Unit,
    kind: str,
    received_on: date,
    channel: str,
    subject: str,
    content: str,
    petitioner_name: str,
    petitioner_id_number: str = "",
    petitioner_address: str = "",
    petitioner_phone: str = "",
    petitioner_email: str = "",
    signers: int = 1,
    actor: User | None,
    ip_address: str | None = None,
    idempotency_key: str | None = None,
    source: str = "",
) -> Petition:
    """Register a petition received at the desk, by post, forwarded, or brought to a reception
    visit. Returns the saved petition with `.ref`, `.tracking_code` and, once, `.tracking_secret`.

    The same `idempotency_key` twice returns the first petition. Queues the acknowledgement
    to the petitioner after commit. Raises DomainError for an unknown kind or channel."""
    return petition_create(
        unit=unit,
        kind=kind,
        received_on=received_on,
        channel=channel,
        subject=subject,
        content=content,
        identity=Identity(
            name=petitioner_name,
            id_number=petitioner_id_number,
            address=petitioner_address,
            phone=petitioner_phone,
            email=petitioner_email,
        ),
        signers=signers,
        actor=actor,
        ip_address=ip_address,
        idempotency_key=idempotency_key,
        source=source,
    )


def petition_create(
    *,
    unit: Unit,
    kind: str,
    received_on: date,
    channel: str,
    subject: str,
    content: str,
    identity: Identity,
    respondent: str = "",
    signers: int = 1,
    anonymous: bool = False,
    over_level: bool = False,
    has_originals: bool = False,
    attachments: Sequence[UploadedFile] = (),
    actor: User | None,
    ip_address: str | None = None,
    idempotency_key: str | None = None,
    source: str = "",
    decision_known_on: date | None = None,
) -> Petition:
    """Create a petition (online filing and desk entry share this). See petition_receive.
    `decision_known_on` (complaints): the day the complainant received or learned of the
    decision or act; it starts the limitation period (Luật Khiếu nại art. 9)."""
    if kind not in PetitionKind.values:
        raise DomainError(_("Unknown kind of petition: %(kind)s") % {"kind": kind})
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel: %(channel)s") % {"channel": channel})
    if len(attachments) > Attachment.MAX_FILES:
        raise DomainError(_("At most %(n)d files may be attached.") % {"n": Attachment.MAX_FILES})
    mimes = [validate_upload(f, max_bytes=Attachment.MAX_BYTES) for f in attachments]
    # The register number is taken before the petition's transaction (when the caller has
    # none open): the counter row of a unit is then locked for one statement, not for the
    # whole filing, so a surge of filings to one unit is not served one at a time. The same
    # statement catches a double click before it takes a number; a filing that fails after
    # it leaves a gap in the unit's numbers (rare; imported registers already make gaps).
    number = _take_number(unit, received_on.year, idempotency_key=idempotency_key or None)
    if number is None:
        return _filed_before(str(idempotency_key))
    try:
        petition = _create(
            ref=number.ref,
            tracking_code=number.tracking_code,
            unit=unit,
            kind=kind,
            received_on=received_on,
            channel=channel,
            subject=subject,
            content=content,
            identity=identity,
            respondent=respondent,
            signers=max(1, signers),
            anonymous=anonymous or not identity.name.strip(),
            over_level=over_level,
            has_originals=has_originals,
            attachments=list(zip(attachments, mimes, strict=True)),
            actor=actor,
            ip_address=ip_address,
            idempotency_key=idempotency_key,
            source=source,
            decision_known_on=decision_known_on if kind == PetitionKind.COMPLAINT else None,
        )
    except IntegrityError:
        # A concurrent submit with the same key won the race: return its petition.
        if not idempotency_key or not Petition.objects.filter(idempotency_key=idempotency_key).exists():
            raise
        return _filed_before(idempotency_key)
    return petition


def _filed_before(idempotency_key: str) -> Petition:
    """The petition a repeated submit (double click) already filed, with its secret to show."""
    existing = Petition.objects.get(idempotency_key=idempotency_key)
    existing.tracking_secret = derived_secret(idempotency_key)
    return existing


@transaction.atomic
def _create(
    *,
    unit: Unit,
    kind: str,
    received_on: date,
    channel: str,
    subject: str,
    content: str,
    identity: Identity,
    respondent: str,
    signers: int,
    anonymous: bool,
    over_level: bool,
    has_originals: bool,
    attachments: list[tuple[UploadedFile, str]],
    actor: User | None,
    ip_address: str | None,
    idempotency_key: str | None,
    source: str,
    parent: Petition | None = None,
    transferred_from: Petition | None = None,
    tracked: bool = True,
    decision_known_on: date | None = None,
    ref: str | None = None,
    tracking_code: str | None = None,
) -> Petition:
    secret = derived_secret(idempotency_key) if idempotency_key else random_secret()
    petition = Petition(
        unit=unit,
        ref=ref or _next_ref(unit, received_on.year),
        received_on=received_on,
        kind=kind,
        channel=channel,
        subject=subject.strip()[:300],
        content=content.strip(),
        respondent=respondent.strip()[:300],
        signers=signers,
        anonymous=anonymous,
        over_level=over_level,
        has_originals=has_originals,
        id_number_digest=id_number_digest(identity.id_number),
        source=source[:200],
        tracking_code=(tracking_code or _new_code()) if tracked else None,
        tracking_secret_hash=secret_digest(secret) if tracked else "",
        idempotency_key=idempotency_key or None,
        parent=parent,
        transferred_from=transferred_from,
        status=S.RECEIVED,
        decision_known_on=decision_known_on,
    )
    if transferred_from is not None:
        petition.content_key = transferred_from.content_key
        petition.complaint_round = transferred_from.complaint_round
        petition.first_petition_id = transferred_from.first_petition_id
        petition.decision_known_on = transferred_from.decision_known_on
    if kind != PetitionKind.DENUNCIATION:
        petition.petitioner_name = identity.name.strip()[:200]
        petition.petitioner_id_number = identity.id_number.strip()[:20]
        petition.petitioner_address = identity.address.strip()[:300]
        petition.petitioner_phone = identity.phone.strip()[:20]
        petition.petitioner_email = identity.email.strip()
    _intake_deadlines(petition)
    _set_limitation(petition)
    petition.search_text = _search_text(petition)
    insert_prepared(petition)
    if kind == PetitionKind.DENUNCIATION:
        DenouncerIdentity.objects.create(petition=petition, ciphertext=_encrypt(identity))
    for upload, mime in attachments:
        Attachment.objects.create(
            petition=petition, file=upload, original_name=(upload.name or "")[:200], mime=mime, size=upload.size or 0
        )
    _event(
        petition,
        Kind.TRANSFER_RECEIVED if transferred_from else Kind.RECEIVED,
        actor=actor,
        to_status=S.RECEIVED,
        data={"channel": channel, "source": source} if not transferred_from else {"from": transferred_from.ref},
        ip_address=ip_address,
    )
    if tracked:
        _notify_petitioner(
            petition,
            "received",
            {
                "ref": petition.ref,
                "code": petition.tracking_code or "",
                "secret_enc": _fernet().encrypt(secret.encode()).decode(),
                "received_on": f"{received_on:%d/%m/%Y}",
                "track_url": _track_url(),
            },
        )
    petition.tracking_secret = secret if tracked else ""
    return petition


def petition_check_secret(*, petition: Petition | None, secret: str) -> bool:
    """True when `secret` is the tracking secret of `petition`; False for no petition.

    Constant work whether or not the code exists (no way to tell which part was wrong): one
    keyed HMAC-SHA256 and a constant-time comparison, against a dummy digest when the code
    is unknown. Rows stored before the HMAC (Django password hashes, "pbkdf2_sha256$…") are
    still checked with check_password, slowly, and re-stored as HMAC on the first match."""
    stored = petition.tracking_secret_hash if petition else ""
    if not stored or stored.startswith(SECRET_DIGEST_PREFIX):
        return secret_digest_matches(secret, stored) and petition is not None
    assert petition is not None
    if not check_password(normalise_secret(secret), stored):
        return False
    # Not a change of the petition: the same secret, stored the new way (no event, no version).
    Petition.objects.filter(pk=petition.pk, tracking_secret_hash=stored).update(
        tracking_secret_hash=secret_digest(secret)
    )
    return True


# --- classification -----------------------------------------------------------------


@dataclass(frozen=True)
class ExtraContent:
    kind: str
    subject: str
    content: str


@transaction.atomic
def petition_classify(
    *,
    petition: Petition,
    version: int | None,
    kind: str,
    eligible: bool,
    competent: bool,
    signers: int,
    has_originals: bool,
    anonymous: bool,
    over_level: bool,
    multi_place: bool = False,
    extra_contents: Sequence[ExtraContent] = (),
    note: str = "",
    decision_known_on: date | None = None,
    force_majeure_reason: str | None = None,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record the classification axes (TT 05/2021): content (the extra contents of a
    multi-content petition become petitions of their own), eligibility, competence, crowd
    (5+ signers), originals. A denunciation found outside competence gets the 5-working-day
    transfer deadline from receipt. Raises InvalidTransition once an outcome is decided.

    A complaint received after its limitation period (Luật Khiếu nại art. 9, 33; computed from
    `decision_known_on`) is classified ineligible, whatever `eligible` says, unless a
    `force_majeure_reason` is recorded (time lost to an objective obstacle is not counted).
    `None` keeps the values already recorded."""
    petition = _lock(petition, version)
    _guard(petition, S.CLASSIFIED)
    if kind not in PetitionKind.values:
        raise DomainError(_("Unknown kind of petition: %(kind)s") % {"kind": kind})
    if kind != petition.kind and PetitionKind.DENUNCIATION in (kind, petition.kind):
        raise DomainError(
            _("A denunciation cannot be reclassified to another kind or back: register it again instead.")
        )
    on = on or _today()
    from_status = petition.status
    kind_changed = kind != petition.kind or multi_place != petition.multi_place
    petition.kind, petition.eligible, petition.competent = kind, eligible, competent
    petition.signers, petition.has_originals = max(1, signers), has_originals
    petition.anonymous, petition.over_level, petition.multi_place = anonymous, over_level, multi_place
    if decision_known_on is not None:
        if decision_known_on > petition.received_on:
            raise DomainError(_("The decision cannot have been received after the petition."))
        petition.decision_known_on = decision_known_on
    if force_majeure_reason is not None:
        petition.force_majeure_reason = force_majeure_reason.strip()
    _set_limitation(petition)
    out_of_time = petition.filed_out_of_time
    if out_of_time:
        petition.eligible = False
    petition.classified_on = on
    petition.status = S.CLASSIFIED
    if kind_changed:
        _intake_deadlines(petition)
    if petition.kind == PetitionKind.DENUNCIATION and not competent:
        _set_deadline(petition, step=Step.TRANSFER, code="denunciation.transfer", start=petition.received_on)
    elif petition.step == Step.TRANSFER:
        _intake_deadlines(petition)
    _save(petition)
    parts = []
    for extra in extra_contents:
        if extra.kind not in PetitionKind.values:
            raise DomainError(_("Unknown kind of petition: %(kind)s") % {"kind": extra.kind})
        part = _create(
            unit=petition.unit,
            kind=extra.kind,
            received_on=petition.received_on,
            channel=petition.channel,
            subject=extra.subject,
            content=extra.content,
            identity=_petitioner_contact(petition),
            respondent="",
            signers=petition.signers,
            anonymous=petition.anonymous,
            over_level=petition.over_level,
            has_originals=False,
            attachments=[],
            actor=actor,
            ip_address=ip_address,
            idempotency_key=None,
            source=_("Split from %(ref)s") % {"ref": petition.ref},
            parent=petition,
            tracked=False,
        )
        parts.append(part.ref)
    _event(
        petition,
        Kind.CLASSIFIED,
        actor=actor,
        from_status=from_status,
        to_status=S.CLASSIFIED,
        reason=note,
        data={
            "kind": kind,
            "eligible": petition.eligible,
            "competent": competent,
            "crowd": petition.is_crowd,
            **(
                {
                    "limitation_due_on": petition.limitation_due_on.isoformat(),
                    "out_of_time": out_of_time,
                    "force_majeure": bool(petition.force_majeure_reason),
                }
                if petition.limitation_due_on
                else {}
            ),
        },
        ip_address=ip_address,
    )
    if parts:
        _event(petition, Kind.SPLIT, actor=actor, data={"parts": parts}, ip_address=ip_address)
    return petition


def _decide(
    petition: Petition,
    *,
    version: int | None,
    outcome: str,
    kind: str,
    reason: str,
    on: date | None,
    actor: User | None,
    ip_address: str | None,
    data: dict[str, object] | None = None,
) -> Petition:
    petition = _lock(petition, version)
    _guard(petition, OUTCOME_STATUS[outcome])
    return _apply_decision(
        petition, outcome=outcome, kind=kind, reason=reason, on=on, actor=actor, ip_address=ip_address, data=data
    )


def _apply_decision(
    petition: Petition,
    *,
    outcome: str,
    kind: str,
    reason: str,
    on: date | None,
    actor: User | None,
    ip_address: str | None,
    data: dict[str, object] | None = None,
) -> Petition:
    """Record an outcome on a petition the caller has locked and guarded (and may have changed):
    one save, one event, the citizen notified."""
    target = OUTCOME_STATUS[outcome]
    from_status = petition.status
    petition.status, petition.outcome = target, outcome
    petition.outcome_reason = reason
    if outcome != Outcome.ACCEPTED:
        petition.resolved_on = on or _today()
        _clear_deadline(petition)
    _save(petition)
    _event(
        petition,
        kind,
        actor=actor,
        from_status=from_status,
        to_status=target,
        reason=reason,
        data=data,
        ip_address=ip_address,
    )
    _notify_status(petition)
    return petition


@transaction.atomic
def petition_accept(
    *,
    petition: Petition,
    version: int | None,
    complex: bool = False,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Accept for resolution (thụ lý): the resolution deadline starts on the acceptance day
    (complaint 30/45, remote 45/60; 2nd time 45/60, remote 60/70; denunciation 30).
    Raises DomainError unless the petition was classified eligible and within competence."""
    locked = _lock(petition, version)
    _guard(locked, S.ACCEPTED)
    if not (locked.eligible and locked.competent):
        raise DomainError(_("Only an eligible petition within this unit's competence can be accepted."))
    on = on or _today()
    locked.accepted_on, locked.complex = on, complex
    code = _resolve_rule_code(locked)
    if code:
        _set_deadline(locked, step=Step.RESOLVE, code=code, start=on)
    else:
        _clear_deadline(locked)
    if locked.is_denunciation:
        _open_duty(locked, Duty.NOTIFY_ACCEPTANCE, start=on)
    return _apply_decision(
        locked,
        outcome=Outcome.ACCEPTED,
        kind=Kind.ACCEPTED,
        reason="",
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"complex": complex, "due_on": locked.due_on.isoformat() if locked.due_on else ""},
    )


@transaction.atomic
def petition_refuse(
    *,
    petition: Petition,
    version: int | None,
    reason: str,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Refuse (không thụ lý) with reasons; the citizen is told them."""
    if not reason.strip():
        raise DomainError(_("A refusal must give its reasons."))
    return _decide(
        petition,
        version=version,
        outcome=Outcome.REFUSED,
        kind=Kind.REFUSED,
        reason=reason.strip(),
        on=on,
        actor=actor,
        ip_address=ip_address,
    )


@transaction.atomic
def petition_guide(
    *,
    petition: Petition,
    version: int | None,
    body: str,
    reason: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Guide the citizen to the competent body (named in `body`)."""
    if not body.strip():
        raise DomainError(_("Name the competent body the citizen is guided to."))
    locked = _lock(petition, version)
    _guard(locked, S.GUIDED)
    locked.outcome_body, locked.competent = body.strip()[:300], False
    return _apply_decision(
        locked,
        outcome=Outcome.GUIDED,
        kind=Kind.GUIDED,
        reason=reason,
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"body": body.strip()},
    )


@transaction.atomic
def petition_transfer(
    *,
    petition: Petition,
    version: int | None,
    to_unit: Unit,
    reason: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Transfer to another unit: the petition there starts in its queue (channel forwarded).
    The same content is transferred only once (TT 05/2021 art. 14): a second transfer of
    it, from here or from the receiving unit, raises DomainError. Returns the new petition."""
    locked = _lock(petition, version)
    _guard(locked, S.TRANSFERRED)
    if to_unit.pk == locked.unit_id:
        raise DomainError(_("A petition cannot be transferred to its own unit."))
    if Petition.objects.filter(content_key=locked.content_key, status=S.TRANSFERRED).exists():
        raise DomainError(_("This content has already been transferred once; it may not be transferred again."))
    on = on or _today()
    locked.outcome_unit, locked.competent = to_unit, False
    _apply_decision(
        locked,
        outcome=Outcome.TRANSFERRED,
        kind=Kind.TRANSFERRED,
        reason=reason,
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"to_unit": to_unit.code},
    )
    identity = _petitioner_contact(locked)
    received = _create(
        unit=to_unit,
        kind=locked.kind,
        received_on=on,
        channel=Channel.FORWARDED,
        subject=locked.subject,
        content=locked.content,
        identity=identity,
        respondent=locked.respondent,
        signers=locked.signers,
        anonymous=locked.anonymous,
        over_level=locked.over_level,
        has_originals=locked.has_originals,
        attachments=[],
        actor=actor,
        ip_address=ip_address,
        idempotency_key=None,
        source=_("Transferred by %(unit)s (%(ref)s)") % {"unit": locked.unit.name, "ref": locked.ref},
        transferred_from=locked,
        tracked=False,
    )
    for attachment in locked.attachments.all():
        Attachment.objects.create(
            petition=received,
            file=attachment.file.name,
            original_name=attachment.original_name,
            mime=attachment.mime,
            size=attachment.size,
        )
    return received


@transaction.atomic
def petition_urge(
    *,
    petition: Petition,
    version: int | None,
    body: str,
    reason: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Urge the overdue subordinate body (named in `body`) to resolve it."""
    if not body.strip():
        raise DomainError(_("Name the body that is urged."))
    locked = _lock(petition, version)
    _guard(locked, S.URGED)
    locked.outcome_body = body.strip()[:300]
    return _apply_decision(
        locked,
        outcome=Outcome.URGED,
        kind=Kind.URGED,
        reason=reason,
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"body": body.strip()},
    )


@transaction.atomic
def petition_file_away(
    *,
    petition: Petition,
    version: int | None,
    reason: str,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """File away (xếp lưu, kept 1 year): ineligible, out of time, already decided, illegible."""
    if not reason.strip():
        raise DomainError(_("Say why the petition is filed away."))
    return _decide(
        petition,
        version=version,
        outcome=Outcome.FILED,
        kind=Kind.FILED,
        reason=reason.strip(),
        on=on,
        actor=actor,
        ip_address=ip_address,
    )


@transaction.atomic
def petition_no_action(
    *,
    petition: Petition,
    version: int | None,
    reason: str,
    pass_to_inspection: bool = False,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """No action (anonymous or false-name denunciation, or sent again after guidance);
    `pass_to_inspection` records that its concrete content goes to inspection."""
    if not reason.strip():
        raise DomainError(_("Say why no action is taken."))
    return _decide(
        petition,
        version=version,
        outcome=Outcome.NO_ACTION,
        kind=Kind.NO_ACTION,
        reason=reason.strip(),
        on=on,
        actor=actor,
        ip_address=ip_address,
        data={"pass_to_inspection": pass_to_inspection},
    )


@transaction.atomic
def petition_return_originals(
    *, petition: Petition, on: date | None = None, actor: User | None, ip_address: str | None = None
) -> Petition:
    """Record that the original documents went back to the citizen."""
    locked = _lock(petition)
    if not locked.has_originals:
        raise DomainError(_("No original documents are recorded for this petition."))
    if locked.originals_returned_on:
        raise DomainError(_("The original documents were already returned."))
    locked.originals_returned_on = on or _today()
    _save(locked)
    _event(
        locked,
        Kind.ORIGINALS_RETURNED,
        actor=actor,
        ip_address=ip_address,
        data={"originals_returned_on": locked.originals_returned_on.isoformat()},
    )
    return locked


@transaction.atomic
def petition_link_first(
    *, petition: Petition, first: Petition, actor: User | None, ip_address: str | None = None
) -> Petition:
    """Make `petition` the 2nd-time complaint against the decision on `first`: its
    acceptance deadline becomes the 2nd-time one (10 days) and its resolution 45/60."""
    locked = _lock(petition)
    if locked.kind != PetitionKind.COMPLAINT or first.kind != PetitionKind.COMPLAINT:
        raise DomainError(_("Only a complaint can be a second-time complaint, about a first-time complaint."))
    if first.pk == locked.pk or first.complaint_round != 1:
        raise DomainError(_("Choose the first-time complaint."))
    if locked.status not in (S.RECEIVED, S.CLASSIFIED):
        raise InvalidTransition(_("Link the first-time complaint before the petition is accepted."))
    first = Petition.objects.get(pk=first.pk)  # its decision date and deadline as stored now
    locked.first_petition, locked.complaint_round = first, 2
    _intake_deadlines(locked)
    _set_limitation(locked)
    _save(locked)
    _event(
        locked,
        Kind.LINKED_FIRST,
        actor=actor,
        data={"first": first.ref, "first_unit": first.unit.code},
        ip_address=ip_address,
    )
    return locked


# --- handling ------------------------------------------------------------------------


@transaction.atomic
def petition_assign(
    *, petition: Petition, version: int | None, assignee: User, actor: User | None, ip_address: str | None = None
) -> Petition:
    """Make `assignee` (an official of the unit) responsible for the petition."""
    locked = _lock(petition, version)
    if not locked.is_open:
        raise InvalidTransition(_("A closed petition cannot be assigned."))
    if not user_has_role(user=assignee, unit=locked.unit, roles=HANDLING_ROLES):
        raise DomainError(_("The handler must be an official of this unit."))
    locked.assignee = assignee
    _save(locked)
    _event(locked, Kind.ASSIGNED, actor=actor, data={"assignee_id": assignee.pk}, ip_address=ip_address)
    return locked


@transaction.atomic
def petition_extend(
    *, petition: Petition, version: int | None, reason: str, actor: User, ip_address: str | None = None
) -> Petition:
    """Extend a denunciation's resolution by 30 days (Luật Tố cáo art. 30): once if complex,
    twice at most if particularly complex, decided by the head of the unit."""
    locked = _lock(petition, version)
    if locked.kind != PetitionKind.DENUNCIATION or locked.status != S.ACCEPTED or locked.due_on is None:
        raise InvalidTransition(_("Only an accepted denunciation being resolved can be extended."))
    if not user_has_role(user=actor, unit=locked.unit, roles=(Role.HEAD,)):
        raise DomainError(_("Only the head of the unit decides an extension."))
    if locked.extensions >= 2:
        raise DomainError(_("A denunciation can be extended at most twice."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."))
    old = locked.due_on
    _set_deadline(locked, step=Step.RESOLVE, code="denunciation.extension", start=old)
    locked.extensions += 1
    _save(locked)
    _event(
        locked,
        Kind.EXTENDED,
        actor=actor,
        reason=reason.strip(),
        data={
            "from": old.isoformat(),
            "to": locked.due_on.isoformat() if locked.due_on else "",
            "extension": locked.extensions,
        },
        ip_address=ip_address,
    )
    _notify_status(locked)
    return locked


@transaction.atomic
def petition_suspend(
    *,
    petition: Petition,
    version: int | None,
    reason: str,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Suspend resolution temporarily: the clock stops until resumed."""
    locked = _lock(petition, version)
    _guard(locked, S.SUSPENDED)
    if not reason.strip():
        raise DomainError(_("Give the reason for the suspension."))
    locked.status, locked.suspended_on = S.SUSPENDED, on or _today()
    _save(locked)
    _event(
        locked,
        Kind.SUSPENDED,
        actor=actor,
        from_status=S.ACCEPTED,
        to_status=S.SUSPENDED,
        reason=reason.strip(),
        ip_address=ip_address,
    )
    _notify_status(locked)
    return locked


def suspension_shift(*, kind: str, due_on: date, suspended_on: date, resumed_on: date) -> tuple[date, int | None]:
    """The deadline after a suspension, and the rule that moved it.

    For complaints the suspended days are not counted from 1/7/2026 (rule
    `complaint.suspension_excluded`, Law 136/2025): the deadline moves by the days
    suspended on or after the day the rule took effect. Before it, nothing moves."""
    if kind != PetitionKind.COMPLAINT:
        return due_on, None
    try:
        rule = deadline_rule_in_force(code="complaint.suspension_excluded", on=resumed_on)
    except RuleNotFound:
        return due_on, None
    start = max(suspended_on, rule.valid_from)
    days = max(0, (resumed_on - start).days)
    if days == 0:
        return due_on, rule.pk
    moved = on_or_next_working_day(due_on + timedelta(days=days), calendar=calendar_around(due_on))
    return moved, rule.pk


@transaction.atomic
def petition_resume(
    *,
    petition: Petition,
    version: int | None,
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Resume a suspended petition; see suspension_shift for the deadline."""
    locked = _lock(petition, version)
    _guard(locked, S.ACCEPTED)
    on = on or _today()
    if locked.suspended_on is None or on < locked.suspended_on:
        raise DomainError(_("The resumption date cannot be before the suspension."))
    old = locked.due_on
    rule_id: int | None = None
    if old is not None:
        locked.due_on, rule_id = suspension_shift(
            kind=locked.kind, due_on=old, suspended_on=locked.suspended_on, resumed_on=on
        )
    suspended_on = locked.suspended_on
    locked.status, locked.suspended_on = S.ACCEPTED, None
    _save(locked)
    _event(
        locked,
        Kind.RESUMED,
        actor=actor,
        from_status=S.SUSPENDED,
        to_status=S.ACCEPTED,
        data={
            "suspended_on": suspended_on.isoformat(),
            "from": old.isoformat() if old else "",
            "to": locked.due_on.isoformat() if locked.due_on else "",
            "rule_id": rule_id,
        },
        ip_address=ip_address,
    )
    _notify_status(locked)
    return locked


@transaction.atomic
def petition_resolve(
    *,
    petition: Petition,
    version: int | None,
    result: str,
    note: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> Petition:
    """Record the decision (complaint) or conclusion (denunciation). Only an accepted
    petition can be resolved; the result must suit its kind. Notifies the citizen."""
    locked = _lock(petition, version)
    _guard(locked, S.RESOLVED)
    if result not in RESULTS_BY_KIND[locked.kind]:
        raise DomainError(_("This result does not apply to this kind of petition."))
    from_status = locked.status
    locked.status, locked.result, locked.result_note = S.RESOLVED, result, note.strip()
    locked.resolved_on = on or _today()
    locked.suspended_on = None
    _clear_deadline(locked)
    if locked.is_denunciation and result in CONCLUSION_RESULTS:
        # Luật Tố cáo art. 35, 40: notify the denouncer and publish, from the conclusion.
        _open_duty(locked, Duty.NOTIFY_CONCLUSION, start=locked.resolved_on)
        _open_duty(locked, Duty.PUBLISH_CONCLUSION, start=locked.resolved_on)
    _save(locked)
    _event(
        locked,
        Kind.RESOLVED,
        actor=actor,
        from_status=from_status,
        to_status=S.RESOLVED,
        data={"result": result},
        ip_address=ip_address,
    )
    _notify_status(locked)
    return locked


CONCLUSION_RESULTS = (Result.TRUE, Result.PARTLY_TRUE, Result.FALSE)


def _identity_tokens(identity: Identity) -> list[str]:
    """Pieces of a denouncer's identity that must not appear in a published text (folded)."""
    tokens = [fold(identity.name), fold(identity.email)]
    for number in (identity.id_number, identity.phone):
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) >= 6:
            tokens.append(digits)
    return [t for t in tokens if len(t.strip()) >= 3]


def text_reveals_identity(*, text: str, identity: Identity) -> bool:
    """True when `text` carries the name, e-mail, identity number or phone of `identity`."""
    folded = fold(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    for token in _identity_tokens(identity):
        haystack = digits if token.isdigit() else folded
        if token in haystack:
            return True
    return False


@transaction.atomic
def petition_duty_record(
    *,
    petition: Petition,
    duty: str,
    note: str,
    published_text: str = "",
    on: date | None = None,
    actor: User | None,
    ip_address: str | None = None,
) -> PetitionDuty:
    """Record that a denunciation duty was done: the denouncer notified of the acceptance
    (Luật Tố cáo art. 29) or of the conclusion (art. 35), or the conclusion published (art. 40).
    `note` says how (letter number, meeting, website). A publication must give the published
    text, which may never carry the denouncer's identity (art. 40, 47): DomainError if it does.
    Writes one NOTIFIED or PUBLISHED event; a duty is recorded once."""
    locked = _lock(petition)
    row = PetitionDuty.objects.select_for_update().filter(petition=locked, duty=duty).first()
    if row is None:
        raise InvalidTransition(_("This petition has no such duty."))
    if row.done_on is not None:
        raise InvalidTransition(_("This has already been recorded."))
    if not note.strip():
        raise DomainError(_("Say how it was done (document number, meeting, website)."))
    on = on or _today()
    if on < row.start:
        raise DomainError(_("The date cannot be before the duty started."))
    if duty == Duty.PUBLISH_CONCLUSION:
        if not published_text.strip():
            raise DomainError(_("Give the text of the conclusion as published."))
        if text_reveals_identity(text=published_text, identity=_petitioner_contact(locked)):
            raise DomainError(
                _("The published text contains the denouncer's identity. Remove it: the law forbids revealing it.")
            )
    row.done_on, row.done_by, row.note = on, actor, note.strip()
    row.published_text = published_text.strip()
    row.save()
    _event(
        locked,
        Kind.PUBLISHED if duty == Duty.PUBLISH_CONCLUSION else Kind.NOTIFIED,
        actor=actor,
        reason=note.strip(),
        data={"duty": duty, "due_on": row.due_on.isoformat(), "done_on": on.isoformat(), "late": on > row.due_on},
        ip_address=ip_address,
    )
    return row


# --- cases --------------------------------------------------------------------------


@transaction.atomic
def case_group(
    *, petitions: Iterable[Petition], case: Case | None = None, actor: User | None, ip_address: str | None = None
) -> Case:
    """Group petitions about the same matter into one case (a new one unless `case` is given).
    All must belong to one unit."""
    locked = list(Petition.objects.select_for_update().filter(pk__in=[p.pk for p in petitions]).order_by("pk"))
    if not locked:
        raise DomainError(_("Choose the petitions to group."))
    units = {p.unit_id for p in locked} | ({case.unit_id} if case else set())
    if len(units) != 1:
        raise DomainError(_("Only petitions of one unit can form a case."))
    if case is None:
        first = locked[0]
        year = first.received_on.year
        count = Case.objects.filter(unit_id=first.unit_id, ref__startswith=f"VV-{year}-").count()
        ref = f"VV-{year}-{count + 1:04d}"
        while Case.objects.filter(unit_id=first.unit_id, ref=ref).exists():
            count += 1
            ref = f"VV-{year}-{count + 1:04d}"
        case = Case.objects.create(unit_id=first.unit_id, ref=ref, kind=first.kind, subject=first.subject)
    for petition in locked:
        if petition.case_id == case.pk:
            continue
        petition.case = case
        _save(petition)
        _event(petition, Kind.GROUPED, actor=actor, data={"case": case.ref}, ip_address=ip_address)
    return case


# --- deadline sweep -------------------------------------------------------------------


def _nearest_heads(unit: Unit) -> list[User]:
    memberships = list(users_with_role_in(unit=unit, roles=(Role.HEAD,)))
    if not memberships:
        return []
    nearest = memberships[0].unit.path
    return [m.user for m in memberships if m.unit.path == nearest]


def _staff_url(petition: Petition) -> str:
    return reverse("petitions:detail", kwargs={"pk": petition.pk})


def _alert(petition: Petition, *, template: str, key: str, due_on: date, about: dict[str, str], escalate: bool) -> None:
    """One reminder (to the assignee, else the unit's handlers) or escalation (to the nearest
    heads) by e-mail, deduplicated per recipient on `key`, and its audit event."""
    if escalate:
        recipients = _nearest_heads(petition.unit)
    elif petition.assignee:
        recipients = [petition.assignee]
    else:
        recipients = [m.user for m in users_with_role_in(unit=petition.unit, roles=(Role.HANDLER,))]
    context = {"ref": petition.ref, **about, "due_on": f"{due_on:%d/%m/%Y}", "url": _staff_url(petition)}
    if escalate:
        context["unit"] = petition.unit.name
    _queue(
        [
            Notification(
                petition=petition,
                user=u,
                channel=Notification.Channel.EMAIL,
                template=template,
                context=context,
                dedupe_key=f"{key}:{u.pk}",
            )
            for u in recipients
        ]
    )
    event_data: dict[str, object] = {
        **({"duty": about["duty"]} if "duty" in about else {}),
        "due_on": due_on.isoformat(),
    }
    _event(petition, Kind.ESCALATED if escalate else Kind.REMINDED, actor=None, data=event_data)


def deadline_sweep(*, today: date | None = None) -> tuple[int, int]:
    """Remind handlers of deadlines within 3 working days and escalate overdue petitions to
    the unit's head, each once per deadline (compare-and-set on reminded/escalated_due_on).
    Suspended petitions are skipped: their clock is stopped. Returns (reminded, escalated)."""
    from civicdesk.workdays import add_working_days

    from .models import CLOCK_STATUSES

    today = today or _today()
    cutoff = add_working_days(today, 3, calendar=calendar_around(today))
    reminded = escalated = 0
    soon = (
        Petition.objects.filter(status__in=CLOCK_STATUSES, due_on__gte=today, due_on__lte=cutoff)
        .exclude(reminded_due_on=F("due_on"))
        .select_related("unit", "assignee")
    )
    for petition in soon:
        with transaction.atomic():
            won = (
                Petition.objects.filter(pk=petition.pk, due_on=petition.due_on)
                .exclude(reminded_due_on=petition.due_on)
                .update(reminded_due_on=petition.due_on)
            )
            if won != 1 or petition.due_on is None:
                continue
            _alert(
                petition,
                template="reminder",
                key=f"remind:{petition.pk}:{petition.due_on}",
                due_on=petition.due_on,
                about={"step": petition.step},
                escalate=False,
            )
            reminded += 1
    overdue = (
        Petition.objects.filter(status__in=CLOCK_STATUSES, due_on__lt=today)
        .exclude(escalated_due_on=F("due_on"))
        .select_related("unit")
    )
    for petition in overdue:
        with transaction.atomic():
            won = (
                Petition.objects.filter(pk=petition.pk, due_on=petition.due_on)
                .exclude(escalated_due_on=petition.due_on)
                .update(escalated_due_on=petition.due_on)
            )
            if won != 1 or petition.due_on is None:
                continue
            _alert(
                petition,
                template="escalation",
                key=f"escalate:{petition.pk}:{petition.due_on}",
                due_on=petition.due_on,
                about={"step": petition.step},
                escalate=True,
            )
            escalated += 1
    duties_reminded, duties_escalated = _duty_sweep(today=today, cutoff=cutoff)
    return reminded + duties_reminded, escalated + duties_escalated


def _duty_sweep(*, today: date, cutoff: date) -> tuple[int, int]:
    """The same reminders and escalations for the pending denunciation duties (notify, publish),
    whatever the petition's status: each once per duty deadline."""
    counts = {False: 0, True: 0}
    pending = PetitionDuty.objects.filter(done_on__isnull=True).select_related("petition__unit", "petition__assignee")
    for escalate, marker, rows in (
        (False, "reminded_due_on", pending.filter(due_on__gte=today, due_on__lte=cutoff)),
        (True, "escalated_due_on", pending.filter(due_on__lt=today)),
    ):
        for row in rows.exclude(**{marker: F("due_on")}):
            with transaction.atomic():
                won = (
                    PetitionDuty.objects.filter(pk=row.pk, due_on=row.due_on, done_on__isnull=True)
                    .exclude(**{marker: row.due_on})
                    .update(**{marker: row.due_on})
                )
                if won != 1:
                    continue
                _alert(
                    row.petition,
                    template="escalation" if escalate else "reminder",
                    key=f"{'escalate' if escalate else 'remind'}-duty:{row.pk}:{row.due_on}",
                    due_on=row.due_on,
                    about={"duty": row.duty},
                    escalate=escalate,
                )
                counts[escalate] += 1
    return counts[False], counts[True]


# --- retention (lưu đơn: kept 1 year) ---------------------------------------------------

FILED_KEEP_DAYS = 365


def petition_purge_filed(queryset: QuerySet[Petition]) -> int:
    """Retention action for petitions filed away more than a year ago (TT 05/2021; TT 07/2014
    art. 28): their personal data and content go; the row stays as the skeleton (unit, ref,
    dates, kind, outcome) that the audit trail and the reports point to. The vault row,
    documents and outbox rows go by their own rules (see apps.py). One PURGED event each."""
    today = _today()
    count = 0
    for petition in queryset.select_for_update().filter(purged_on__isnull=True):
        for name in ("petitioner_name", "petitioner_id_number", "petitioner_address", "petitioner_phone"):
            setattr(petition, name, "")
        petition.petitioner_email = petition.id_number_digest = ""
        petition.subject = petition.content = petition.respondent = ""
        petition.outcome_reason = petition.result_note = petition.internal_note = ""
        petition.force_majeure_reason = ""
        petition.tracking_code, petition.tracking_secret_hash, petition.idempotency_key = None, "", None
        petition.purged_on = today
        _save(petition)
        _event(petition, Kind.PURGED, actor=None, data={"kept_days": FILED_KEEP_DAYS})
        count += 1
    return count


def attachment_file_delete(*, attachment: Attachment) -> None:
    """Remove a deleted attachment's file, unless a transferred copy still uses it."""
    name = attachment.file.name
    if name and not Attachment.objects.filter(file=name).exclude(pk=attachment.pk).exists():
        attachment.file.storage.delete(name)
