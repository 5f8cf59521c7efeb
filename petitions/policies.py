"""Who may do what with petitions: action → roles, checked by every service that changes a
petition (`POLICY.authorize`), asked by the pages only to show a button (core.policies).

A role held in a unit holds in the units below it. Actions taken by the system itself take no
actor and are not in the table: the deadline sweep (reminders, escalations), the retention
purge, an import. Opening a denouncer's identity is not a role either: it needs an explicit
grant in the unit (IdentityRevealGrant, checked by `services.vault`), given by an admin.
"""

from __future__ import annotations

from core.models import Role
from core.policies import DESK_ROLES, PUBLIC, Policy

# Handle a petition to its result: the officials who resolve, not the desk clerk.
RESOLVERS: frozenset[str] = frozenset({Role.HANDLER, Role.HEAD, Role.ADMIN})

POLICY = Policy(
    name="petitions",
    rules={
        # --- receiving ---------------------------------------------------------------
        "file": frozenset({PUBLIC}),  # a citizen's online filing
        "desk-entry": DESK_ROLES,  # a paper petition, a reception visit's petition
        # --- classifying and deciding (TT 05/2021) -------------------------------------
        "classify": DESK_ROLES,
        "link-first": DESK_ROLES,
        "accept": DESK_ROLES,
        "refuse": DESK_ROLES,
        "guide": DESK_ROLES,
        "transfer": DESK_ROLES,
        "urge": DESK_ROLES,
        # The unit urged answers (TT 05/2021 art. 14(2)): checked in that unit, not the petition's.
        "urge-answer": DESK_ROLES,
        "file-away": DESK_ROLES,
        "no-action": DESK_ROLES,
        "return-originals": DESK_ROLES,
        "group": DESK_ROLES,
        # --- handling ----------------------------------------------------------------
        "assign": frozenset({Role.OFFICER, Role.HEAD, Role.ADMIN}),
        # Who may be made responsible for a petition (the assignee, not the one assigning).
        "handle": DESK_ROLES,
        "extend": frozenset({Role.HEAD}),  # Luật Tố cáo art. 30: the head of the unit decides
        "suspend": RESOLVERS,
        "resume": RESOLVERS,
        "resolve": RESOLVERS,
        # Denunciation duties: the denouncer notified, the conclusion published (art. 29, 35, 40).
        "duty": DESK_ROLES,
        # --- the denouncer vault -----------------------------------------------------
        "grant-reveal": frozenset({Role.ADMIN}),
    },
)
