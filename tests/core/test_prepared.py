"""Hand-written statements prepared once per PostgreSQL connection (core.prepared)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.db.models.signals import post_save, pre_init, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from bench.plans import as_run
from civicdesk.db import AppendOnlyError
from core.prepared import fetch_prepared, insert_prepared, insert_prepared_with, new_row
from petitions.models import Channel, Notification, Petition, PetitionEvent, PetitionStatus
from tests.factories import UnitFactory, UserFactory
from tests.petitions.factories import receive

pytestmark = pytest.mark.django_db

SQL = "SELECT code FROM core_unit WHERE code >= %s ORDER BY code LIMIT 2"


@pytest.mark.django_db(transaction=True)  # the test closes its connection
def test_a_prepared_statement_gives_the_rows_of_the_statement_on_every_connection():
    for code in ("P01", "P02", "P03"):
        UnitFactory(code=code, name=f"Đơn vị {code}")

    with CaptureQueriesContext(connection) as ctx:
        first = fetch_prepared("test_units_from", SQL, ["P02"])
        again = fetch_prepared("test_units_from", SQL, ["P01"])
    connection.close()  # a new connection has none of the old one's statements
    anew = fetch_prepared("test_units_from", SQL, ["P02"])

    assert first == anew == [("P02",), ("P03",)]
    assert again == [("P01",), ("P02",)]
    assert len(ctx.captured_queries) == 2  # preparing rides on the first execution
    if connection.vendor == "postgresql":
        assert ctx.captured_queries[0]["sql"].startswith("PREPARE test_units_from AS SELECT")
        assert ctx.captured_queries[1]["sql"] == "EXECUTE test_units_from('P01')"
        run, explain = as_run(ctx.captured_queries[1]["sql"])
        assert "FROM core_unit" in run
        assert explain == "EXECUTE test_units_from('P01')"


def test_only_plain_names_and_placeholders_are_prepared():
    with pytest.raises(ValueError):
        fetch_prepared("bad name", SQL, ["P01"])
    with pytest.raises(ValueError):
        fetch_prepared("units_like", "SELECT code FROM core_unit WHERE code LIKE 'P%'", [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite divides by zero to NULL")
def test_a_statement_that_failed_once_runs_on_the_next_call():
    """PostgreSQL keeps a PREPARE whose EXECUTE failed (a rollback does not undo it): the next
    call must neither prepare it twice nor assume it missing."""
    sql = "SELECT 10 / %s"
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_prepared("test_tenth", sql, [0])

    assert fetch_prepared("test_tenth", sql, [5]) == [(2,)]
    assert fetch_prepared("test_tenth", sql, [2]) == [(5,)]


def _row(model, pk):
    row = model.objects.filter(pk=pk).values().get()
    row.pop("id")
    return row


def test_insert_prepared_writes_the_row_that_save_writes():
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    official = UserFactory(username="canbo.chen")
    at = datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC)
    fields = {
        "petition": petition,
        "user": official,
        "channel": "email",
        "template": "reminder",
        "context": {"ref": petition.ref, "số": [1, 2]},
        "created_at": at,
        "attempts": 2,
        "next_attempt_at": at,
        "last_error": "Máy chủ thư không trả lời",
    }
    saved, inserted = Notification(**fields), Notification(**fields)
    saved.save()
    insert_prepared(inserted)

    assert inserted.pk is not None and inserted.pk != saved.pk and not inserted._state.adding
    assert _row(Notification, inserted.pk) == _row(Notification, saved.pk)
    # the same statement again, with other values (on PostgreSQL: the prepared one)
    with CaptureQueriesContext(connection) as ctx:
        insert_prepared(again := Notification(**{**fields, "user": None, "next_attempt_at": None, "context": {}}))
    assert _row(Notification, again.pk) == {
        **_row(Notification, saved.pk),
        "user_id": None,
        "next_attempt_at": None,
        "context": {},
    }
    if connection.vendor == "postgresql":
        assert [q["sql"].split("(")[0] for q in ctx.captured_queries] == ["EXECUTE insert_petitions_notification"]


def test_a_value_the_driver_cannot_take_as_it_is_goes_through_its_field():
    """Plain strings, numbers and dates go to the driver as they are; a lazy translation, a
    datetime in a date field and a personal field that encrypts are written as save() writes them."""
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    fields = {
        f.attname: getattr(petition, f.attname)
        for f in Petition._meta.concrete_fields
        if f.attname not in ("id", "tracking_code", "idempotency_key", "ref")
    }
    lazy = gettext_lazy("Online filing")
    row = Petition(
        **{
            **fields,
            "ref": "2026/999",
            "source": lazy,
            "received_on": datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC),
            "petitioner_phone": "0987654321",
        }
    )
    insert_prepared(row)

    stored = Petition.objects.get(pk=row.pk)
    assert stored.source == str(lazy)
    assert stored.received_on == datetime(2026, 12, 2).date()
    assert stored.petitioner_phone == "0987654321"
    with connection.cursor() as cursor:
        cursor.execute("SELECT petitioner_phone FROM petitions_petition WHERE id = %s", [row.pk])
        assert cursor.fetchone()[0] not in ("", "0987654321")  # a token, not the number


def test_choices_uuids_and_empty_places_are_written_as_save_writes_them():
    """A choice (a `TextChoices` member), a UUID and an empty coordinate go to the driver as
    they are; the stored row reads back as save() would have stored it."""
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    row = new_petition(petition.unit)
    key = uuid.uuid4()
    row.channel, row.status, row.content_key, row.latitude = Channel.ONLINE, PetitionStatus.RECEIVED, key, None
    insert_prepared(row)

    stored = Petition.objects.get(pk=row.pk)
    assert (stored.channel, stored.status, stored.content_key) == ("online", "received", key)
    assert stored.latitude is None and stored.longitude is None


def test_insert_prepared_runs_pre_save_as_save_does():
    """auto_now and auto_now_add are set by the fields' pre_save, as by save()."""
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    stored = Petition.objects.get(pk=petition.pk)
    assert stored.created_at == petition.created_at and stored.updated_at == petition.updated_at
    assert stored.created_at is not None and stored.search_text == petition.search_text != ""


