"""The rules of a quiz attempt: drawing, timing, submitting, scoring, rankings.

What the reader API (and the plain reader site) call. Every function takes the
user or the attempt and, where time matters, ``now`` (default: the current
time), so tests and the API agree on one clock: the server's.

- ``can_take(quiz, user, now=)`` / ``check_can_take`` (raises): may the user
  start (or continue) an attempt now?
- ``start_attempt(quiz, user, now=)``: draws the questions and starts the
  clock; returns the member's still-open attempt instead of a second one.
- ``attempt_for(user, attempt_id)``: the user's own attempt, else not found.
- ``attempt_questions(attempt)``: the drawn questions and choices, in the drawn
  order, without correctness or explanations.
- ``save_answers(attempt, answers, now=)``: keeps answers as the member goes,
  so an attempt whose time runs out is scored on what it had.
- ``submit_attempt(attempt, answers, key=, now=)``: scores and closes it;
  idempotent with the client's key.
- ``corrections(attempt, now=)``: answers and explanations, once allowed.
- ``quiz_ranking(quiz, limit)`` and ``unit_ranking(quiz, unit)``.
- ``close_expired_attempts(quiz=, now=)``: closes attempts whose time ran out.

Refusals raise ``QuizError`` (a ValidationError) with a stable ``code`` (see
``QuizError.STATUS`` for the HTTP status an API should answer with) and a
translated message.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber, Substr
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from editorial.models import CommitteeRole, Member, Unit, UnitStatus

from .errors import ServiceError
from .models.audience import Audience, PageAudience, readable_by, reader_branch_path
from .models.quizzes import (
    Difficulty,
    QuestionCategory,
    Quiz,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)

# Sent with ``attempt=`` once a closed attempt is stored, exactly once per
# attempt: when it is submitted, or when the server closes it because its time
# ran out (study modules listen to count a passed final quiz).
attempt_submitted = Signal()

# Answers that reach the server this long after the deadline still count: the
# member pressed "submit" in time on a slow mobile network.
GRACE = datetime.timedelta(seconds=10)
MAX_KEY_LENGTH = QuizAttempt._meta.get_field("submission_key").max_length

_random = random.SystemRandom()


QuizError = ServiceError


def _format(moment):
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


# --- Who may take a quiz -------------------------------------------------------


def _active_role_exists(member_ref, role, today):
    return CommitteeRole.objects.current(on=today).filter(member=member_ref, role=role)


def _check_reader(quiz, user, now):
    """The user's Member, after the refusals that do not depend on the clock:
    not an active member, quiz not published or not readable, role missing."""
    branch_path = reader_branch_path(user)
    if branch_path is None:
        raise QuizError("not_member", gettext("Only active party members can take quizzes."))
    readable = (
        Quiz.objects.live().filter(pk=quiz.pk).filter(readable_by(branch_path)).exists()
        if quiz.pk
        else False
    )
    if not readable:
        raise QuizError("not_found", gettext("No such quiz."))
    member = user.member
    if (
        quiz.required_role
        and not _active_role_exists(member, quiz.required_role, timezone.localdate(now)).exists()
    ):
        raise QuizError(
            "role_required",
            gettext("This quiz is only for members holding the office of %(role)s.")
            % {"role": quiz.get_required_role_display().lower()},
        )
    return member


def _check_window(quiz, now):
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizError(
            "not_open",
            gettext("This quiz opens at %(time)s.") % {"time": _format(quiz.opens_at)},
        )
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizError(
            "closed",
            gettext("This quiz closed at %(time)s.") % {"time": _format(quiz.closes_at)},
        )


def _check_attempts_left(quiz, used):
    if used >= quiz.attempts_allowed:
        raise QuizError(
            "no_attempts_left",
            ngettext(
                "You have used your %(count)d attempt at this quiz.",
                "You have used all %(count)d attempts at this quiz.",
                quiz.attempts_allowed,
            )
            % {"count": quiz.attempts_allowed},
        )


def _end(attempt, quiz):
    """When the attempt's time is up: its deadline, or the quiz's closing time
    if an editor moved it earlier since the attempt started."""
    if quiz.closes_at and quiz.closes_at < attempt.deadline:
        return quiz.closes_at
    return attempt.deadline


def _is_late(attempt, quiz, now):
    return now > _end(attempt, quiz) + GRACE


def check_can_take(quiz, user, *, now=None):
    """Raise QuizError unless ``user`` may start (or go on with) an attempt now.

    Codes: not_member, not_found, role_required, not_open, closed,
    no_attempts_left. The bank is checked only by ``start_attempt``.
    """
    now = now or timezone.now()
    member = _check_reader(quiz, user, now)
    attempts = QuizAttempt.objects.filter(quiz=quiz, member=member)
    open_attempt = attempts.filter(submitted_at__isnull=True).first()
    if open_attempt is not None and not _is_late(open_attempt, quiz, now):
        return
    _check_window(quiz, now)
    _check_attempts_left(quiz, attempts.count())


def can_take(quiz, user, *, now=None):
    """Whether ``user`` may start (or go on with) an attempt of ``quiz`` now."""
    try:
        check_can_take(quiz, user, now=now)
    except QuizError:
        return False
    return True


# --- Drawing ---------------------------------------------------------------------


@dataclass(frozen=True)
class DrawRule:
    """What a ``QuizDrawRule`` asks, whether saved or still in the editor's form."""

    category_id: int | None
    difficulty: str
    count: int

    def matches(self, category_id, difficulty):
        return (self.category_id is None or self.category_id == category_id) and (
            not self.difficulty or self.difficulty == difficulty
        )

    @property
    def specificity(self):
        return (self.category_id is not None) + bool(self.difficulty)


