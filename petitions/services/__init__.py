"""Every write of the petitions app, one module per concern:

- `intake`: receive a petition (online, desk, reception visit), check a tracking secret
- `numbering`: the register number and tracking code (one prepared statement)
- `classification`: classify, split contents, link a second-time complaint to the first
- `decisions`: accept, refuse, guide, transfer, file away, no action, return originals
- `urging`: urge a unit below (đôn đốc) and record its answer
- `handling`: assign, extend, suspend, resume, resolve
- `execution`: what has been carried out of a decision or conclusion
- `duties`: a denunciation's duties to notify and publish, without the denouncer's identity
- `repeat`: a repeated denunciation (tố cáo tiếp) and its steps (review; report on a delay)
- `cases`: group petitions into a case
- `vault`: the denouncer's identity, encrypted; reveal grants and the audited reveal
- `notifications`: what the outbox sends for petitions (core.outbox)
- `sweeps`: the daily deadline reminders and escalations
- `retention`: what goes when a filed-away petition's year is over
- `deadlines`, `workflow`: the stored deadlines, and the lock → check → save → event steps

Each state-changing service is atomic, locks the petition (core.workflow, `expected_version`
is the version the official's form carried), asks `policies.POLICY` whether the actor may act
in the petition's unit, checks the transition (TRANSITIONS in models.py), changes it, writes
one PetitionEvent and queues its notifications in the outbox, handed to Celery after commit.
Callers import from here: `from petitions import services`.
"""

from ..rules import CONCLUSION_RESULTS, limitation_start
from .cases import case_group
from .classification import ExtraContent, petition_classify, petition_link_first
from .deadlines import suspension_shift
from .decisions import (
    petition_accept,
    petition_file_away,
    petition_guide,
    petition_no_action,
    petition_refuse,
    petition_return_originals,
    petition_transfer,
)
from .duties import petition_duty_record, text_reveals_identity
from .execution import petition_record_execution
from .handling import (
    is_decided,
    petition_assign,
    petition_extend,
    petition_record_figures,
    petition_resolve,
    petition_resume,
    petition_suspend,
)
from .intake import Location, NewPetition, petition_check_secret, petition_create, petition_receive
from .repeat import petition_mark_repeat
from .retention import FILED_KEEP_DAYS, attachment_file_delete, petition_purge_filed
from .sweeps import deadline_sweep
from .urging import petition_urge, urge_request_answer, urgeable_units
from .vault import (
    Identity,
    denouncer_reveal,
    denunciation_document_opened,
    identity_reveal_grant,
    identity_reveal_revoke,
    protected_match_count,
    reveal_refused,
    user_may_reveal,
)

__all__ = [
    "CONCLUSION_RESULTS",
    "FILED_KEEP_DAYS",
    "ExtraContent",
    "Identity",
    "Location",
    "NewPetition",
    "attachment_file_delete",
    "case_group",
    "deadline_sweep",
    "denouncer_reveal",
    "denunciation_document_opened",
    "identity_reveal_grant",
    "identity_reveal_revoke",
    "is_decided",
    "limitation_start",
    "petition_accept",
    "petition_assign",
    "petition_check_secret",
    "petition_classify",
    "petition_create",
    "petition_duty_record",
    "petition_extend",
    "petition_file_away",
    "petition_guide",
    "petition_link_first",
    "petition_mark_repeat",
    "petition_no_action",
    "petition_purge_filed",
    "petition_receive",
    "petition_record_execution",
    "petition_record_figures",
    "petition_refuse",
    "petition_resolve",
    "petition_resume",
    "petition_return_originals",
    "petition_suspend",
    "petition_transfer",
    "petition_urge",
    "protected_match_count",
    "reveal_refused",
    "suspension_shift",
    "text_reveals_identity",
    "urge_request_answer",
    "urgeable_units",
    "user_may_reveal",
]
