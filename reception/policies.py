"""Who may do what in citizen reception: the rules every reception service checks
(`POLICY.authorize`) and the pages ask to show their buttons (core.policies).

A role held in a unit counts in every unit below it. Officials at the desk (officers,
handlers, heads, administrators) run reception; leaders read the figures and the heads'
reception days; inspectors read and audit, and change nothing."""

from __future__ import annotations

from core.policies import DESK_ROLES, Policy

POLICY = Policy(
    name="reception",
    rules={
        # sessions
        "schedule": DESK_ROLES,
        "open_today": DESK_ROLES,  # today's desk session, made if there is none
        "edit": DESK_ROLES,  # who receives, topics
        "reschedule": DESK_ROLES,  # another day, time or place
        "publish": DESK_ROLES,  # on the public schedule (Luật TCD art. 24)
        "conclusions": DESK_ROLES,  # the session's record: attendance, issues raised, conclusions
        "notify_participants": DESK_ROLES,  # an online session's notice (Decree 154/2026)
        "connection_check": DESK_ROLES,  # an online session's connection test
        "recording": DESK_ROLES,  # an online session's recording attached (Decree 154/2026)
        "recording_open": DESK_ROLES,  # the recording downloaded (audited): the unit's desk staff
        # visits
        "log_visit": DESK_ROLES,
        "visit_petition": DESK_ROLES,  # the petition a visit hands in, made in the petitions app
        "mark_repeat": DESK_ROLES,
        "answer": DESK_ROLES,  # Luật TCD art. 28(1)
        "forwarded_result": DESK_ROLES,  # a forwarded matter's result came back (Luật TCD art. 28(2))
        "notify_citizen": DESK_ROLES,  # the citizen told that result
        # follow-up of the conclusions
        "follow_up_create": DESK_ROLES,
        "follow_up_complete": DESK_ROLES,
        # dialogue conferences held by the unit's head (counted in the reports)
        "dialogue_record": DESK_ROLES,
    },
)
