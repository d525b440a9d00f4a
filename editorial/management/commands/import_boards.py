"""manage.py import_boards FILE: give users roles on units' editorial boards."""

from django.utils.translation import gettext as _

from editorial.imports import BoardImporter
from editorial.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Give users roles on units' editorial boards from a .csv, .xlsx or .jsonl file with "
        "the fields unit_code, username, role (editor, reviewer, approver, platform_admin). "
        "A unit with no board yet gets one (home page, media collection, role groups). The "
        "whole file is checked first; a file with any error writes nothing. Roles are only "
        "added: a board member missing from the file keeps their role."
    )
    importer_class = BoardImporter

    def report(self, importer, *, dry_run):
        if importer.boards_to_provision:
            message = (
                _("Boards to provision: %(codes)s")
                if dry_run
                else _("Boards provisioned: %(codes)s")
            )
            self.stdout.write(message % {"codes": ", ".join(importer.boards_to_provision)})
