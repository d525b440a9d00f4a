from django.core.management.base import BaseCommand

from branches.demo import seed_branch_life


class Command(BaseCommand):
    help = (
        "Demo branch life in the demo's branch: last month's meeting held, rated, with "
        "minutes and a secret vote; an announced meeting with materials; tasks open and done; "
        "a residence-place member; a registration awaiting approval. Prints the logins that "
        "matter. Run after seed_demo and seed_demo_content; safe to re-run."
    )

    def handle(self, *args, **options):
        seed_branch_life(log=self.stdout.write)
