"""Who may do what in the one-stop shop, as data.

Every service that changes a dossier checks its rule (`services.workflow.authorize`, in the
dossier's receiving unit or the unit handling it); the dossier page asks the same table
(`views.actions.DOSSIER_ACTIONS`) only to show the forms. The inspector and the leader read
and change nothing: they appear in no rule.
"""

from __future__ import annotations

from core.models import Role
from core.policies import DESK_ROLES, PUBLIC, Policy

POLICY = Policy(
    name="adminreform",
    rules={
        # at the counter: a complete file becomes a dossier; an incomplete or refused one gets
        # its slip (Mẫu 02, Mẫu 03)
        "receive": DESK_ROLES,
        "intake_notice": DESK_ROLES,
        # a new lookup PIN for an applicant who lost theirs (only its digest is stored)
        "reissue_pin": DESK_ROLES,
        # processing
        "assign": DESK_ROLES,
        "transfer": DESK_ROLES,
        "supplement": DESK_ROLES,
        "resubmit": DESK_ROLES,
        "apology": DESK_ROLES,
        # the result and the other ends
        "result": DESK_ROLES,
        "return": DESK_ROLES,
        "refuse": DESK_ROLES,
        "stop": DESK_ROLES,
        "withdraw": DESK_ROLES,
        "rate": DESK_ROLES,  # the applicant's rating, recorded at the desk
        # the public pages: the applicant's online dossier and rating (checked by the form,
        # the rate limit, and the code and PIN of the dossier)
        "submit_online": frozenset({PUBLIC}),
        "rate_online": frozenset({PUBLIC}),
        # the national catalogue of procedures: the system (import_procedures, seed_demo), or an
        # administrator of a top unit (the province), whose role holds in every unit
        "catalogue_import": frozenset({Role.ADMIN}),
    },
)
