"""Domain errors raised by services. They are ValidationErrors, so a view can put
them on its form next to what the user typed."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the domain forbids what was asked."""


class InvalidTransition(DomainError):
    """The record's current state does not allow this step."""


class StaleEdit(DomainError):
    """Someone else saved the record since it was opened: the edit is refused, not merged."""


class NotAllowed(DomainError):
    """The actor's roles in the record's unit do not allow this action (the app's policies.py)."""
