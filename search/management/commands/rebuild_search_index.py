"""Rebuild archive search from the content: ``manage.py rebuild_search_index``.

Shows a progress bar, and is safe to re-run or interrupt: the live index is
only replaced (by an alias swap) once the new one is complete. An
interrupted rebuild (killed, or the engine still failing after its retries)
is resumed by the next run, which continues loading the same new index from
where it stopped (``search.rebuild``); ``--fresh`` deletes it and starts over.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import engine, outbox
from search.rebuild import rebuild


class Command(BaseCommand):
    help = "Rebuild the archive search records and the OpenSearch index, then swap the alias."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="Refresh the database records only, even when OpenSearch is configured.",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Delete an interrupted rebuild's index and start over instead of resuming it.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(
        self, *args, database_only=False, fresh=False, batch_size=500, verbosity=1, **options
    ):
        target = "database" if database_only or not engine.is_configured() else "OpenSearch"
        with tqdm(unit="item", disable=verbosity < 1, file=self.stderr) as bar:

            def start(total):
                self.stdout.write(f"Indexing {total} items ({target})")
                bar.reset(total=total)

            report = rebuild(
                progress=bar.update,
                start=start,
                use_engine=not database_only,
                batch=batch_size,
                fresh=fresh,
            )
        applied, pending = outbox.process()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {report.records} items in {report.seconds:.1f} s "
                f"({report.rate:.0f}/s); removed {report.removed} stale records"
                + (
                    f"; resumed an interrupted rebuild after {report.resumed_after} items"
                    if report.resumed_after
                    else ""
                )
                + (f"; alias now points at {report.index}" if report.index else "")
                + f"; outbox: {applied} applied, {pending} pending"
            )
        )
