from django.core.management.base import BaseCommand

from workflows.demo import seed_workflows


class Command(BaseCommand):
    help = (
        "Give every unit its level's moderation workflow, add the provincial deputy head "
        "(tn-deputy) and leave a few demo items waiting in moderation at every level, one "
        "sent back with a comment and one promotion to the district. Run after seed_demo "
        "and seed_demo_content; safe to re-run."
    )

    def handle(self, *args, **options):
        seed_workflows(log=self.stdout.write)
