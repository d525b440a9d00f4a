"""The rules of a quiz attempt, one module per concern.

What the reader API (and the plain reader site) call. Every function takes the
user or the attempt and, where time matters, ``now`` (default: the current
time), so tests and the API agree on one clock: the server's (``deadlines``).

- ``eligibility``: ``can_take(quiz, user, now=)`` / ``check_can_take``
  (raises): may the user start (or continue) an attempt now?
- ``drawing``: the questions an attempt draws from the bank
  (``DrawRule``); ``bank_shortfalls(unit, rules)`` for the quiz editor.
- ``attempts``: ``start_attempt``, ``attempt_for``, ``attempt_questions``,
  ``save_answers``, ``submit_attempt`` (idempotent with the client's key),
  ``close_expired_attempts`` (run on a schedule by
  ``content_types.tasks.close_expired_quiz_attempts``).
- ``corrections``: answers and explanations, once allowed.
- ``status``: ``reader_status(quiz, user)``, for the quiz page.
- ``rankings``: ``quiz_ranking(quiz, limit)`` and ``unit_ranking(quiz, unit)``;
  they only read.

Refusals raise ``content_types.errors.ServiceError`` (a ValidationError) with
a stable ``ErrorCode`` (``api.exceptions`` maps it to an HTTP status) and a
translated message. A closed attempt is announced with
``content_types.signals.attempt_submitted``.
"""

from .attempts import (
    MAX_KEY_LENGTH,
    ChoiceView,
    QuestionView,
    attempt_for,
    attempt_questions,
    close_expired_attempts,
    save_answers,
    start_attempt,
    submit_attempt,
)
from .corrections import Correction, CorrectionChoice, corrections, corrections_available
from .deadlines import GRACE
from .drawing import DrawRule, bank_shortfalls
from .eligibility import can_take, check_can_take, eligible_members
from .rankings import RankingEntry, UnitRanking, UnitRankingRow, quiz_ranking, unit_ranking
from .status import QuizStatus, reader_status

__all__ = [
    "GRACE",
    "MAX_KEY_LENGTH",
    "ChoiceView",
    "Correction",
    "CorrectionChoice",
    "DrawRule",
    "QuestionView",
    "QuizStatus",
    "RankingEntry",
    "UnitRanking",
    "UnitRankingRow",
    "attempt_for",
    "attempt_questions",
    "bank_shortfalls",
    "can_take",
    "check_can_take",
    "close_expired_attempts",
    "corrections",
    "corrections_available",
    "eligible_members",
    "quiz_ranking",
    "reader_status",
    "save_answers",
    "start_attempt",
    "submit_attempt",
    "unit_ranking",
]
