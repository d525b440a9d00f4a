"""manage.py seed_demo_archive --news N --documents M: a generated archive."""

import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from tqdm import tqdm

from content_types.archive.demo import DemoArchive, DemoArchiveError, DemoUnit, write_chunk
from editorial.models import Unit, UnitStatus


class Command(BaseCommand):
    help = (
        "Publish generated news items and party documents in the units that have a home "
        "page (made by seed_demo), through the archive import's writer, a chunk of 20,000 "
        "per transaction. Deterministic and idempotent: a re-run writes only the chunks "
        "that are missing. The database search records are written; the search engine "
        "and Wagtail's index are left to rebuild_search_index and update_index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=2000, help="news items in all")
        parser.add_argument("--documents", type=int, default=500, help="documents in all")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, news, documents, no_progress=False, **options):
        units = [
            DemoUnit(*row)
            for row in Unit.objects.filter(
                home_page__isnull=False, status=UnitStatus.ACTIVE
            ).values_list("code", "name", "short_name", "level")
        ]
        if not units:
            raise CommandError("No unit has a home page: run seed_demo first.")
        archive = DemoArchive(units, news=news, documents=documents)
        progress = not no_progress and sys.stderr.isatty()
        # Records for the database search only: the engine is loaded by a rebuild.
        with override_settings(SEARCH_ENGINE_URL=""), tempfile.TemporaryDirectory() as folder:
            written = sum(
                self._seed_kind(archive, kind, Path(folder), progress)
                for kind in ("document", "news")
            )
        # VACUUM cannot run in a transaction (a caller's, or a test's).
        if written and connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._settle()

    def _settle(self):
        """VACUUM (ANALYZE) after the bulk write: a listing reads the reader
        index alone only where the visibility map marks its pages all-visible,
        and autovacuum may take minutes to reach the last chunks (a member's
        subtree listing read 143 ms of SQL straight after a city seed, 24 ms
        after this)."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(f"vacuum (analyze): {time.perf_counter() - started:.1f}s")

    def _seed_kind(self, archive, kind, folder, progress):
        started = time.perf_counter()
        chunks = list(archive.chunks(kind))
        todo = [chunk for chunk in chunks if not archive.written(kind, chunk)]
        written = 0
        bar = tqdm(total=len(todo), desc=kind, file=sys.stderr, disable=not progress)
        with bar:
            for chunk in todo:
                try:
                    written += write_chunk(folder / f"{kind}.jsonl", archive.lines(kind, chunk))
                except DemoArchiveError as error:
                    raise CommandError(f"{kind} chunk {chunk}: {error}") from error
                bar.update()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{kind}: created {written}, {len(chunks) - len(todo)} chunks already there "
            f"({seconds:.1f}s)"
        )
        return written