def _plan(candidates, rules, rng):
    """Pick question ids for ``rules`` from ``candidates`` [(id, category_id,
    difficulty)]; returns ``(ids, shortfalls)`` with ``(rule, available)`` for
    each rule the bank cannot fill.

    The most specific rules draw first ("3 hard questions on the statute"
    before "10 questions on anything"), and a rule prefers questions no later
    rule could use, so overlapping rules do not starve each other.
    """
    ordered = sorted(rules, key=lambda rule: -rule.specificity)
    taken, drawn, shortfalls = set(), [], []
    for index, rule in enumerate(ordered):
        later = ordered[index + 1 :]
        pool = [c for c in candidates if c[0] not in taken and rule.matches(c[1], c[2])]
        if len(pool) < rule.count:
            shortfalls.append((rule, len(pool)))
            continue
        exclusive = [c for c in pool if not any(other.matches(c[1], c[2]) for other in later)]
        shared = [c for c in pool if any(other.matches(c[1], c[2]) for other in later)]
        rng.shuffle(exclusive)
        rng.shuffle(shared)
        for candidate in (exclusive + shared)[: rule.count]:
            taken.add(candidate[0])
            drawn.append(candidate[0])
    return drawn, shortfalls


def _bank(unit):
    return list(
        QuizQuestion.objects.in_bank_of(unit)
        .in_source_language()
        .drawable()
        .values_list("pk", "category_id", "difficulty")
        .order_by("pk")
    )


def _describe(rule, categories):
    category = (
        categories.get(rule.category_id, "?") if rule.category_id else gettext("any category")
    )
    difficulty = (
        Difficulty(rule.difficulty).label if rule.difficulty else gettext("any difficulty")
    )
    return f"{category}, {difficulty}"


def _shortfall_messages(shortfalls):
    ids = {rule.category_id for rule, _available in shortfalls if rule.category_id}
    categories = dict(QuestionCategory.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        ngettext(
            "The question bank has only %(available)d usable question for “%(rule)s”; "
            "the quiz draws %(count)d.",
            "The question bank has only %(available)d usable questions for “%(rule)s”; "
            "the quiz draws %(count)d.",
            available,
        )
        % {"available": available, "rule": _describe(rule, categories), "count": rule.count}
        for rule, available in shortfalls
    ]


def bank_shortfalls(unit, rules):
    """Messages naming each draw rule that ``unit``'s bank (its own questions
    and those of the units above it) cannot fill; empty when all can be drawn."""
    _drawn, shortfalls = _plan(_bank(unit), rules, random.Random(0))
    return _shortfall_messages(shortfalls)


