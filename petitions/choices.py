"""Choices of the petitions app kept apart from its models: what a complaint or a denunciation
is, beyond its kind (Luật Khiếu nại art. 47–50; Luật Tố cáo art. 37, 38)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Discipline(models.TextChoices):
    """A complaint against a disciplinary decision on a civil servant (Luật Khiếu nại art. 47–50):
    its own limitation, acceptance and resolution limits; a dismissal has a longer 2nd time."""

    NONE = "", _("No: an administrative decision or act")
    DISCIPLINE = "discipline", _("A disciplinary decision")
    DISMISSAL = "dismissal", _("A disciplinary dismissal (buộc thôi việc)")


class RepeatGround(models.TextChoices):
    """A denunciation filed again with the head of the direct superior (tố cáo tiếp): the earlier
    resolution is believed unlawful (Luật Tố cáo art. 37), or it was not resolved in time (art. 38)."""

    NONE = "", _("No: a first denunciation")
    UNLAWFUL = "unlawful", _("The earlier resolution is believed unlawful (art. 37)")
    OVERDUE = "overdue", _("Not resolved within its time limit (art. 38)")


class ReviewOutcome(models.TextChoices):
    """What the superior decided on a repeated denunciation (art. 37(2)), or after the resolver's
    report on the delay (art. 38(3), (5))."""

    KEPT = "kept", _("The earlier resolution was lawful: not resolved again, the denouncer told why")
    TAKEN_OVER = "taken_over", _("Wrong competence: resolved by the competent person or transferred to them")
    RE_RESOLVED = "re_resolved", _("Resolved again: inaccurate, evidence missed or the law misapplied")
    CONTINUED = "continued", _("The resolver goes on resolving it, as the superior requires")
    SUPERIOR_RESOLVES = "superior_resolves", _("The superior resolves it: serious violation or lack of objectivity")


# Which outcomes close which step.
REVIEW_OUTCOMES = (ReviewOutcome.KEPT, ReviewOutcome.TAKEN_OVER, ReviewOutcome.RE_RESOLVED)
REPORT_OUTCOMES = (ReviewOutcome.CONTINUED, ReviewOutcome.SUPERIOR_RESOLVES)
