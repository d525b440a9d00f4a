from django.core.management.base import BaseCommand

from content_types.tasks import close_expired_quiz_attempts


class Command(BaseCommand):
    help = (
        "Close and score, on their saved answers, the quiz attempts whose time ran out "
        "without a submission, so that rankings count them. Safe to run again: "
        "schedule it every few minutes."
    )

    def handle(self, *args, **options):
        closed = close_expired_quiz_attempts.call()
        self.stdout.write(f"{closed} expired quiz attempt(s) closed.")
