"""The correct answers and explanations of a closed attempt, once allowed."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from ..errors import ErrorCode, ServiceError
from .attempts import drawn_questions
from .deadlines import format_time


@dataclass(frozen=True)
class CorrectionChoice:
    id: int
    text: str
    is_correct: bool
    chosen: bool


@dataclass(frozen=True)
class Correction:
    """A drawn question after the attempt: the right choices, the member's,
    whether they scored, and the explanation."""

    id: int
    number: int
    text: str
    choices: list[CorrectionChoice]
    scored: bool
    explanation: str


def corrections_available(attempt, *, now=None):
    """Whether ``corrections(attempt)`` may be shown now."""
    now = now or timezone.now()
    if attempt.submitted_at is None:
        return False
    quiz = attempt.quiz
    return not quiz.is_contest or (quiz.closes_at is not None and now >= quiz.closes_at)


def corrections(attempt, *, now=None):
    """The correct answers and explanations of a closed attempt.

    Never before the attempt is submitted (not_submitted), and for a contest
    not before the contest closes (contest_not_closed): members taking it
    later must not learn the answers from those who finished.
    """
    now = now or timezone.now()
    if attempt.submitted_at is None:
        raise ServiceError(
            ErrorCode.NOT_SUBMITTED,
            gettext("The answers are shown once the attempt is submitted."),
        )
    if not corrections_available(attempt, now=now):
        message = gettext("The answers of this contest are shown after it closes.")
        if attempt.quiz.closes_at:
            message = gettext("The answers of this contest are shown after it closes at %(time)s.")
            message %= {"time": format_time(attempt.quiz.closes_at)}
        raise ServiceError(ErrorCode.CONTEST_NOT_CLOSED, message)
    questions, choices = drawn_questions(attempt)
    result = []
    for number, item in enumerate(attempt.drawn, start=1):
        question = questions.get(item["question"])
        if question is None:
            continue
        chosen = set(attempt.answers.get(str(question.pk), []))
        shown = [choices[pk] for pk in item["choices"] if pk in choices]
        correct = {choice.pk for choice in shown if choice.is_correct}
        result.append(
            Correction(
                id=question.pk,
                number=number,
                text=question.text,
                choices=[
                    CorrectionChoice(c.pk, c.text, c.is_correct, c.pk in chosen) for c in shown
                ],
                scored=bool(correct) and chosen == correct,
                explanation=question.explanation,
            )
        )
    return result
