"""Drawing an attempt's questions from the bank.

A quiz's draw rules ask for so many questions of a category and difficulty;
the draw takes them from the bank of the quiz's unit and of the units above
it, the most specific rules first. ``bank_shortfalls`` runs the same plan to
tell an editor, before publishing, which rules the bank cannot fill.
"""

import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext, ngettext

from ..errors import ErrorCode, ServiceError
from ..models.question_bank import Difficulty, QuestionCategory, QuizChoice, QuizQuestion

_random = random.SystemRandom()


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


def draw_questions(quiz):
    """``[{"question": id, "choices": [id, ...]}]`` for a new attempt, shuffled;
    ServiceError bank_too_small when a rule cannot be filled."""
    rules = [
        DrawRule(rule.category_id, rule.difficulty, rule.count) for rule in quiz.draw_rules.all()
    ]
    unit = quiz.owning_unit
    if not rules or unit is None:
        raise ServiceError(
            ErrorCode.BANK_TOO_SMALL, gettext("This quiz has no questions to draw.")
        )
    question_ids, shortfalls = _plan(_bank(unit), rules, _random)
    if shortfalls:
        raise ServiceError(ErrorCode.BANK_TOO_SMALL, " ".join(_shortfall_messages(shortfalls)))
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
