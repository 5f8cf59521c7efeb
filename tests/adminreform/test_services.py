"""The dossier's rules: due dates in working days, the supplement clock, the apology,
the timing classification, transfers and their control log."""

from datetime import date

import pytest

from adminreform.models import DossierEvent, DossierStatus, Handover, IntakeNotice, Timing
from adminreform.services import (
    Applicant,
    dossier_apologise,
    dossier_assign,
    dossier_mark_result_ready,
    dossier_rate,
    dossier_refuse,
    dossier_request_supplement,
    dossier_resubmit,
    dossier_return,
    dossier_transfer,
    dossier_warn_due_soon,
    intake_notice_issue,
)
from civicdesk.exceptions import DomainError, InvalidTransition, StaleEdit
from core.models import DeadlineRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (date(2026, 2, 13), 3, date(2026, 2, 25)),  # Tết 2026: 16–20/02 off, then the weekend
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2025, 4, 24), 2, date(2025, 4, 26)),  # Saturday 26/04/2025 is a make-up working day
        (date(2026, 8, 20), 2, date(2026, 8, 22)),  # Saturday 22/08/2026 too
        (date(2026, 8, 28), 1, date(2026, 9, 3)),  # 31/08–02/09/2026 are holidays
    ],
)
def test_due_date_counts_working_days_across_tet_and_make_up_saturdays(receive, procedure, received, days, due):
    # given a procedure of `days` working days
    procedure.processing_days = days
    procedure.save()
    # when a complete dossier is received
    dossier = receive(on=received)
    # then its due date skips Tết and weekends but counts make-up Saturdays, with the rule stored
    assert dossier.due_on == due
    assert dossier.due_rule_id == DeadlineRule.objects.get(code="dossier.resolve").pk


def test_receive_gives_unique_codes_pin_event_and_first_control_line(receive, officer):
    first, second = receive(), receive()
    assert first.ref != second.ref and first.ref.startswith("00070-260302-")
    assert len(first.lookup_pin) == 6 and first.lookup_pin.isdigit()
    assert first.events.get().kind == DossierEvent.Kind.RECEIVED
    assert first.handovers.get().to_user == officer


def test_incomplete_file_cannot_be_accepted_and_the_supplement_request_lists_everything(commune, officer, procedure):
    applicant = Applicant(name="Trần Thị Bình")
    with pytest.raises(DomainError, match="Tờ khai đăng ký khai sinh"):
        from adminreform.services import dossier_receive

        dossier_receive(unit=commune, procedure=procedure, applicant=applicant, documents=[], actor=officer)
    notice = intake_notice_issue(
        unit=commune, procedure=procedure, applicant=applicant, kind=IntakeNotice.Kind.SUPPLEMENT, actor=officer
    )
    assert notice.missing == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]


def test_refusal_at_the_counter_needs_reasons(commune, officer, procedure):
    with pytest.raises(DomainError):
        intake_notice_issue(
            unit=commune, procedure=procedure, applicant=Applicant(name="A"), kind="refusal", actor=officer
        )


def test_supplement_request_within_3_working_days_restarts_the_clock(receive, handler, procedure):
    # given a 3-day dossier received on Friday 13/02/2026, just before Tết
    procedure.processing_days = 3
    procedure.save()
    dossier = receive(on=date(2026, 2, 13))
    # when the appraiser asks for a supplement on Wednesday 25/02 (3 working days later)
    dossier = dossier_request_supplement(
        dossier=dossier, missing=["Bản sao CCCD của người đi khai"], actor=handler, on=date(2026, 2, 25)
    )
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    # and the complete file comes back on Friday 27/02
    dossier = dossier_resubmit(dossier=dossier, actor=handler, on=date(2026, 2, 27))
    # then the full processing time runs again from that date
    assert dossier.due_on == date(2026, 3, 4)
    assert dossier.clock_started_on == date(2026, 2, 27)


def test_supplement_request_after_3_working_days_is_refused(receive, handler):
    dossier = receive(on=date(2026, 2, 13))
    with pytest.raises(DomainError, match="3 ngày làm việc"):
        dossier_request_supplement(dossier=dossier, missing=["x"], actor=handler, on=date(2026, 2, 26))
    assert not dossier.events.filter(kind=DossierEvent.Kind.SUPPLEMENT_REQUESTED).exists()


