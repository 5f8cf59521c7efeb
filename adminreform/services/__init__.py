"""Every write of the one-stop shop, one module per concern:

- `catalogue`: the procedure catalogue, written in bulk;
- `intake`: a dossier received at the counter or online, its lookup PIN reissued, and the
  counter's slips (Mẫu 02, 03);
- `processing`: assignment, transfer (liên thông), supplement request and resubmission;
- `lateness`: the apology with a new date (Mẫu 04) and the daily due-date warning;
- `closing`: result ready, returned, refused, stopped (Mẫu 05), withdrawn;
- `rating`: the applicant's satisfaction.

Each service is atomic, locks the dossier, checks who may act (`adminreform.policies`) and the
transition table (`models.TRANSITIONS`), changes it and writes one `DossierEvent` through the
dossier's workflow (`workflow.DOSSIER`, on `core.workflow`), and a line of the process-control
slip (Mẫu 06, `Handover`) when the dossier changes hands. Deadlines come from the
effective-dated rules in core (`dossier.resolve`, `dossier.supplement_request`,
`dossier.apology`). Callers import from here: `from adminreform import services`.
"""

from .catalogue import ProcedureRow, procedure_upsert_many
from .closing import dossier_mark_result_ready, dossier_refuse, dossier_return, dossier_stop, dossier_withdraw
from .intake import (
    MAX_ATTACHMENT_BYTES,
    Applicant,
    attachment_validate,
    dossier_receive,
    dossier_reissue_pin,
    intake_notice_issue,
    missing_documents,
)
from .lateness import apology_last_day, dossier_apologise, dossier_warn_due_soon
from .processing import (
    dossier_assign,
    dossier_request_supplement,
    dossier_resubmit,
    dossier_transfer,
    supplement_request_deadline,
)
from .rating import dossier_rate
from .workflow import DOSSIER, dossier_units

__all__ = [
    "DOSSIER",
    "MAX_ATTACHMENT_BYTES",
    "Applicant",
    "ProcedureRow",
    "apology_last_day",
    "attachment_validate",
    "dossier_apologise",
    "dossier_assign",
    "dossier_mark_result_ready",
    "dossier_rate",
    "dossier_receive",
    "dossier_refuse",
    "dossier_reissue_pin",
    "dossier_request_supplement",
    "dossier_resubmit",
    "dossier_return",
    "dossier_stop",
    "dossier_transfer",
    "dossier_units",
    "dossier_warn_due_soon",
    "dossier_withdraw",
    "intake_notice_issue",
    "missing_documents",
    "procedure_upsert_many",
    "supplement_request_deadline",
]
