from django.core.management.base import BaseCommand

from content_types.demo import (
    seed_answers,
    seed_documents,
    seed_news,
    seed_question_bank,
    seed_study,
    seed_study_progress,
    seed_translations,
)


class Command(BaseCommand):
    help = (
        "Publish demo content (news with each audience, a resolution and a plan that "
        "implements it, ready answers and a member's question, a question bank, a quiz and "
        "a study module with some members' progress) in the units made by seed_demo. "
        "Safe to re-run: existing items are left alone."
    )

    def handle(self, *args, **options):
        seed_news(log=self.stdout.write)
        seed_documents(log=self.stdout.write)
        seed_answers(log=self.stdout.write)
        seed_question_bank(log=self.stdout.write)
        seed_study(log=self.stdout.write)
        seed_study_progress(log=self.stdout.write)
        seed_translations(log=self.stdout.write)
