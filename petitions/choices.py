"""Choices of the petitions app kept apart from its models: what a complaint or a denunciation
is, beyond its kind (Luật Khiếu nại art. 47–50; Luật Tố cáo art. 37, 38); how a resolved
petition ended (its result, and the register's closure and finding that stand for it); the step
a deadline runs for; and why a denunciation's resolution is extended."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import PetitionKind


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


class Result(models.TextChoices):
    """Resolution of an accepted petition (decision or conclusion)."""

    CORRECT = "correct", _("Complaint correct")
    PARTLY_CORRECT = "partly_correct", _("Complaint partly correct")
    WRONG = "wrong", _("Complaint wrong")
    TRUE = "true", _("Denunciation true")
    PARTLY_TRUE = "partly_true", _("Denunciation partly true")
    FALSE = "false", _("Denunciation false")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUSPENDED = "suspended", _("Resolution suspended (đình chỉ)")
    ANSWERED = "answered", _("Answered")


RESULTS_BY_KIND: dict[str, tuple[str, ...]] = {
    PetitionKind.COMPLAINT: (Result.CORRECT, Result.PARTLY_CORRECT, Result.WRONG, Result.WITHDRAWN),
    PetitionKind.DENUNCIATION: (Result.TRUE, Result.PARTLY_TRUE, Result.FALSE, Result.WITHDRAWN, Result.SUSPENDED),
    PetitionKind.RECOMMENDATION: (Result.ANSWERED, Result.WITHDRAWN),
    PetitionKind.FEEDBACK: (Result.ANSWERED, Result.WITHDRAWN),
}


# How a resolved petition ended, as the import's `closure` and `finding` columns name it
# (CONTRACTS.md "Additions of 2026-12"), read from its `result`: withdrawn (rút), terminated
# (đình chỉ), otherwise decided (a decision, a conclusion, an answer); and a decided complaint's
# or denunciation's finding: correct, partly correct or wrong.
class Closure(models.TextChoices):
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated (đình chỉ)")


class Finding(models.TextChoices):
    CORRECT = "correct", _("Correct")
    PARTLY_CORRECT = "partly_correct", _("Partly correct")
    WRONG = "wrong", _("Wrong")


CLOSURE_RESULTS: dict[str, str] = {Closure.WITHDRAWN: Result.WITHDRAWN, Closure.TERMINATED: Result.SUSPENDED}
NOT_DECIDED_RESULTS = tuple(CLOSURE_RESULTS.values())
FINDING_RESULTS: dict[str, dict[str, str]] = {
    PetitionKind.COMPLAINT: {
        Finding.CORRECT: Result.CORRECT,
        Finding.PARTLY_CORRECT: Result.PARTLY_CORRECT,
        Finding.WRONG: Result.WRONG,
    },
    PetitionKind.DENUNCIATION: {
        Finding.CORRECT: Result.TRUE,
        Finding.PARTLY_CORRECT: Result.PARTLY_TRUE,
        Finding.WRONG: Result.FALSE,
    },
}
# Decided with a finding of correct or partly correct (đúng, đúng một phần; có đúng có sai).
UPHELD_RESULTS = (Result.CORRECT, Result.PARTLY_CORRECT, Result.TRUE, Result.PARTLY_TRUE)


def result_of(*, kind: str, closure: str, finding: str) -> str:
    """The `result` a resolved petition stands in for a register's closure and finding."""
    if closure in CLOSURE_RESULTS:
        return CLOSURE_RESULTS[closure]
    if kind in FINDING_RESULTS:
        return FINDING_RESULTS[kind].get(finding, "")
    return Result.ANSWERED


class Step(models.TextChoices):
    """The step whose deadline is `Petition.due_on`."""

    CLASSIFY = "classify", _("Classify and answer")
    ACCEPT = "accept", _("Accept or refuse")
    INITIAL = "initial", _("Initial processing")
    TRANSFER = "transfer", _("Transfer to the competent body")
    RESOLVE = "resolve", _("Resolve")
    URGE = "urge", _("Answer to the urging")
    NONE = "", _("No running deadline")


class Complexity(models.TextChoices):
    """Why a denunciation's resolution is extended (Luật Tố cáo art. 30(2), (3); Decree 31/2019
    art. 3): a complex case once, a particularly complex case twice, 30 days each time."""

    COMPLEX = "complex", _("Complex (phức tạp): extended once")
    PARTICULARLY_COMPLEX = "particularly_complex", _("Particularly complex (đặc biệt phức tạp): up to twice")


# Complexity -> how many extensions it allows in all.
EXTENSIONS_ALLOWED: dict[str, int] = {Complexity.COMPLEX: 1, Complexity.PARTICULARLY_COMPLEX: 2}
