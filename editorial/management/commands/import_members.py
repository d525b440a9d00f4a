"""manage.py import_members FILE: create or update members and their users."""

from editorial.imports import MemberImporter
from editorial.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update members and their users, matched on username, from a .csv or .jsonl "
        "file with the fields username, full_name, branch_code, card_number, status, phone, "
        "email, password. The whole file is checked first; a file with any error writes "
        "nothing."
    )
    importer_class = MemberImporter
