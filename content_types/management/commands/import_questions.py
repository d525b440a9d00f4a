"""manage.py import_questions FILE: create or update bank questions from CSV, XLSX or JSONL."""

from content_types.question_import import QuestionImporter
from editorial.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update questions of the quiz question bank from a .csv, .xlsx or .jsonl "
        "file with the columns unit, category, difficulty, question, choice_1 ... choice_6, "
        "correct, explanation and an optional code. A question is matched on unit and code, "
        "else on unit and question text, so re-running a file changes nothing. The whole file "
        "is checked first; a file with any error writes nothing."
    )
    importer_class = QuestionImporter
