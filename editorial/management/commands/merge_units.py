from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from editorial.models import Unit
from editorial.reorganisation import merge_units


class Command(BaseCommand):
    help = (
        "Merge unit SOURCE into unit TARGET (by code): child units, members, board roles, "
        "pages and media move to TARGET; SOURCE is kept as merged and its URLs redirect."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="code of the unit that goes away")
        parser.add_argument("target", help="code of the unit that absorbs it")
        parser.add_argument("--on", help="date of the merger, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would move, change nothing"
        )

    def handle(self, source, target, on=None, dry_run=False, **options):
        units = {u.code: u for u in Unit.objects.filter(code__in=[source, target])}
        for code in (source, target):
            if code not in units:
                raise CommandError(f"unknown unit code {code!r}")
        on_date = parse_date(on) if on else None
        if on and on_date is None:
            raise CommandError(f"--on: {on!r} is not a date (YYYY-MM-DD)")
        src, dst = units[source], units[target]
        summary = (
            f"{src.get_children_count()} child units, {src.members.count()} members, "
            f"{src.home_page.get_children_count() if src.home_page else 0} pages"
        )
        if dry_run:
            self.stdout.write(f"Would merge {src.code} into {dst.code}: {summary}")
            return
        try:
            merge_units(src, dst, on=on_date)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Merged {src.code} into {dst.code}: {summary}"))
