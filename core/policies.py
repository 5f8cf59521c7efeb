"""Who may do what: the shape of every app's `policies.py`.

Each domain app writes its rules as data, one `Policy` of action → roles, and its services
call `policy.authorize(actor=…, action=…, unit=…)` before they change anything; views only ask
`policy.allows(…)` to show or hide a button. A role given in a unit holds in that unit and
every unit below it (`core.selectors.user_has_role`); a superuser may do everything.

`actor=None` is the system itself: an import, a scheduled sweep, a management command, or a
citizen on a public page (whose own checks are the form's, the rate limit's and the tracking
secret's). A service called on behalf of a person always gets that person.

The inspector reads and audits: no rule of any app names the inspector role, and
`tests/security/test_policy_matrix.py` walks every state-changing URL as every role to hold it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from civicdesk.exceptions import NotAllowed

from .models import Role, Unit
from .selectors import unit_paths_for, user_has_role

# Anyone, signed in or not: the public pages' actions.
PUBLIC = "public"
# The roles that handle records at the desk, and those that only read.
DESK_ROLES: frozenset[str] = frozenset({Role.OFFICER, Role.HANDLER, Role.HEAD, Role.ADMIN})
READ_ONLY_ROLES: frozenset[str] = frozenset({Role.LEADER_VIEWER, Role.INSPECTOR})


@dataclass(frozen=True)
class Policy:
    """One app's table of action → roles. `name` prefixes its actions in messages and tests."""

    name: str
    rules: Mapping[str, frozenset[str]]

    def __post_init__(self) -> None:
        for action, roles in self.rules.items():
            unknown = set(roles) - {*Role.values, PUBLIC}
            if unknown:
                raise ValueError(f"{self.name}.{action}: unknown roles {sorted(unknown)}")
            if Role.INSPECTOR in roles:
                raise ValueError(f"{self.name}.{action}: the inspector reads and audits, and changes nothing")

    def roles_for(self, action: str) -> frozenset[str]:
        try:
            return self.rules[action]
        except KeyError:
            raise KeyError(f"{self.name} has no rule for {action!r}") from None

    def allows(self, *, user: User | AnonymousUser | None, action: str, unit: Unit | Sequence[Unit] | None) -> bool:
        """True when `user` may take `action` on a record of `unit` (None: the system may).
        A record in the hands of several units (a one-stop dossier and the unit it was
        transferred to) gives them all: a role in one of them is enough."""
        roles = self.roles_for(action)
        if PUBLIC in roles or user is None:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        units = (unit,) if isinstance(unit, Unit) else tuple(unit or ())
        return any(user_has_role(user=user, unit=u, roles=tuple(roles)) for u in units)

    def allows_somewhere(self, *, user: User | AnonymousUser, action: str) -> bool:
        """True when `user` may take `action` in some unit: whether to offer a page that
        starts with choosing the unit (scheduling a session, say)."""
        roles = self.roles_for(action)
        if PUBLIC in roles:
            return True
        return unit_paths_for(user=user, roles=tuple(roles)) != []

    def authorize(
        self,
        *,
        actor: User | AnonymousUser | None,
        action: str,
        unit: Unit | Sequence[Unit] | None,
        refusal: str | Promise | None = None,
    ) -> None:
        """Raise NotAllowed unless `actor` may take `action` on a record of `unit`; `refusal`
        is the app's own wording of the refusal, where the law names who decides."""
        if not self.allows(user=actor, action=action, unit=unit):
            raise NotAllowed(refusal or _("You are not allowed to do this in this unit."), code="not_allowed")

    def allowed_actions(
        self, *, user: User | AnonymousUser, unit: Unit, actions: Iterable[str] | None = None
    ) -> set[str]:
        """The actions (of `actions`, or all) that `user` may take in `unit`: for the buttons."""
        return {a for a in (self.rules if actions is None else actions) if self.allows(user=user, action=a, unit=unit)}
