from django.core.management.base import BaseCommand

from content_types.demo import seed_news


class Command(BaseCommand):
    help = (
        "Publish demo content (news with each audience) in the units made by seed_demo. "
        "Safe to re-run: existing items are left alone."
    )

    def handle(self, *args, **options):
        seed_news(log=self.stdout.write)