def test_apology_only_once_and_at_least_one_working_day_before_the_deadline(receive, handler, procedure):
    procedure.processing_days = 5
    procedure.save()
    dossier = receive(on=date(2026, 3, 2))  # due Monday 09/03/2026
    assert dossier.due_on == date(2026, 3, 9)
    # on Friday 06/03 (1 working day before) it is allowed
    dossier = dossier_apologise(
        dossier=dossier, new_due_on=date(2026, 3, 13), reason="Chờ xác minh", actor=handler, on=date(2026, 3, 6)
    )
    assert dossier.apology_new_due_on == date(2026, 3, 13)
    assert dossier.appointment_on == date(2026, 3, 13)
    assert dossier.due_on == date(2026, 3, 9)  # the legal date stays: it counts as late
    # a second one is refused
    with pytest.raises(DomainError, match="một lần"):
        dossier_apologise(
            dossier=dossier, new_due_on=date(2026, 3, 20), reason="Lần nữa", actor=handler, on=date(2026, 3, 6)
        )


def test_an_apology_owed_before_the_deadline_can_still_be_recorded_late_once(receive, handler, procedure):
    procedure.processing_days = 5
    procedure.save()
    dossier = receive(on=date(2026, 3, 2))  # due Monday 09/03; owed by Friday 06/03
    # after the appointment date has passed (Tuesday 10/03): still recorded, marked late
    with pytest.raises(DomainError, match="sau ngày xin lỗi"):
        dossier_apologise(
            dossier=dossier, new_due_on=date(2026, 3, 10), reason="x", actor=handler, on=date(2026, 3, 10)
        )
    dossier = dossier_apologise(
        dossier=dossier, new_due_on=date(2026, 3, 13), reason="Chờ xác minh", actor=handler, on=date(2026, 3, 10)
    )
    assert (dossier.apology_sent_on, dossier.appointment_on, dossier.due_on) == (
        date(2026, 3, 10),
        date(2026, 3, 13),
        date(2026, 3, 9),
    )
    assert dossier.events.get(kind=DossierEvent.Kind.APOLOGISED).data["late"] is True
    with pytest.raises(DomainError, match="một lần"):
        dossier_apologise(
            dossier=dossier, new_due_on=date(2026, 3, 20), reason="x", actor=handler, on=date(2026, 3, 11)
        )
    dossier = _close(dossier, handler, date(2026, 3, 12))
    assert dossier.timing_on(date(2026, 4, 1)) == Timing.LATE  # returned before the new date, still late


def test_an_apology_on_time_is_not_marked_late(receive, handler, procedure):
    procedure.processing_days = 5
    procedure.save()
    dossier = receive(on=date(2026, 3, 2))  # due 09/03: Friday 06/03 is the last day it is owed by
    dossier = dossier_apologise(
        dossier=dossier, new_due_on=date(2026, 3, 13), reason="x", actor=handler, on=date(2026, 3, 6)
    )
    assert dossier.events.get(kind=DossierEvent.Kind.APOLOGISED).data["late"] is False


def _close(dossier, actor, on):
    dossier = dossier_assign(dossier=dossier, assignee=actor, actor=actor)
    dossier = dossier_mark_result_ready(dossier=dossier, actor=actor)
    return dossier_return(dossier=dossier, actor=actor, on=on)


@pytest.mark.parametrize(
    ("returned", "timing"),
    [(date(2026, 3, 4), Timing.EARLY), (date(2026, 3, 5), Timing.ON_TIME), (date(2026, 3, 6), Timing.LATE)],
)
def test_early_on_time_late_come_from_the_dates(receive, handler, returned, timing):
    dossier = receive(on=date(2026, 3, 2))  # 3 working days: due 05/03
    dossier = _close(dossier, handler, returned)
    assert dossier.resolved_on == returned
    assert dossier.timing_on(date(2026, 4, 1)) == timing