def test_insert_prepared_gives_several_rows_their_keys_in_order():
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    rows = [
        Notification(petition=petition, channel=channel, template="received", context={"n": n})
        for n, channel in enumerate(("email", "sms", "email"))
    ]
    insert_prepared(*rows)

    assert len({n.pk for n in rows}) == 3
    for n, row in enumerate(rows):
        assert Notification.objects.get(pk=row.pk).context == {"n": n}


def test_insert_prepared_leaves_a_row_with_an_expression_to_save():
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    row = Notification(petition=petition, channel="email", template="status", created_at=Now())
    insert_prepared(row)
    assert Notification.objects.get(pk=row.pk).created_at is not None


def test_insert_prepared_refuses_a_saved_row_or_rows_of_two_models():
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    row = Notification.objects.filter(petition=petition).first()
    with pytest.raises(ValueError, match="new rows of one model"):
        insert_prepared(row)
    with pytest.raises(ValueError, match="new rows of one model"):
        insert_prepared(Notification(petition=petition, channel="sms"), Petition(unit=petition.unit))


def new_petition(unit) -> Petition:
    """A petition as a filing builds it, not saved."""
    return Petition(
        unit=unit,
        ref=f"2026/{Petition.objects.count() + 90001}",
        received_on=datetime(2026, 12, 7, tzinfo=UTC).date(),
        kind="feedback",
        channel="online",
        subject="Đèn đường hỏng",
        content="Đèn đường trước số 5 hỏng đã một tuần.",
        petitioner_name="Trần Thị Bình",
        petitioner_email="binh@example.vn",
        status="received",
    )


class LoudNotification(Notification):
    """A model whose save() does more than an INSERT (here: fills a field)."""

    class Meta:
        proxy = True
        app_label = "petitions"

    def save(self, *args, **kwargs):
        self.template = "loud"
        super().save(*args, **kwargs)


def test_insert_prepared_refuses_a_model_that_overrides_save():
    """A plain INSERT would skip what the override does, so its rows go through save()."""
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    rows = Notification.objects.count()
    with pytest.raises(ValueError, match=r"LoudNotification\.save\(\)"):
        insert_prepared(LoudNotification(petition=petition, channel="email"))
    new = new_petition(petition.unit)
    with pytest.raises(ValueError, match=r"LoudNotification\.save\(\)"):
        insert_prepared_with(new, [LoudNotification(petition=new, channel="email")])
    assert Notification.objects.count() == rows and new.pk is None


def test_an_audit_event_is_written_by_a_plain_insert_and_still_cannot_be_changed():
    """AuditEventBase's save() only refuses changes to a written row: a new event may be an INSERT."""
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    event = PetitionEvent(petition=petition, kind="noted", reason="Ghi chú")
    insert_prepared(event)

    stored = PetitionEvent.objects.get(pk=event.pk)
    assert (stored.petition_id, stored.kind, stored.reason) == (petition.pk, "noted", "Ghi chú")
    with pytest.raises(AppendOnlyError):
        stored.save()


