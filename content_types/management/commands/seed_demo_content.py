from django.core.management.base import BaseCommand

from content_types.demo import seed_documents, seed_news


class Command(BaseCommand):
    help = (
        "Publish demo content (news with each audience, a resolution and a plan that "
        "implements it) in the units made by seed_demo. "
        "Safe to re-run: existing items are left alone."
    )

    def handle(self, *args, **options):
        seed_news(log=self.stdout.write)
        seed_documents(log=self.stdout.write)
