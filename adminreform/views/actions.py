"""The actions an official takes on a dossier's page, as one table (`core.actions`): for each,
its label, its form, when the dossier offers it (the TRANSITIONS table), and the one service it
calls. Who may take it is the policy's (`adminreform.policies`), asked by the table to show the
forms and checked again by the service. Refusing, stopping and withdrawing end the dossier for
good: the page says so next to their button. A lost lookup PIN is reissued in any state (only
its digest is stored, so it cannot be printed again): the new one is shown once, on the
receipt slip."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.actions import ActionTable, Actor, StaffAction

from .. import forms as f
from .. import services
from ..models import Dossier, DossierStatus
from ..policies import POLICY

S = DossierStatus


def _can_move(target: str) -> Callable[[Dossier], bool]:
    return lambda d: d.can_transition_to(target)


def _can_apologise(d: Dossier) -> bool:
    return d.is_open and d.status != S.RESULT_READY and d.apology_sent_on is None


def _can_rate(d: Dossier) -> bool:
    return d.status == S.RETURNED and d.rated_at is None


def _common(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return {**actor.kwargs(), "expected_version": data["version"]}


DOSSIER_ACTIONS: ActionTable[Dossier] = ActionTable(
    policy=POLICY,
    unit_of=services.dossier_units,
    actions={
        "assign": StaffAction(
            label=pgettext_lazy("dossier", "Assign"),
            form=f.AssignForm,
            available=_can_move(S.IN_PROCESSING),
            run=lambda d, data, actor: services.dossier_assign(
                dossier=d, assignee=data["assignee"], **_common(actor, data)
            ),
        ),
        "transfer": StaffAction(
            label=_("Transfer to another unit"),
            form=f.TransferForm,
            available=_can_move(S.IN_PROCESSING),
            run=lambda d, data, actor: services.dossier_transfer(
                dossier=d, to_unit=data["to_unit"], note=data["note"], **_common(actor, data)
            ),
        ),
        "supplement": StaffAction(
            label=_("Request a supplement"),
            form=f.SupplementForm,
            available=_can_move(S.SUPPLEMENT_REQUESTED),
            run=lambda d, data, actor: services.dossier_request_supplement(
                dossier=d, missing=data["missing"].splitlines(), **_common(actor, data)
            ),
        ),
        "resubmit": StaffAction(
            label=_("Supplement received"),
            form=f.VersionForm,
            available=_can_move(S.RESUBMITTED),
            run=lambda d, data, actor: services.dossier_resubmit(dossier=d, **_common(actor, data)),
        ),
        "apology": StaffAction(
            label=_("Apologise and set a new date"),
            form=f.ApologyForm,
            available=_can_apologise,
            run=lambda d, data, actor: services.dossier_apologise(
                dossier=d, new_due_on=data["new_due_on"], reason=data["reason"], **_common(actor, data)
            ),
        ),
        "result": StaffAction(
            label=_("Result ready"),
            form=f.ResultForm,
            available=_can_move(S.RESULT_READY),
            run=lambda d, data, actor: services.dossier_mark_result_ready(
                dossier=d, result_note=data["result_note"], **_common(actor, data)
            ),
        ),
        "return": StaffAction(
            label=_("Return the result"),
            form=f.VersionForm,
            available=_can_move(S.RETURNED),
            run=lambda d, data, actor: services.dossier_return(dossier=d, **_common(actor, data)),
        ),
        "refuse": StaffAction(
            label=pgettext_lazy("dossier", "Refuse"),
            form=f.ReasonForm,
            available=_can_move(S.REFUSED),
            run=lambda d, data, actor: services.dossier_refuse(
                dossier=d, reason=data["reason"], **_common(actor, data)
            ),
            destructive=True,
            confirm=_("Refusing ends the dossier: the applicant is told it is refused, with your reasons."),
        ),
        "stop": StaffAction(
            label=_("Stop processing"),
            form=f.ReasonForm,
            available=_can_move(S.STOPPED),
            run=lambda d, data, actor: services.dossier_stop(dossier=d, reason=data["reason"], **_common(actor, data)),
            destructive=True,
            confirm=_("Stopping ends the dossier: it is counted as not granted, and cannot be taken up again."),
        ),
        "withdraw": StaffAction(
            label=_("Withdraw"),
            form=f.OptionalReasonForm,
            available=_can_move(S.WITHDRAWN),
            run=lambda d, data, actor: services.dossier_withdraw(
                dossier=d, reason=data["reason"], **_common(actor, data)
            ),
            destructive=True,
            confirm=_("Withdrawing ends the dossier: it cannot be processed again."),
        ),
        "rate": StaffAction(
            label=_("Record the applicant's rating"),
            form=f.DeskRatingForm,
            available=_can_rate,
            run=lambda d, data, actor: services.dossier_rate(
                dossier=d, score=data["score"], visits=data["visits"], comment=data["comment"], **actor.kwargs()
            ),
        ),
        "reissue_pin": StaffAction(
            label=_("Reissue the lookup PIN"),
            form=f.ReissuePinForm,
            run=lambda d, data, actor: services.dossier_reissue_pin(
                dossier=d, reason=data["reason"], **_common(actor, data)
            ),
        ),
    },
)