def test_a_petition_its_event_and_its_outbox_rows_are_written_by_one_statement():
    unit = UnitFactory(code="P01", name="Phường Một")
    petition = new_petition(unit)
    event = PetitionEvent(petition=petition, kind="received", to_status="received", data={"channel": "online"})
    notices = [
        Notification(petition=petition, channel=channel, template="received", context={"n": n})
        for n, channel in enumerate(("email", "sms"))
    ]

    with CaptureQueriesContext(connection) as ctx:
        insert_prepared_with(petition, [event], notices)

    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1  # prepared now, or by an earlier filing on this connection
        assert ctx.captured_queries[0]["sql"].startswith(("PREPARE insert_with_", "EXECUTE insert_with_"))
    stored = Petition.objects.get(pk=petition.pk)
    assert stored.ref == petition.ref and stored.petitioner_email == "binh@example.vn"
    assert PetitionEvent.objects.get(pk=event.pk).petition_id == petition.pk == event.petition_id
    for n, row in enumerate(notices):
        saved = Notification.objects.get(pk=row.pk)
        assert (saved.petition_id, saved.context) == (petition.pk, {"n": n})
    # the next filing of the same shape executes the statement the first one prepared
    again = new_petition(unit)
    rows = [Notification(petition=again, channel=c, template="received") for c in ("email", "sms")]
    with CaptureQueriesContext(connection) as ctx:
        insert_prepared_with(again, [PetitionEvent(petition=again, kind="received")], rows)
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1
        assert ctx.captured_queries[0]["sql"].startswith("EXECUTE insert_with_")
    assert PetitionEvent.objects.filter(petition=again).count() == 1
    assert Notification.objects.filter(petition=again).count() == 2


def test_one_statement_writes_all_or_nothing():
    unit = UnitFactory(code="P01", name="Phường Một")
    first = receive(unit)
    Notification.objects.create(petition=first, channel="email", template="status", dedupe_key="once")
    petitions, events = Petition.objects.count(), PetitionEvent.objects.count()
    petition = new_petition(unit)
    twice = Notification(petition=petition, channel="email", template="status", dedupe_key="once")

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_prepared_with(petition, [PetitionEvent(petition=petition, kind="received")], [twice])

    assert (Petition.objects.count(), PetitionEvent.objects.count()) == (petitions, events)


def test_rows_holding_an_expression_are_still_written_with_their_parent():
    petition = new_petition(UnitFactory(code="P01", name="Phường Một"))
    row = Notification(petition=petition, channel="email", template="status", created_at=Now())

    insert_prepared_with(petition, [row])

    assert Notification.objects.get(pk=row.pk).petition_id == petition.pk is not None


def test_rows_that_do_not_point_at_the_parent_are_refused():
    unit = UnitFactory(code="P01", name="Phường Một")
    other = receive(unit)
    petition = new_petition(unit)
    with pytest.raises(ValueError, match="do not point at"):
        insert_prepared_with(petition, [Notification(petition=other, channel="email", template="status")])
    assert petition.pk is None


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
def test_insert_prepared_refuses_a_model_with_signal_receivers(signal):
    petition = receive(UnitFactory(code="P01", name="Phường Một"))
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append(instance)

    signal.connect(receiver, sender=Notification, dispatch_uid="test-prepared-receiver")
    try:
        with pytest.raises(ValueError, match="receivers"):
            insert_prepared(Notification(petition=petition, channel="email", template="status"))
    finally:
        signal.disconnect(sender=Notification, dispatch_uid="test-prepared-receiver")
    # without the receiver the same row goes in, and no receiver ever missed a row
    insert_prepared(row := Notification(petition=petition, channel="email", template="status"))
    assert row.pk is not None and heard == []


def _fields_of(row):
    return {k: v for k, v in vars(row).items() if k != "_state"}


def test_a_new_row_holds_what_the_model_call_gives_it():
    unit, user = UnitFactory(), UserFactory()
    values = {
        "unit": unit,
        "ref": "001/2026",
        "received_on": datetime(2026, 12, 7, tzinfo=UTC).date(),
        "kind": "complaint",
        "channel": Channel.ONLINE,
        "subject": "Khiếu nại",
        "assignee_id": user.pk,
        "parent": None,
        "status": PetitionStatus.RECEIVED,
    }
    made, called = new_row(Petition, **values), Petition(**values)
    made_fields, called_fields = _fields_of(made), _fields_of(called)
    # content_key's default is made anew for each row (a new UUID)
    assert made_fields.pop("content_key") != called_fields.pop("content_key")
    assert made_fields == called_fields
    assert made._state.fields_cache == called._state.fields_cache == {"unit": unit, "parent": None}
    assert (made._state.adding, made._state.db, made.pk) == (True, called._state.db, None)
    petition = receive(unit=unit)
    event = new_row(PetitionEvent, petition=petition, kind="received", to_status="received", data={"a": 1})
    assert event.petition is petition and event.petition_id == petition.pk and event.actor_id is None
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, tzinfo=UTC), tick=False):  # occurred_at: now
        made_event = new_row(PetitionEvent, petition=petition, kind="received", data={"a": 1})
        called_event = PetitionEvent(petition=petition, kind="received", data={"a": 1})
    assert _fields_of(made_event) == _fields_of(called_event)


def test_a_new_row_takes_djangos_path_for_other_keywords_and_pre_init_receivers():
    with pytest.raises(TypeError):
        new_row(Petition, no_such_field=1)
    seen = []

    def receiver(sender, **kwargs):
        seen.append(dict(kwargs["kwargs"]))  # Django empties it as it reads it

    pre_init.connect(receiver, sender=Notification)
    try:
        new_row(Notification, channel="email", template="received")
    finally:
        pre_init.disconnect(receiver, sender=Notification)
    assert seen == [{"channel": "email", "template": "received"}]
