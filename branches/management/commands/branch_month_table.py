"""manage.py branch_month_table UNIT_CODE YYYY-MM: the monthly table of a
grassroots or district unit, and the queries it cost."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from branches.monthly import TABLE_LEVELS, Month, monthly_table
from branches.monthly_text import as_text
from editorial.models import Unit


class Command(BaseCommand):
    help = (
        "Print the monthly branch-life table of a grassroots or district unit (one row per "
        "branch below it: meetings held through the app, ratings by grade, attendance rate, "
        "votes, tasks open and overdue; a totals row) and how many queries it took."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit_code")
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args, unit_code, month, **options):
        try:
            month = Month.parse(month)
        except ValueError:
            raise CommandError(_("Give the month as YYYY-MM.")) from None
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": unit_code})
        if unit.level not in TABLE_LEVELS:
            raise CommandError(_("The monthly table is for grassroots and district units."))
        with CaptureQueriesContext(connection) as queries:
            table = monthly_table(unit, month)
        self.stdout.write(f"{unit.name} ({unit.code}), {month}")
        for line in as_text(table):
            self.stdout.write(line)
        self.stdout.write(
            _("Queries: %(count)s for %(branches)s branches.")
            % {"count": len(queries), "branches": len(table.rows)}
        )
