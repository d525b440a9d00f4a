"""Apply the queued search index changes now: ``manage.py process_search_outbox``.

What the background task does; useful after an engine outage, or from cron
where no worker runs. Safe to run at any time.
"""

from django.core.management.base import BaseCommand

from search.outbox import process


class Command(BaseCommand):
    help = "Send the queued search index changes to OpenSearch, oldest first."

    def handle(self, *args, **options):
        applied, pending = process()
        self.stdout.write(f"{applied} changes applied, {pending} pending")
