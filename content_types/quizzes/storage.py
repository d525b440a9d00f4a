"""An attempt's reads and its closing write, as prepared statements.

A whole contest submits in the same minute (issue 19), so the three queries
of a submission after the reader's token are written once in SQL and run with
``cms.prepared.prepared_cursor()``; the ORM's compilation and PostgreSQL's
planning took longer than running them.

- ``read_attempt(attempt_id, member_id)``: the member's attempt with the
  quiz's columns its rules read, and whether the quiz is some study module's
  final quiz (``attempt.quiz_ends_a_module``: most quizzes end none, and the
  study handler then has nothing to look up).
- ``read_bank(question_ids)``: the drawn questions still in the bank and
  their choices, as ``({question_id: BankQuestion}, {choice_id: BankChoice})``.
- ``store_closing(attempt, fields, if_open=)``: writes the closing fields.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps

from cms.prepared import Columns, db_value, prepared_cursor

from ..models.question_bank import QuizChoice, QuizQuestion
from ..models.quiz_attempts import QuizAttempt

#: What the rules of an attempt read of its quiz: timing, pass mark, contest.
QUIZ_FIELDS = ("page_ptr", "closes_at", "pass_mark", "is_contest")


def _page_model(name):
    """A page model of this app, looked up when first needed: the page models
    import this package (the quiz editor's draw rules)."""
    return apps.get_model("content_types", name)


@cache
def _attempt_query():
    quiz, module = _page_model("Quiz"), _page_model("StudyModule")
    attempts, quizzes = Columns(QuizAttempt, "a"), Columns(quiz, "q", QUIZ_FIELDS)
    sql = (
        f"SELECT {attempts.sql}, {quizzes.sql},"
        f" EXISTS (SELECT 1 FROM {module._meta.db_table} s WHERE s.final_quiz_id = a.quiz_id)"
        f" FROM {QuizAttempt._meta.db_table} a"
        f" JOIN {quiz._meta.db_table} q ON q.page_ptr_id = a.quiz_id"
        " WHERE a.id = %s AND a.member_id = %s"
    )
    return sql, attempts, quizzes


def read_attempt(attempt_id, member_id):
    """The attempt ``attempt_id`` of the member ``member_id`` (None if it is
    not theirs), its quiz loaded with ``QUIZ_FIELDS``; one query."""
    sql, attempts, quizzes = _attempt_query()
    with prepared_cursor() as cursor:
        cursor.execute(sql, [attempt_id, member_id])
        row = cursor.fetchone()
    if row is None:
        return None
    attempt, at = attempts.load(row)
    quiz, at = quizzes.load(row, at)
    QuizAttempt.quiz.field.set_cached_value(attempt, quiz)
    attempt.quiz_ends_a_module = bool(row[at])
    return attempt


@dataclass(frozen=True, slots=True)
class BankQuestion:
    """What answering, scoring and corrections read of a bank question."""

    pk: int
    text: str
    explanation: str


@dataclass(frozen=True, slots=True)
class BankChoice:
    pk: int
    question_id: int
    text: str
    is_correct: bool


@cache
def _bank_query(count):
    return (
        "SELECT qq.id, qq.text, qq.explanation, c.id, c.text, c.is_correct"
        f" FROM {QuizQuestion._meta.db_table} qq"
        f" LEFT JOIN {QuizChoice._meta.db_table} c ON c.question_id = qq.id"
        f" WHERE qq.id IN ({', '.join(['%s'] * count)})"
    )


def read_bank(question_ids):
    """The questions ``question_ids`` still in the bank and all their choices;
    one query (one prepared statement per number of questions)."""
    if not question_ids:
        return {}, {}
    with prepared_cursor() as cursor:
        cursor.execute(_bank_query(len(question_ids)), list(question_ids))
        rows = cursor.fetchall()
    questions, choices = {}, {}
    for question_id, text, explanation, choice_id, choice_text, is_correct in rows:
        if question_id not in questions:
            questions[question_id] = BankQuestion(question_id, text, explanation)
        if choice_id is not None:
            choices[choice_id] = BankChoice(choice_id, question_id, choice_text, bool(is_correct))
    return questions, choices


@cache
def _closing_sql(fields, if_open):
    table = QuizAttempt._meta.db_table
    sql = f"UPDATE {table} SET {', '.join(f'{name} = %s' for name in fields)} WHERE id = %s"
    if if_open:
        # Still open, with the answers read, and in time by the quiz as it is
        # now (an editor may have closed it earlier since it was read).
        sql += (
            " AND submitted_at IS NULL AND answers = %s AND deadline >= %s"
            f" AND EXISTS (SELECT 1 FROM {_page_model('Quiz')._meta.db_table} q"
            f" WHERE q.page_ptr_id = {table}.quiz_id"
            " AND (q.closes_at IS NULL OR q.closes_at >= %s))"
        )
    return sql


def store_closing(attempt, fields, *, if_open=None):
    """Write ``fields`` of ``attempt``; returns whether its row was written.

    ``if_open=(answers, limit)``: only while the attempt is still open with
    exactly ``answers``, its deadline and its quiz's closing time not before
    ``limit``. Without it the caller holds the row lock."""
    params = [db_value(QuizAttempt, name, getattr(attempt, name)) for name in fields]
    params.append(attempt.pk)
    if if_open is not None:
        answers, limit = if_open
        limit = db_value(QuizAttempt, "deadline", limit)
        params += [db_value(QuizAttempt, "answers", answers), limit, limit]
    with prepared_cursor() as cursor:
        cursor.execute(_closing_sql(tuple(fields), if_open is not None), params)
        return cursor.rowcount > 0
