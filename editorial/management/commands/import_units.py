"""manage.py import_units FILE: create or update units from CSV or JSONL."""

from editorial.imports import UnitImporter
from editorial.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update units, matched on code, from a .csv or .jsonl file with the fields "
        "code, name, short_name, level, parent_code. The whole file is checked first; a file "
        "with any error writes nothing."
    )
    importer_class = UnitImporter