def _in_quiz_language(quiz, question_ids):
    """The drawn questions in the quiz page's language where a translation exists.

    The draw is made from the bank as written, so every language of a quiz asks
    the same kind of questions; an untranslated question is asked as written.
    """
    translation = QuizQuestion.objects.filter(
        locale_id=quiz.locale_id, translation_key=OuterRef("translation_key")
    ).values("pk")[:1]
    in_language = dict(
        QuizQuestion.objects.filter(pk__in=question_ids)
        .annotate(in_language=Subquery(translation))
        .values_list("pk", "in_language")
    )
    return [in_language.get(pk) or pk for pk in question_ids]


def _draw(quiz):
    """``[{"question": id, "choices": [id, ...]}]`` for a new attempt, shuffled."""
    rules = [
        DrawRule(rule.category_id, rule.difficulty, rule.count) for rule in quiz.draw_rules.all()
    ]
    unit = quiz.owning_unit
    if not rules or unit is None:
        raise QuizError("bank_too_small", gettext("This quiz has no questions to draw."))
    question_ids, shortfalls = _plan(_bank(unit), rules, _random)
    if shortfalls:
        raise QuizError("bank_too_small", " ".join(_shortfall_messages(shortfalls)))
    _random.shuffle(question_ids)
    question_ids = _in_quiz_language(quiz, question_ids)
    choices = defaultdict(list)
    for question_id, choice_id in QuizChoice.objects.filter(
        question_id__in=question_ids
    ).values_list("question_id", "pk"):
        choices[question_id].append(choice_id)
    drawn = []
    for question_id in question_ids:
        order = choices[question_id]
        if quiz.shuffle_choices:
            _random.shuffle(order)
        drawn.append({"question": question_id, "choices": order})
    return drawn


# --- Starting, answering, submitting ------------------------------------------


def start_attempt(quiz, user, *, now=None):
    """Start an attempt of ``quiz`` for ``user``, timed from ``now``.

    Returns the member's open attempt if they have one whose time is not up (a
    member never holds two); one whose time is up is first closed and scored on
    the answers it had. The deadline is ``now`` plus the time limit, but never
    after the quiz closes. Raises QuizError: not_member, not_found,
    role_required, not_open, closed, no_attempts_left, bank_too_small.
    """
    now = now or timezone.now()
    member = _check_reader(quiz, user, now)
    with transaction.atomic():
        # One start at a time per member: a double tap cannot open two attempts.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        attempts = QuizAttempt.objects.filter(quiz=quiz, member=member)
        open_attempt = attempts.filter(submitted_at__isnull=True).first()
        if open_attempt is not None:
            if not _is_late(open_attempt, quiz, now):
                return open_attempt
            _close(open_attempt, quiz, now, expired=True)
        try:
            _check_window(quiz, now)
            counts = attempts.aggregate(used=Count("pk"), last=Max("number"))
            _check_attempts_left(quiz, counts["used"])
            drawn = _draw(quiz)
        except QuizError as error:
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
    """The attempt ``attempt_id`` if it is ``user``'s own; QuizError not_found
    otherwise (another member's attempt does not exist for them)."""
    if reader_branch_path(user) is None:
        raise QuizError("not_member", gettext("Only active party members can take quizzes."))
    attempt = (
        QuizAttempt.objects.select_related("quiz").filter(pk=attempt_id, member__user=user).first()
    )
    if attempt is None:
        raise QuizError("not_found", gettext("No such attempt."))
    return attempt


@dataclass(frozen=True)
class ChoiceView:
    id: int
    text: str


@dataclass(frozen=True)
class QuestionView:
    """A drawn question as the member sees it while answering: no correctness,
    no explanation."""

    id: int
    number: int
    text: str
    choices: list[ChoiceView]
    chosen: list[int]


