from django.core.management.base import BaseCommand, CommandError

from workflows.notifications import reminder_days, send_moderation_reminders


class Command(BaseCommand):
    help = (
        "E-mail each reviewer whose moderation steps have waited more than N days "
        "(default: the WORKFLOWS_REMINDER_DAYS setting). Safe to run several times a day: "
        "nobody is reminded twice on one day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Age in days (default: the setting)."
        )

    def handle(self, *args, days=None, **options):
        days = reminder_days() if days is None else days
        if days < 0:
            raise CommandError("--days must be zero or more.")
        listing = self.stdout if options["verbosity"] > 1 else None
        sent = send_moderation_reminders(days, stdout=listing)
        self.stdout.write(f"{sent} reminder(s) sent for steps waiting more than {days} day(s).")
