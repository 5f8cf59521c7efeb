"""The reception records officials change together, each with its core.workflow.Workflow:
sessions, visits (their answer) and follow-up items (open → done). Every change locks the row,
checks the `expected_version` the official's form carried, and writes one ReceptionEvent."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.workflow import Workflow

from ..models import (
    ANSWER_TRANSITIONS,
    FOLLOW_UP_TRANSITIONS,
    DialogueConference,
    FollowUpItem,
    ReceptionEvent,
    ReceptionSession,
    Visit,
)


def _stale() -> str:
    return _("This record was changed by someone else since you opened it. Reload the page and try again.")


def _answered(_visit: Visit, _target: str) -> str | Promise:
    return _("This visit has already been answered.")


def _done(_item: FollowUpItem, _target: str) -> str | Promise:
    return _("This follow-up item is already done.")


SESSION: Workflow[ReceptionSession] = Workflow(
    model=ReceptionSession, event_model=ReceptionEvent, subject="session", related=("unit",), stale=_stale
)
VISIT: Workflow[Visit] = Workflow(
    model=Visit,
    event_model=ReceptionEvent,
    subject="visit",
    transitions=ANSWER_TRANSITIONS,
    status_field="answer",
    related=("unit",),
    event_fields=lambda visit: {"session_id": visit.session_id},
    stale=_stale,
    invalid=_answered,
)
FOLLOW_UP: Workflow[FollowUpItem] = Workflow(
    model=FollowUpItem,
    event_model=ReceptionEvent,
    subject="follow_up",
    transitions=FOLLOW_UP_TRANSITIONS,
    related=("unit",),
    event_fields=lambda item: {"session_id": item.session_id},
    stale=_stale,
    invalid=_done,
)
DIALOGUE: Workflow[DialogueConference] = Workflow(
    model=DialogueConference,
    event_model=ReceptionEvent,
    subject="dialogue",
    version_field=None,
    related=("unit",),
    stale=_stale,
)