def _drawn_questions(attempt):
    """``({question_id: QuizQuestion}, {choice_id: QuizChoice})`` of the drawn
    ones still in the bank; two queries."""
    question_ids = [item["question"] for item in attempt.drawn]
    questions = QuizQuestion.objects.in_bulk(question_ids)
    choices = QuizChoice.objects.in_bulk(
        [choice for item in attempt.drawn for choice in item["choices"]]
    )
    return questions, choices


def attempt_questions(attempt):
    """The drawn questions and their choices in the drawn order, with what the
    member chose so far; never which choices are correct."""
    questions, choices = _drawn_questions(attempt)
    views = []
    for number, item in enumerate(attempt.drawn, start=1):
        question = questions.get(item["question"])
        if question is None:
            continue  # deleted from the bank since: it scores nothing
        views.append(
            QuestionView(
                id=question.pk,
                number=number,
                text=question.text,
                choices=[
                    ChoiceView(choice_id, choices[choice_id].text)
                    for choice_id in item["choices"]
                    if choice_id in choices
                ],
                chosen=list(attempt.answers.get(str(question.pk), [])),
            )
        )
    return views


def _clean_answers(attempt, answers):
    """``{"<question id>": [choice id, ...]}`` from what the client sent, or
    QuizError invalid_answer naming the question at fault."""
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise QuizError(
            "invalid_answer",
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
            raise QuizError(
                "invalid_answer",
                gettext("Question %(question)s is not part of this attempt.")
                % {"question": raw_question},
            )
        if not isinstance(raw_choices, list | tuple):
            raise QuizError(
                "invalid_answer",
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
                raise QuizError(
                    "invalid_answer",
                    gettext("Choice %(choice)s is not a choice of question %(question)s.")
                    % {"choice": raw_choice, "question": question_id},
                )
            chosen.add(choice_id)
        cleaned[str(question_id)] = sorted(chosen)
    return cleaned


def _closed_error(attempt):
    if attempt.expired:
        return QuizError(
            "expired",
            gettext("The time for this attempt ran out; it was scored on the answers saved."),
        )
    return QuizError("already_submitted", gettext("This attempt has already been submitted."))


def _late_error(attempt, quiz):
    if quiz.closes_at and _end(attempt, quiz) == quiz.closes_at:
        return QuizError(
            "closed",
            gettext("This quiz closed at %(time)s.") % {"time": _format(quiz.closes_at)},
        )
    return QuizError(
        "deadline_passed",
        gettext("The time for this attempt ran out at %(time)s.")
        % {"time": _format(attempt.deadline)},
    )


def _lock(attempt):
    return QuizAttempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def save_answers(attempt, answers, *, now=None):
    """Keep the member's answers so far (merged over those already saved) and
    return the attempt. Refused once submitted, or after the deadline: the
    attempt is then closed on the answers it had (QuizError deadline_passed or
    closed)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(attempt)
        quiz = locked.quiz
        if locked.submitted_at is not None:
            refusal = _closed_error(locked)
        elif _is_late(locked, quiz, now):
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
    """
    now = now or timezone.now()
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise QuizError(
            "invalid_key",
            gettext("A submission needs a key of 1 to %(max)d characters.")
            % {"max": MAX_KEY_LENGTH},
        )
    with transaction.atomic():
        locked = _lock(attempt)
        quiz = locked.quiz
        if locked.submitted_at is not None:
            if not locked.expired and locked.submission_key == key:
                return locked
            refusal = _closed_error(locked)
        elif _is_late(locked, quiz, now):
            _close(locked, quiz, now, expired=True)
            refusal = _late_error(locked, quiz)
        else:
            locked.answers = {**locked.answers, **_clean_answers(locked, answers)}
            _close(locked, quiz, now, key=key)
            return locked
    raise refusal


def _correct_sets(attempt):
    correct = defaultdict(set)
    for question_id, choice_id in QuizChoice.objects.filter(
        question_id__in=[item["question"] for item in attempt.drawn], is_correct=True
    ).values_list("question_id", "pk"):
        correct[question_id].add(choice_id)
    return correct


def _close(attempt, quiz, now, *, key="", expired=False):
    """Score, store and announce a closed attempt (the caller holds its row lock)."""
    correct = _correct_sets(attempt)
    attempt.score = sum(
        1
        for item in attempt.drawn
        if correct.get(item["question"])
        and set(attempt.answers.get(str(item["question"]), [])) == correct[item["question"]]
    )
    attempt.max_score = len(attempt.drawn)
    end = _end(attempt, quiz)
    attempt.submitted_at = end if expired else now
    attempt.time_taken = max(
        min(attempt.submitted_at, end) - attempt.started_at, datetime.timedelta()
    )
    attempt.passed = bool(attempt.max_score) and (
        attempt.score * 100 >= quiz.pass_mark * attempt.max_score
    )
    attempt.submission_key = key
    attempt.expired = expired
    attempt.save(
        update_fields=[
            "answers",
            "score",
            "max_score",
            "submitted_at",
            "time_taken",
            "passed",
            "submission_key",
            "expired",
        ]
    )
    attempt_submitted.send(sender=QuizAttempt, attempt=attempt)


def close_expired_attempts(*, quiz=None, now=None):
    """Close every open attempt (of ``quiz``, or of all quizzes) whose time is
    up, scored on its saved answers; returns how many were closed. Rankings
    call it so that members who ran out of time are counted."""
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
                QuizAttempt.objects.select_for_update(skip_locked=True)
                .select_related("quiz")
                .filter(pk=attempt_id, submitted_at__isnull=True)
                .first()
            )
            if attempt is not None and _is_late(attempt, attempt.quiz, now):
                _close(attempt, attempt.quiz, now, expired=True)
                closed += 1
    return closed


# --- Corrections -----------------------------------------------------------------


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
        raise QuizError(
            "not_submitted",
            gettext("The answers are shown once the attempt is submitted."),
        )
    if not corrections_available(attempt, now=now):
        message = gettext("The answers of this contest are shown after it closes.")
        if attempt.quiz.closes_at:
            message = gettext("The answers of this contest are shown after it closes at %(time)s.")
            message %= {"time": _format(attempt.quiz.closes_at)}
        raise QuizError("contest_not_closed", message)
    questions, choices = _drawn_questions(attempt)
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


# --- What the reader site shows -------------------------------------------------


@dataclass(frozen=True)
class QuizStatus:
    """A reader's standing with a quiz, for the quiz page."""

    can_start: bool
    reason: str
    attempts_used: int = 0
    attempts_left: int = 0
    open_attempt: QuizAttempt | None = None
    best_attempt: QuizAttempt | None = None


def reader_status(quiz, user, *, now=None):
    now = now or timezone.now()
    try:
        check_can_take(quiz, user, now=now)
    except QuizError as error:
        can_start, reason = False, error.messages[0]
    else:
        can_start, reason = True, ""
    member = getattr(user, "member", None) if reader_branch_path(user) else None
    if member is None:
        return QuizStatus(can_start, reason)
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
    )


