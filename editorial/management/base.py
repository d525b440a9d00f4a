"""The shared command line of import_units, import_members and import_boards."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial.imports import BaseImporter, ImportFileError


class _ProgressStream:
    """Lets tqdm draw on a command's stderr without OutputWrapper's newlines."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, style_func=lambda x: x, ending="")

    def flush(self):
        self.wrapper.flush()


def validate_or_reject(command, importer, file):
    """Check the whole file; print every bad line and stop if there is any."""
    try:
        errors = importer.validate()
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    if errors:
        for error in errors:
            command.stderr.write(str(error))
        raise CommandError(
            ngettext(
                "%(file)s was rejected: %(count)d error; nothing was written.",
                "%(file)s was rejected: %(count)d errors; nothing was written.",
                len(errors),
            )
            % {"file": file, "count": len(errors)}
        )


class ImportCommand(BaseCommand):
    """The shared command line of import_units and import_members."""

    importer_class = BaseImporter

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=_("a .csv (UTF-8) or .xlsx file with a header row, or a .jsonl file")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("validate and report what would change, without writing anything"),
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=_("show a progress bar on stderr (default: when stderr is a terminal)"),
        )

    def handle(self, *args, file, dry_run, progress, verbosity, **options):
        if progress is None:
            progress = self.stderr.isatty()
        importer = self.importer_class(
            file, progress_file=_ProgressStream(self.stderr) if progress else None
        )
        validate_or_reject(self, importer, file)
        result = importer.result if dry_run else importer.apply()
        if verbosity >= 2:
            self._write_details(result)
        self.report(importer, dry_run=dry_run)
        counts = {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        }
        if dry_run:
            self.stdout.write(
                _(
                    "Dry run, nothing written: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged."
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                    % counts
                )
            )

    def report(self, importer, *, dry_run):
        """Anything a command adds before the counts (nothing by default)."""

    def _write_details(self, result):
        for key in result.created:
            self.stdout.write(_("created: %(key)s") % {"key": key})
        for key, fields in result.updated.items():
            self.stdout.write(
                _("updated: %(key)s (%(fields)s)") % {"key": key, "fields": ", ".join(fields)}
            )
        for key in result.unchanged:
            self.stdout.write(_("unchanged: %(key)s") % {"key": key})
