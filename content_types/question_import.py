"""Importing the question bank from CSV, XLSX or JSONL files.

One row per question: ``unit`` (the owning unit's code), ``category`` (a name;
created when new, matched ignoring case), ``difficulty`` (easy, medium, hard,
or dễ, trung bình, khó), ``question``, ``choice_1`` ... ``choice_6`` (two to
six, without gaps), ``correct`` (the numbers or letters of the correct
choices: "2", "1,3", "A, C"), ``explanation`` and an optional ``code``.

A row updates an existing question of the same unit with the same ``code``;
without a code (or when no question has it yet), the one with exactly the same
text, so re-running a file never duplicates it, and adding codes to a file
imported without them adopts the questions already there. Choices are updated
in place, position by position, so attempts that drew them keep their ids.

As with units and members, the whole file is checked first, every bad line is
reported (line, column, reason), and a file with any error writes nothing.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from editorial.imports import BaseImporter
from editorial.imports.reading import ImportResult, RowError
from editorial.models import Unit, UnitStatus

from .models.question_bank import (
    MAX_CHOICES,
    Difficulty,
    QuestionCategory,
    QuizChoice,
    QuizQuestion,
    choices_problem,
)

CHOICE_FIELDS = tuple(f"choice_{number}" for number in range(1, MAX_CHOICES + 1))
LETTERS = "ABCDEF"
# Editors often write the difficulty in Vietnamese.
DIFFICULTY_ALIASES = {
    "dễ": Difficulty.EASY,
    "trung bình": Difficulty.MEDIUM,
    "khó": Difficulty.HARD,
}
QUESTION_MAX_LENGTH = QuizQuestion._meta.get_field("text").max_length


@dataclass
class _Existing:
    pk: int
    unit_id: int
    code: str
    text: str
    category_id: int
    difficulty: str
    explanation: str
    choices: list = field(default_factory=list)  # [(pk, text, is_correct)] in order


@dataclass
class _Plan:
    line: int
    key: str
    unit_id: int
    code: str
    text: str
    category: str
    difficulty: str
    explanation: str
    choices: list  # [(text, is_correct)]
    existing: _Existing | None = None
    changes: list = field(default_factory=list)


def parse_correct(value, given):
    """The 1-based numbers in ``value`` ("1,3", "A; C", "2"), or a message."""
    numbers = set()
    for token in (t for t in re.split(r"[,;\s]+", value) if t):
        if token.isdigit():
            number = int(token)
        elif len(token) == 1 and token.upper() in LETTERS:
            number = LETTERS.index(token.upper()) + 1
        else:
            return None, _('"%(token)s" is not a choice number (1 to 6) or letter (A to F)') % {
                "token": token
            }
        if not 1 <= number <= given:
            return None, _("choice %(number)s is not given on this line") % {"number": token}
        numbers.add(number)
    if not numbers:
        return None, _("this field is required")
    return numbers, None


class QuestionImporter(BaseImporter):
    """Upsert bank questions by unit and code (or unit and question text)."""

    fields = (
        "code",
        "unit",
        "category",
        "difficulty",
        "question",
        *CHOICE_FIELDS,
        "correct",
        "explanation",
    )
    required = frozenset({"unit", "category", "difficulty", "question", "correct"})
    optional_columns = frozenset({"code", *CHOICE_FIELDS[2:], "explanation"})
    choices = {"difficulty": Difficulty}
    model_fields = {
        "code": QuizQuestion._meta.get_field("code"),
        "unit": Unit._meta.get_field("code"),
        "category": QuestionCategory._meta.get_field("name"),
        **{name: QuizChoice._meta.get_field("text") for name in CHOICE_FIELDS},
    }

    def check(self, rows):
        errors = []
        for row in rows:
            value = row.values["difficulty"].lower()
            row.values["difficulty"] = DIFFICULTY_ALIASES.get(value, value)
        for row in self.progress(rows, desc=_("Checking questions")):
            errors.extend(self.check_values(row))
            errors.extend(self._check_question(row))
        bad = {(error.line, error.field) for error in errors}

        units = dict(Unit.objects.active().values_list("code", "pk"))
        inactive = set(
            Unit.objects.exclude(status=UnitStatus.ACTIVE).values_list("code", flat=True)
        )
        for row in rows:
            code = row.values["unit"]
            if code and (row.line, "unit") not in bad and code not in units:
                if code in inactive:
                    message = _('unit "%(code)s" has been merged or dissolved') % {"code": code}
                else:
                    message = _('unknown unit "%(code)s"') % {"code": code}
                errors.append(RowError(row.line, "unit", message))

        # Lines with no error of their own are matched against the bank (and
        # each other), so one run lists repeats along with the other errors.
        bad_lines = {error.line for error in errors}
        good = [row for row in rows if row.line not in bad_lines]
        existing = self._existing([units[row.values["unit"]] for row in good])
        plans = [self._plan(row, units) for row in good]
        errors.extend(self._match(plans, existing))
        if errors:
            return errors
        self._plans = plans
        self._categories = self._category_ids([plan.category for plan in plans])
        self.result = ImportResult()
        for plan in plans:
            if plan.existing is None:
                self.result.created.append(plan.key)
                continue
            plan.changes = self._changes(plan)
            if plan.changes:
                self.result.updated[plan.key] = plan.changes
            else:
                self.result.unchanged.append(plan.key)
        return errors

    def _check_question(self, row):
        values, errors = row.values, []
        if len(values["question"]) > QUESTION_MAX_LENGTH:
            errors.append(
                RowError(
                    row.line,
                    "question",
                    _("at most %(max)d characters (it has %(length)d)")
                    % {"max": QUESTION_MAX_LENGTH, "length": len(values["question"])},
                )
            )
        given = [values[name] for name in CHOICE_FIELDS]
        count = len(given)
        while count and not given[count - 1]:
            count -= 1
        seen = {}
        for index, text in enumerate(given[:count]):
            name = CHOICE_FIELDS[index]
            if not text:
                errors.append(
                    RowError(row.line, name, _("empty, but a later choice is given; no gaps"))
                )
            elif text.casefold() in seen:
                errors.append(
                    RowError(
                        row.line,
                        name,
                        _("the same text as %(other)s") % {"other": seen[text.casefold()]},
                    )
                )
            else:
                seen[text.casefold()] = name
        if count < 2:
            message = choices_problem(count, 1)
            errors.append(RowError(row.line, CHOICE_FIELDS[count], message))
        elif values["correct"]:
            _numbers, message = parse_correct(values["correct"], count)
            if message:
                errors.append(RowError(row.line, "correct", message))
        return errors

    @staticmethod
    def _existing(unit_ids):
        questions = {
            row[0]: _Existing(*row)
            for row in QuizQuestion.objects.in_source_language()
            .filter(unit_id__in=set(unit_ids))
            .order_by("pk")
            .values_list(
                "pk", "unit_id", "code", "text", "category_id", "difficulty", "explanation"
            )
        }
        choices = QuizChoice.objects.filter(question_id__in=questions.keys()).order_by(
            "question_id", "sort_order", "pk"
        )
        for question_id, pk, text, is_correct in choices.values_list(
            "question_id", "pk", "text", "is_correct"
        ):
            questions[question_id].choices.append((pk, text, is_correct))
        return list(questions.values())

    @staticmethod
    def _plan(row, units):
        values = row.values
        given = [values[name] for name in CHOICE_FIELDS if values[name]]
        correct, _message = parse_correct(values["correct"], len(given))
        unit_code, code = values["unit"], values["code"]
        label = code or (values["question"][:60] + ("…" if len(values["question"]) > 60 else ""))
        return _Plan(
            line=row.line,
            key=f"{unit_code}/{label}",
            unit_id=units[unit_code],
            code=code,
            text=values["question"],
            category=values["category"],
            difficulty=values["difficulty"],
            explanation=values["explanation"],
            choices=[(text, number in correct) for number, text in enumerate(given, start=1)],
        )

    @staticmethod
    def _match(plans, existing):
        """Pair each line with the question it updates; report repeated lines
        and lines that cannot tell which question they mean."""
        by_code = {(q.unit_id, q.code): q for q in existing if q.code}
        by_text = {}
        for question in existing:
            by_text.setdefault((question.unit_id, question.text), []).append(question)
        errors, first_code, first_text, claimed = [], {}, {}, {}
        for plan in plans:
            # Two lines of one unit with the same text are one question, unless
            # both carry (different) codes.
            repeat = first_code.get((plan.unit_id, plan.code)) if plan.code else None
            name = "code"
            if repeat is None:
                name = "question"
                previous = first_text.get((plan.unit_id, plan.text))
                if previous is not None and not (plan.code and previous[1]):
                    repeat = previous[0]
            if repeat is not None:
                message = _("the same question as line %(line)d") % {"line": repeat}
                errors.append(RowError(plan.line, name, message))
                continue
            if plan.code:
                first_code[(plan.unit_id, plan.code)] = plan.line
            first_text.setdefault((plan.unit_id, plan.text), (plan.line, plan.code))
            match = by_code.get((plan.unit_id, plan.code)) if plan.code else None
            if match is None:
                same_text = by_text.get((plan.unit_id, plan.text), [])
                if plan.code:
                    # A code new to the bank adopts an uncoded question with this text.
                    same_text = [question for question in same_text if not question.code]
                if len(same_text) > 1:
                    message = _(
                        "%(count)d questions of this unit have this text; give each a code "
                        "in the admin, or remove the copies"
                    ) % {"count": len(same_text)}
                    errors.append(RowError(plan.line, "question", message))
                    continue
                match = same_text[0] if same_text else None
            if match is not None:
                if match.pk in claimed:
                    message = _("updates the same question as line %(line)d") % {
                        "line": claimed[match.pk]
                    }
                    errors.append(
                        RowError(plan.line, "code" if plan.code else "question", message)
                    )
                    continue
                claimed[match.pk] = plan.line
            plan.existing = match
        return errors

    @staticmethod
    def _category_ids(names):
        """``{name: pk or None}`` in file order; matched ignoring case, None for
        new ones (created with the spelling of their first line)."""
        existing = {
            name.casefold(): pk
            for pk, name in QuestionCategory.objects.filter(
                locale__language_code=settings.LANGUAGE_CODE
            ).values_list("pk", "name")
        }
        return {name: existing.get(name.casefold()) for name in dict.fromkeys(names)}

    def _changes(self, plan):
        current = plan.existing
        changes = []
        if plan.code and plan.code != current.code:
            changes.append("code")
        if plan.text != current.text:
            changes.append("question")
        if self._categories[plan.category] != current.category_id:
            changes.append("category")
        if plan.difficulty != current.difficulty:
            changes.append("difficulty")
        if plan.explanation != current.explanation:
            changes.append("explanation")
        if [(text, correct) for _pk, text, correct in current.choices] != plan.choices:
            changes.append("choices")
        return changes

    def write(self):
        categories = dict(self._categories)
        by_casefold = {}
        for name, pk in categories.items():
            if pk is None:
                key = name.casefold()
                if key not in by_casefold:
                    by_casefold[key] = QuestionCategory.objects.create(name=name).pk
                categories[name] = by_casefold[key]

        changed = [plan for plan in self._plans if plan.existing is not None and plan.changes]
        questions = QuizQuestion.objects.in_bulk([plan.existing.pk for plan in changed])
        new_choices, updated_choices, removed_choices = [], [], []
        for plan in self.progress(self._plans, desc=_("Writing questions")):
            if plan.existing is not None and not plan.changes:
                continue
            question = questions[plan.existing.pk] if plan.existing is not None else QuizQuestion()
            question.unit_id = plan.unit_id
            if plan.code:
                question.code = plan.code
            question.text = plan.text
            question.category_id = categories[plan.category]
            question.difficulty = plan.difficulty
            question.explanation = plan.explanation
            question.save()
            current = plan.existing.choices if plan.existing is not None else []
            for order, (text, correct) in enumerate(plan.choices):
                if order < len(current):
                    pk, old_text, old_correct = current[order]
                    if (old_text, old_correct) != (text, correct):
                        updated_choices.append(
                            QuizChoice(pk=pk, text=text, is_correct=correct, sort_order=order)
                        )
                else:
                    new_choices.append(
                        QuizChoice(
                            question=question,
                            text=text,
                            is_correct=correct,
                            sort_order=order,
                            locale_id=question.locale_id,  # bulk_create skips Wagtail's default
                        )
                    )
            removed_choices += [pk for pk, _text, _correct in current[len(plan.choices) :]]
        QuizChoice.objects.filter(pk__in=removed_choices).delete()
        QuizChoice.objects.bulk_update(
            updated_choices, ["text", "is_correct", "sort_order"], batch_size=500
        )
        QuizChoice.objects.bulk_create(new_choices, batch_size=1000)
