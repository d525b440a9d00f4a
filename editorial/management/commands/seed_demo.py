import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from editorial.demo import (
    ADMIN_PASSWORD_ENV,
    PASSWORD_ENV,
    SIZES,
    DemoSeedError,
    format_report,
    format_table,
    plan_summary,
    seed,
)


class Command(BaseCommand):
    help = (
        "Seed a demo province: units, members, editorial boards and users who can sign in. "
        "Idempotent and resumable: a re-run creates only what is missing. "
        f"Passwords come from ${PASSWORD_ENV} and ${ADMIN_PASSWORD_ENV} when set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            default="small",
            help="small: a few dozen units for `make run`; province: ~5,600 units and "
            "~100,000 members, in bulk; city: ~17,000 units, ~470,000 members and an "
            "archive of 200,000 news items and 50,000 documents (default: small)",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="no progress bars (they are shown only when stderr is a terminal anyway)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what the size plans, write nothing"
        )

    def handle(self, *args, size, no_progress=False, dry_run=False, **options):
        shape = SIZES[size]
        if dry_run:
            counts = plan_summary(shape)
            self.stdout.write(f"--size {size} plans:")
            self.stdout.write(format_table(["what", "count"], sorted(counts.items())))
            return
        started = time.perf_counter()
        progress = not no_progress and sys.stderr.isatty()
        try:
            report = seed(shape, progress=progress, log=self.stdout.write)
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        if shape.news or shape.documents:
            # The archive is content_types' business: called by name, not imported.
            call_command(
                "seed_demo_archive",
                news=shape.news,
                documents=shape.documents,
                no_progress=not progress,
                stdout=self.stdout,
            )
        self.stdout.write(f"seed_demo --size {size}: {time.perf_counter() - started:.1f}s")
        self.stdout.write("")
        self.stdout.write(format_report(report))
