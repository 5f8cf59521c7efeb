"""Every write of the reception app, by record: sessions, visits, follow-up items,
dialogue conferences.

Each service is atomic, checks who may take it (`reception.policies.POLICY`, on the record's
unit; no actor is the system), locks the row it changes, checks the rule and the
`expected_version` the official's form carried, writes one ReceptionEvent (with the request's
IP address when there is one) and returns the row (core.workflow)."""

from .dialogues import dialogue_record
from .follow_ups import follow_up_complete, follow_up_create
from .forwarding import (
    NOTICE_RULE,
    forwarded_notice_deadline,
    forwarded_notice_draft,
    forwarded_notice_record,
    forwarded_result_record,
)
from .online import (
    online_check_due_on,
    online_notice_due_on,
    recording_opened,
    session_connection_check,
    session_notify_participants,
    session_recording_add,
)
from .sessions import (
    PUBLISH_RULE,
    SESSION_EDITABLE,
    SESSION_RECORD,
    RescheduleResult,
    session_open_today,
    session_publish,
    session_publish_due_on,
    session_reschedule,
    session_schedule,
    session_update,
)
from .vault import VisitIdentity, decrypt_visit_identity, visit_denouncer_reveal, visit_may_reveal, visit_vault_keep
from .visits import (
    ANSWER_RULE,
    VisitLogResult,
    petitions_available,
    visit_answer,
    visit_answer_deadline,
    visit_log,
    visit_mark_repeat,
)

__all__ = [
    "ANSWER_RULE",
    "NOTICE_RULE",
    "PUBLISH_RULE",
    "SESSION_EDITABLE",
    "SESSION_RECORD",
    "RescheduleResult",
    "VisitIdentity",
    "VisitLogResult",
    "decrypt_visit_identity",
    "dialogue_record",
    "follow_up_complete",
    "follow_up_create",
    "forwarded_notice_deadline",
    "forwarded_notice_draft",
    "forwarded_notice_record",
    "forwarded_result_record",
    "online_check_due_on",
    "online_notice_due_on",
    "petitions_available",
    "recording_opened",
    "session_connection_check",
    "session_notify_participants",
    "session_open_today",
    "session_publish",
    "session_publish_due_on",
    "session_recording_add",
    "session_reschedule",
    "session_schedule",
    "session_update",
    "visit_answer",
    "visit_answer_deadline",
    "visit_denouncer_reveal",
    "visit_log",
    "visit_mark_repeat",
    "visit_may_reveal",
    "visit_vault_keep",
]
