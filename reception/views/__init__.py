"""Reception pages: thin views over reception.services and reception.selectors, by concern.
Staff actions on a record go through the tables of `.actions` (core.actions)."""

from .dialogues import DialogueListView
from .follow_ups import FollowUpActionView, FollowUpListView
from .public import PublicScheduleView
from .registers import BookView, FrequencyView
from .sessions import (
    RecordingOpenView,
    SessionActionView,
    SessionCreateView,
    SessionDetailView,
    SessionEditView,
    SessionListView,
    SessionOpenTodayView,
    VisitRepeatProposalsView,
)
from .visits import VisitActionView, VisitDetailView, VisitQueueView, VisitRevealView

__all__ = [
    "BookView",
    "DialogueListView",
    "FollowUpActionView",
    "FollowUpListView",
    "FrequencyView",
    "PublicScheduleView",
    "RecordingOpenView",
    "SessionActionView",
    "SessionCreateView",
    "SessionDetailView",
    "SessionEditView",
    "SessionListView",
    "SessionOpenTodayView",
    "VisitActionView",
    "VisitDetailView",
    "VisitQueueView",
    "VisitRepeatProposalsView",
    "VisitRevealView",
]
