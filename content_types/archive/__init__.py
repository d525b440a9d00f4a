"""Importing news items and party documents from older systems' archives.

One JSON object per line (see ``reading`` for the fields). A file is checked
in full first, with the admin's rules: every bad line is reported with its
number and reason, and a file with any error writes nothing. A re-run
updates the pages it made instead of duplicating them (``matching``). Pages
are written in bulk, a fixed number of queries per batch (``writing``);
indexing is queued for a background task (``content_types.tasks``).

``ArchiveImporter`` is the entry point; ``manage.py import_content`` wires it
to the command line.
"""

from editorial.imports.reading import ImportFileError, RowError

from .importer import ArchiveImporter

__all__ = ["ArchiveImporter", "ImportFileError", "RowError"]
