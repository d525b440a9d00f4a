"""manage.py import_content FILE.jsonl [--publish] [--dry-run]: import an archive."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content_types.archive import ArchiveImporter
from content_types.archive.writing import TreeFullError
from editorial.management.base import _ProgressStream, validate_or_reject


class Command(BaseCommand):
    help = (
        "Import news items and party documents from a .jsonl file, one JSON object per "
        "line, under each unit's news and document lists. The whole file is checked first "
        "with the admin's rules; a file with any error writes nothing. Re-running a file "
        "updates the pages it made instead of duplicating them. Search indexing runs as a "
        "background task afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("a .jsonl file, UTF-8, one JSON object per line"))
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("make the pages live (default: drafts for editors to review)"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("check the file and list what would be created or updated, writing nothing"),
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=_("show a progress bar on stderr (default: when stderr is a terminal)"),
        )

    def handle(self, *args, file, publish, dry_run, progress, verbosity, **options):
        if progress is None:
            progress = self.stderr.isatty()
        importer = ArchiveImporter(
            file,
            publish=publish,
            progress_file=_ProgressStream(self.stderr) if progress else None,
        )
        validate_or_reject(self, importer, file)
        result = importer.result
        counts = {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        }
        if dry_run:
            self._write_details(result, dry_run=True)
            self.stdout.write(
                _(
                    "Dry run, nothing written: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged."
                )
                % counts
            )
            return
        try:
            importer.apply()
        except TreeFullError as exc:
            raise CommandError(
                _("The list page at path %(path)s has no room for more pages.") % {"path": exc}
            ) from exc
        if verbosity >= 2:
            self._write_details(result, dry_run=False)
        state = _("published") if publish else _("as drafts")
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged (%(state)s).")
                % dict(counts, state=state)
            )
        )
        seconds = importer.timings["check"] + importer.timings["write"]
        count = importer.item_count
        self.stdout.write(
            _(
                "%(count)d items in %(seconds).1fs (checking %(check).1fs, writing %(write).1fs): "
                "%(rate).0f items/s."
            )
            % {
                "count": count,
                "seconds": seconds,
                "check": importer.timings["check"],
                "write": importer.timings["write"],
                "rate": count / seconds if seconds else 0,
            }
        )
        if importer.page_ids:
            self.stdout.write(
                ngettext(
                    "Search indexing of %(count)d page was handed to a background task.",
                    "Search indexing of %(count)d pages was handed to a background task.",
                    len(importer.page_ids),
                )
                % {"count": len(importer.page_ids)}
            )

    def _write_details(self, result, *, dry_run):
        created = _("would create: %(key)s") if dry_run else _("created: %(key)s")
        updated = (
            _("would update: %(key)s (%(fields)s)")
            if dry_run
            else _("updated: %(key)s (%(fields)s)")
        )
        for key in result.created:
            self.stdout.write(created % {"key": key})
        for key, fields in result.updated.items():
            self.stdout.write(updated % {"key": key, "fields": ", ".join(fields)})
        for key in result.unchanged:
            self.stdout.write(_("unchanged: %(key)s") % {"key": key})