# --- Rankings -----------------------------------------------------------------------


def _ranking_key(attempt):
    return (-(attempt.score or 0), attempt.time_taken or datetime.timedelta.max)


def _best_attempts(quiz):
    """Each member's best closed attempt: highest score, then shortest time,
    then earliest submission."""
    return (
        QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("member_id")],
                order_by=[
                    F("score").desc(),
                    F("time_taken").asc(),
                    F("submitted_at").asc(),
                    F("pk").asc(),
                ],
            )
        )
        .filter(position=1)
    )


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    attempt: QuizAttempt

    @property
    def member(self):
        return self.attempt.member


def quiz_ranking(quiz, limit=None, *, now=None):
    """Members ranked by their best attempt: score, then time taken (equal
    score and time share a rank). Two queries, or more when attempts whose
    time ran out are closed first."""
    close_expired_attempts(quiz=quiz, now=now)
    best = _best_attempts(quiz).select_related("member__branch")
    best = best.order_by("-score", "time_taken", "submitted_at", "pk")
    if limit:
        best = best[:limit]
    entries, previous, rank = [], None, 0
    for position, attempt in enumerate(best, start=1):
        if (attempt.score, attempt.time_taken) != previous:
            rank, previous = position, (attempt.score, attempt.time_taken)
        entries.append(RankingEntry(rank, attempt))
    return entries


