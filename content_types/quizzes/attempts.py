"""An attempt from start to close: starting, answering, submitting, expiring.

- ``start_attempt(quiz, user, now=)``: draws the questions and starts the
  clock; returns the member's still-open attempt instead of a second one.
- ``attempt_for(user, attempt_id)``: the user's own attempt, else not found.
- ``attempt_questions(attempt)``: the drawn questions and choices, in the drawn
  order, without correctness or explanations.
- ``save_answers(attempt, answers, now=)``: keeps answers as the member goes,
  so an attempt whose time runs out is scored on what it had.
- ``submit_attempt(attempt, answers, key=, now=)``: scores and closes it;
  idempotent with the client's key.
- ``close_expired_attempts(quiz=, now=)``: closes attempts whose time ran out
  (run on a schedule by ``content_types.tasks.close_expired_quiz_attempts``).

Every closed attempt is announced once with ``content_types.signals.attempt_submitted``.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from editorial.models import Member

from ..errors import ErrorCode, ServiceError
from ..models.audience import reader_branch_path
from ..models.quiz_attempts import QuizAttempt
from ..signals import attempt_submitted
from .deadlines import GRACE, attempt_end, format_time, is_late
from .drawing import draw_questions
from .eligibility import check_attempts_left, check_reader, check_window
from .storage import read_attempt, read_bank, store_closing

MAX_KEY_LENGTH = QuizAttempt._meta.get_field("submission_key").max_length


def start_attempt(quiz, user, *, now=None):
    """Start an attempt of ``quiz`` for ``user``, timed from ``now``.

    Returns the member's open attempt if they have one whose time is not up (a
    member never holds two); one whose time is up is first closed and scored on
    the answers it had. The deadline is ``now`` plus the time limit, but never
    after the quiz closes. Raises ServiceError: not_member, not_found,
    role_required, not_open, closed, no_attempts_left, bank_too_small.
    """
    now = now or timezone.now()
    member = check_reader(quiz, user, now)
    with transaction.atomic():
        # One start at a time per member: a double tap cannot open two attempts.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        attempts = QuizAttempt.objects.filter(quiz=quiz, member=member)
        open_attempt = attempts.filter(submitted_at__isnull=True).first()
        if open_attempt is not None:
            if not is_late(open_attempt, quiz, now):
                return open_attempt
            _close(open_attempt, quiz, now, expired=True)
        try:
            check_window(quiz, now)
            counts = attempts.aggregate(used=Count("pk"), last=Max("number"))
            check_attempts_left(quiz, counts["used"])
            drawn = draw_questions(quiz)
        except ServiceError as error:
            refusal = error  # raised after commit: the expired attempt stays closed
        else:
            deadline = now + datetime.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.closes_at:
                deadline = min(deadline, quiz.closes_at)
            return QuizAttempt.objects.create(
                quiz=quiz,
                member=member,
                number=(counts["last"] or 0) + 1,
                started_at=now,
                deadline=deadline,
                drawn=drawn,
                max_score=len(drawn),
            )
    raise refusal


def attempt_for(user, attempt_id):
    """The attempt ``attempt_id`` if it is ``user``'s own; ServiceError not_found
    otherwise (another member's attempt does not exist for them). Its quiz has
    only the fields its rules read (not the page's forty columns)."""
    if reader_branch_path(user) is None:
        raise ServiceError(
            ErrorCode.NOT_MEMBER, gettext("Only active party members can take quizzes.")
        )
    attempt = read_attempt(attempt_id, user.member.pk)
    if attempt is None:
        raise ServiceError(ErrorCode.NOT_FOUND, gettext("No such attempt."))
    return attempt


@dataclass(frozen=True)
class ChoiceView:
    id: int
    text: str


@dataclass(frozen=True)
class QuestionView:
    """A drawn question as the member sees it while answering: no correctness,
    no explanation; ``multiple`` says only whether more than one choice is
    right (one to tick, or every right one)."""

    id: int
    number: int
    text: str
    choices: list[ChoiceView]
    chosen: list[int]
    multiple: bool = False


def drawn_questions(attempt):
    """``({question_id: BankQuestion}, {choice_id: BankChoice})``: the drawn
    questions still in the bank and all their choices (the drawn ones and the
    correct ones); one query (``storage.read_bank``), none for an attempt just
    scored (the bank it was scored with)."""
    scored_with = getattr(attempt, "_scored_with", None)
    if scored_with is not None:
        return scored_with
    return read_bank([item["question"] for item in attempt.drawn])


def attempt_questions(attempt):
    """The drawn questions and their choices in the drawn order, with what the
    member chose so far and whether several choices are right; never which."""
    questions, choices = drawn_questions(attempt)
    views = []
    for number, item in enumerate(attempt.drawn, start=1):
        question = questions.get(item["question"])
        if question is None:
            continue  # deleted from the bank since: it scores nothing
        drawn = [choices[choice_id] for choice_id in item["choices"] if choice_id in choices]
        views.append(
            QuestionView(
                id=question.pk,
                number=number,
                text=question.text,
                choices=[ChoiceView(choice.pk, choice.text) for choice in drawn],
                chosen=list(attempt.answers.get(str(question.pk), [])),
                multiple=sum(1 for choice in drawn if choice.is_correct) > 1,
            )
        )
    return views


def _clean_answers(attempt, answers):
    """``{"<question id>": [choice id, ...]}`` from what the client sent, or
    ServiceError invalid_answer naming the question at fault."""
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise ServiceError(
            ErrorCode.INVALID_ANSWER,
            gettext("Answers must map each question to the list of chosen choices."),
        )
    drawn = {item["question"]: set(item["choices"]) for item in attempt.drawn}
    cleaned = {}
    for raw_question, raw_choices in answers.items():
        try:
            question_id = int(raw_question)
        except (TypeError, ValueError):
            question_id = None
        if question_id not in drawn:
            raise ServiceError(
                ErrorCode.INVALID_ANSWER,
                gettext("Question %(question)s is not part of this attempt.")
                % {"question": raw_question},
            )
        if not isinstance(raw_choices, list | tuple):
            raise ServiceError(
                ErrorCode.INVALID_ANSWER,
                gettext("The answer to question %(question)s must be a list of choices.")
                % {"question": question_id},
            )
        chosen = set()
        for raw_choice in raw_choices:
            try:
                choice_id = int(raw_choice)
            except (TypeError, ValueError):
                choice_id = None
            if isinstance(raw_choice, bool) or choice_id not in drawn[question_id]:
                raise ServiceError(
                    ErrorCode.INVALID_ANSWER,
                    gettext("Choice %(choice)s is not a choice of question %(question)s.")
                    % {"choice": raw_choice, "question": question_id},
                )
            chosen.add(choice_id)
        cleaned[str(question_id)] = sorted(chosen)
    return cleaned


def _closed_error(attempt):
    if attempt.expired:
        return ServiceError(
            ErrorCode.EXPIRED,
            gettext("The time for this attempt ran out; it was scored on the answers saved."),
        )
    return ServiceError(
        ErrorCode.ALREADY_SUBMITTED, gettext("This attempt has already been submitted.")
    )


def _late_error(attempt, quiz):
    if quiz.closes_at and attempt_end(attempt, quiz) == quiz.closes_at:
        return ServiceError(
            ErrorCode.CLOSED,
            gettext("This quiz closed at %(time)s.") % {"time": format_time(quiz.closes_at)},
        )
    return ServiceError(
        ErrorCode.DEADLINE_PASSED,
        gettext("The time for this attempt ran out at %(time)s.")
        % {"time": format_time(attempt.deadline)},
    )


def _lock(attempt):
    """The attempt, re-read under its row lock; ``of=("self",)``: the quiz's page
    rows it joins stay unlocked, or every attempt of a quiz would queue on them."""
    return (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .get(pk=attempt.pk)
    )


def save_answers(attempt, answers, *, now=None):
    """Keep the member's answers so far (merged over those already saved) and
    return the attempt. Refused once submitted, or after the deadline: the
    attempt is then closed on the answers it had (ServiceError deadline_passed or
    closed)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(attempt)
        quiz = locked.quiz
        if locked.submitted_at is not None:
            refusal = _closed_error(locked)
        elif is_late(locked, quiz, now):
            _close(locked, quiz, now, expired=True)
            refusal = _late_error(locked, quiz)
        else:
            locked.answers = {**locked.answers, **_clean_answers(locked, answers)}
            locked.save(update_fields=["answers"])
            return locked
    raise refusal


def submit_attempt(attempt, answers, *, key, now=None):
    """Score and close the attempt with ``answers`` (merged over those saved).

    ``key`` is chosen by the client for this submission: sending it again
    returns the stored result and changes nothing, so a retry over a bad
    network is safe; another key after submission is refused
    (already_submitted). After the deadline (plus ``GRACE``) or the quiz's
    closing time the answers are refused (deadline_passed, closed) and the
    attempt is closed on the answers saved before. A question scores one
    point when the chosen choices are exactly its correct ones.

    The usual case takes no row lock: one UPDATE that applies only while the
    attempt is still open with the answers read, so of two racing submissions
    one stores and the other finds it stored (under the lock, below).
    """
    now = now or timezone.now()
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ServiceError(
            ErrorCode.INVALID_KEY,
            gettext("A submission needs a key of 1 to %(max)d characters.")
            % {"max": MAX_KEY_LENGTH},
        )
    if attempt.submitted_at is not None:
        # A submission is final: what was read answers a retry, or refuses another key.
        if not attempt.expired and attempt.submission_key == key:
            return attempt
        raise _closed_error(attempt)
    if not is_late(attempt, attempt.quiz, now):
        saved = attempt.answers
        attempt.answers = {**saved, **_clean_answers(attempt, answers)}
        if _close(attempt, attempt.quiz, now, key=key, if_answers=saved):
            return attempt
    with transaction.atomic():
        locked = _lock(attempt)
        quiz = locked.quiz
        if locked.submitted_at is not None:
            if not locked.expired and locked.submission_key == key:
                return locked
            refusal = _closed_error(locked)
        elif is_late(locked, quiz, now):
            _close(locked, quiz, now, expired=True)
            refusal = _late_error(locked, quiz)
        else:
            locked.answers = {**locked.answers, **_clean_answers(locked, answers)}
            _close(locked, quiz, now, key=key)
            return locked
    raise refusal


def _correct_sets(choices):
    correct = defaultdict(set)
    for choice in choices.values():
        if choice.is_correct:
            correct[choice.question_id].add(choice.pk)
    return correct


CLOSING_FIELDS = (
    "answers",
    "score",
    "max_score",
    "submitted_at",
    "time_taken",
    "passed",
    "submission_key",
    "expired",
)


def _close(attempt, quiz, now, *, key="", expired=False, if_answers=None):
    """Score, store and announce a closed attempt; returns whether it was stored.

    The caller holds its row lock, or passes ``if_answers``: the answers it read,
    and the attempt is stored only if it is still open with exactly those.
    """
    bank = drawn_questions(attempt)
    correct = _correct_sets(bank[1])
    attempt.score = sum(
        1
        for item in attempt.drawn
        if correct.get(item["question"])
        and set(attempt.answers.get(str(item["question"]), [])) == correct[item["question"]]
    )
    attempt.max_score = len(attempt.drawn)
    end = attempt_end(attempt, quiz)
    attempt.submitted_at = end if expired else now
    attempt.time_taken = max(
        min(attempt.submitted_at, end) - attempt.started_at, datetime.timedelta()
    )
    attempt.passed = bool(attempt.max_score) and (
        attempt.score * 100 >= quiz.pass_mark * attempt.max_score
    )
    attempt.submission_key = key
    attempt.expired = expired
    if_open = None if if_answers is None else (if_answers, now - GRACE)
    if not store_closing(attempt, CLOSING_FIELDS, if_open=if_open):
        return False
    attempt._scored_with = bank  # the corrections shown with the result
    attempt_submitted.send(sender=QuizAttempt, attempt=attempt)
    return True


def close_expired_attempts(*, quiz=None, now=None):
    """Close every open attempt (of ``quiz``, or of all quizzes) whose time is
    up, scored on its saved answers; returns how many were closed.

    Run every few minutes by the task ``close_expired_quiz_attempts`` (and the
    management command of that name), so that members who ran out of time are
    ranked; rankings only read. Safe to run again: a closed attempt is skipped.
    """
    now = now or timezone.now()
    limit = now - GRACE
    late = QuizAttempt.objects.filter(submitted_at__isnull=True).filter(
        Q(deadline__lt=limit) | Q(quiz__closes_at__lt=limit)
    )
    if quiz is not None:
        late = late.filter(quiz=quiz)
    closed = 0
    for attempt_id in list(late.values_list("pk", flat=True)):
        with transaction.atomic():
            attempt = (
                QuizAttempt.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("quiz")
                .filter(pk=attempt_id, submitted_at__isnull=True)
                .first()
            )
            if attempt is not None and is_late(attempt, attempt.quiz, now):
                _close(attempt, attempt.quiz, now, expired=True)
                closed += 1
    return closed