def test_an_apologised_dossier_counts_as_late_even_if_returned_by_the_new_date(receive, handler):
    dossier = receive(on=date(2026, 3, 2))  # due 05/03
    dossier = dossier_apologise(
        dossier=dossier, new_due_on=date(2026, 3, 10), reason="x", actor=handler, on=date(2026, 3, 3)
    )
    dossier = _close(dossier, handler, date(2026, 3, 10))
    assert dossier.timing_on(date(2026, 4, 1)) == Timing.LATE


def test_open_dossier_is_overdue_after_its_date(receive):
    dossier = receive(on=date(2026, 3, 2))
    assert dossier.timing_on(date(2026, 3, 5)) == Timing.IN_TIME
    assert dossier.timing_on(date(2026, 3, 6)) == Timing.OVERDUE


def test_transfer_between_units_logs_each_hand_over(receive, handler, city, other_commune):
    dossier = receive()
    dossier = dossier_assign(dossier=dossier, assignee=handler, actor=handler)
    dossier = dossier_transfer(dossier=dossier, to_unit=city, note="Liên thông lên thành phố", actor=handler)
    dossier = dossier_transfer(dossier=dossier, to_unit=other_commune, actor=handler)
    steps = list(Handover.objects.filter(dossier=dossier).values_list("step", "from_unit__code", "to_unit__code"))
    assert steps == [
        ("received", None, "00070"),
        ("assigned", "00070", "00070"),
        ("transferred", "00070", "01"),
        ("transferred", "01", "00004"),
    ]
    assert dossier.handling_unit == other_commune


def test_stale_edit_is_refused(receive, handler):
    dossier = receive()
    old_version = dossier.version
    dossier_assign(dossier=dossier, assignee=handler, actor=handler)
    with pytest.raises(StaleEdit):
        dossier_refuse(dossier=dossier, reason="x", actor=handler, expected_version=old_version)


def test_forbidden_transition_writes_nothing(receive, handler):
    dossier = receive()
    with pytest.raises(InvalidTransition):
        dossier_return(dossier=dossier, actor=handler)
    assert dossier.events.count() == 1


def test_rating_only_after_return_and_once(receive, handler):
    dossier = receive()
    with pytest.raises(InvalidTransition):
        dossier_rate(dossier=dossier, score=3, visits=1)
    dossier = _close(dossier, handler, date(2026, 3, 3))
    dossier = dossier_rate(dossier=dossier, score=3, visits=2)
    assert (dossier.rating_score, dossier.rating_visits) == (3, 2)
    with pytest.raises(DomainError):
        dossier_rate(dossier=dossier, score=1, visits=1)


@pytest.fixture
def eager_celery():
    """Run the mail task in-process even where CI points Celery at a real Redis."""
    from civicdesk.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_daily_sweep_warns_each_dossier_due_tomorrow_once(
    receive, handler, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    handler.email = "xuly@example.vn"
    handler.save()
    due_tomorrow = receive(on=date(2026, 3, 2))  # due Thursday 05/03
    apologised = receive(on=date(2026, 3, 2))
    dossier_apologise(dossier=apologised, new_due_on=date(2026, 3, 10), reason="x", actor=handler, on=date(2026, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        warned = dossier_warn_due_soon(today=date(2026, 3, 4))
    assert warned == [due_tomorrow.pk]
    assert dossier_warn_due_soon(today=date(2026, 3, 4)) == []
    assert len(mailoutbox) == 1 and due_tomorrow.ref in mailoutbox[0].body
    assert "http://testserver/dossiers/" in mailoutbox[0].body  # an absolute link (SITE_URL)


@pytest.mark.postgres
def test_dossier_events_are_append_only_in_the_database(receive):
    from django.db import IntegrityError, InternalError, transaction

    dossier = receive()
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        DossierEvent.objects.filter(dossier=dossier).update(reason="changed")


def test_a_dossiers_closing_event_records_its_due_date_and_whether_it_was_late(receive, handler):
    dossier = _close(receive(on=date(2026, 3, 2)), handler, date(2026, 3, 6))  # 3 working days: due 05/03
    assert dossier.due_on == date(2026, 3, 5)
    event = dossier.events.get(kind=DossierEvent.Kind.RETURNED)
    assert (event.data["due_on"], event.data["late"]) == ("2026-03-05", True)
