from django.core.management.base import BaseCommand
from wagtail.models import Locale

from content_types.localization import ensure_locales, synchronise_trees
from editorial.provisioning import grant_on_home_translations


class Command(BaseCommand):
    help = (
        "Create a locale for every language in CONTENT_LANGUAGES, mirror the Vietnamese "
        "page tree into each (pages imported or seeded since included), and give every "
        "board its home page in each language. Safe to re-run."
    )

    def handle(self, *args, **options):
        for locale in ensure_locales():
            self.stdout.write(f"locale {locale.language_code}: created")
        synchronise_trees()

        def progress(done, total):
            if done % 500 == 0 or done == total:
                self.stdout.write(f"board groups checked: {done}/{total}")

        granted = grant_on_home_translations(progress)
        codes = ", ".join(Locale.objects.values_list("language_code", flat=True))
        self.stdout.write(self.style.SUCCESS(f"locales: {codes}; new home page grants: {granted}"))
