"""A reader's standing with a quiz, for the quiz page."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ..errors import ServiceError
from ..models.audience import reader_branch_path
from ..models.quiz_attempts import QuizAttempt
from .eligibility import check_can_take


@dataclass(frozen=True)
class QuizStatus:
    """A reader's standing with a quiz, for the quiz page."""

    can_start: bool
    reason: str
    attempts_used: int = 0
    attempts_left: int = 0
    open_attempt: QuizAttempt | None = None
    best_attempt: QuizAttempt | None = None
    #: The refusal's ``ErrorCode`` when ``can_start`` is false ("" otherwise).
    code: str = ""


def _ranking_key(attempt):
    """Best first: highest score, then shortest time."""
    return (-(attempt.score or 0), attempt.time_taken or datetime.timedelta.max)


def reader_status(quiz, user, *, now=None):
    """Whether ``user`` may start now (and if not, why), with their attempts
    used and left, the one in progress and their best; what the quiz page
    shows. Never raises: a refusal becomes the ``reason``."""
    now = now or timezone.now()
    try:
        check_can_take(quiz, user, now=now)
    except ServiceError as error:
        can_start, reason, code = False, error.messages[0], str(error.code)
    else:
        can_start, reason, code = True, "", ""
    member = getattr(user, "member", None) if reader_branch_path(user) else None
    if member is None:
        return QuizStatus(can_start, reason, code=code)
    attempts = list(QuizAttempt.objects.filter(quiz=quiz, member=member))
    closed = [attempt for attempt in attempts if attempt.submitted_at is not None]
    best = min(closed, key=_ranking_key, default=None)
    return QuizStatus(
        can_start=can_start,
        reason=reason,
        attempts_used=len(attempts),
        attempts_left=max(quiz.attempts_allowed - len(attempts), 0),
        open_attempt=next((a for a in attempts if a.submitted_at is None), None),
        best_attempt=best,
        code=code,
    )