@dataclass
class UnitRankingRow:
    unit: Unit
    members: int = 0  # active members who may take the quiz
    participants: int = 0
    average_score: float | None = None
    best_score: int | None = None
    average_time: datetime.timedelta | None = None
    rank: int | None = None
    # Members attached to the ranked unit itself rather than to a unit below.
    direct: bool = False
    _scores: list = field(default_factory=list, repr=False)
    _times: list = field(default_factory=list, repr=False)

    @property
    def participation_rate(self):
        """Participants over members who may take part, 0..1; None if nobody may."""
        return self.participants / self.members if self.members else None

    def _finish(self):
        if self._scores:
            self.participants = len(self._scores)
            self.average_score = sum(self._scores) / len(self._scores)
            self.best_score = max(self._scores)
            self.average_time = sum(self._times, datetime.timedelta()) / len(self._times)


@dataclass
class UnitRanking:
    quiz: Quiz
    unit: Unit
    rows: list[UnitRankingRow]
    total: UnitRankingRow


def _eligible_members(quiz, unit, now):
    """Active members of ``unit``'s subtree who may take the quiz: readers of
    its published audience, holding the required role if there is one."""
    members = Member.objects.active().in_subtree_of(unit)
    row = PageAudience.objects.filter(page_id=quiz.pk).first()
    if row is not None and row.audience == Audience.UNIT:
        condition = Q()
        for path in row.reader_scopes.values_list("path", flat=True):
            condition |= Q(branch__path__startswith=path)
        members = members.filter(condition) if condition else members.none()
    if quiz.required_role:
        members = members.filter(
            Exists(
                _active_role_exists(OuterRef("pk"), quiz.required_role, timezone.localdate(now))
            )
        )
    return members


def unit_ranking(quiz, unit, *, now=None):
    """Per child unit of ``unit`` (e.g. the branches of a grassroots unit, the
    districts of the province): members who may take the quiz, participants,
    participation rate, average and best of the participants' best scores, and
    their average time; ranked by average score, then average time.

    A constant number of queries however large the tree: the child units of a
    unit share a path length, so members and attempts are grouped by that
    prefix of their branch's path.
    """
    now = now or timezone.now()
    close_expired_attempts(quiz=quiz, now=now)
    prefix_length = len(unit.path) + unit.steplen
    eligible = _eligible_members(quiz, unit, now)
    members = dict(
        eligible.annotate(prefix=Substr("branch__path", 1, prefix_length))
        .values("prefix")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("prefix", "count")
    )
    best = (
        _best_attempts(quiz)
        .filter(member__in=eligible)
        .annotate(prefix=Substr("member__branch__path", 1, prefix_length))
        .values_list("prefix", "score", "time_taken")
    )
    by_prefix = defaultdict(list)
    for prefix, score, time_taken in best:
        by_prefix[prefix].append((score, time_taken))
    children = Unit.objects.filter(
        Q(path__in=[*members.keys(), *by_prefix.keys()])
        | Q(path__startswith=unit.path, depth=unit.depth + 1, status=UnitStatus.ACTIVE)
    ).order_by("path")
    rows, total = [], UnitRankingRow(unit=unit)
    for child in children:
        row = UnitRankingRow(
            unit=child, members=members.get(child.path, 0), direct=child.pk == unit.pk
        )
        for score, time_taken in by_prefix.get(child.path, []):
            row._scores.append(score)
            row._times.append(time_taken)
        row._finish()
        total.members += row.members
        total._scores += row._scores
        total._times += row._times
        rows.append(row)
    total._finish()
    rows.sort(
        key=lambda row: (
            row.average_score is None,
            -(row.average_score or 0),
            row.average_time or datetime.timedelta.max,
            row.unit.path,
        )
    )
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.average_score is None:
            break
        if (row.average_score, row.average_time) != previous:
            rank, previous = position, (row.average_score, row.average_time)
        row.rank = rank
    return UnitRanking(quiz=quiz, unit=unit, rows=rows, total=total)
