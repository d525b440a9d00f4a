import sys

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
            "~100,000 members, in bulk (default: small)",
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
        try:
            report = seed(
                shape,
                progress=not no_progress and sys.stderr.isatty(),
                log=self.stdout.write,
            )
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(format_report(report))
