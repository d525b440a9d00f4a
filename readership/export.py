"""The reading figures as an XLSX workbook, for the admin's download
(``ReadingFiguresXlsxView``): a sheet of units and a sheet of top items."""

import io

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from editorial.spreadsheets import append_row


def unit_header(period_days):
    return [
        gettext("Unit"),
        gettext("Code"),
        gettext("Members with an account"),
        gettext("Ever signed in"),
        gettext("Active readers, last 7 days"),
        gettext("Active readers, last 30 days"),
        gettext("Signed in, last %(days)d days") % {"days": period_days},
        gettext("Reads, last %(days)d days") % {"days": period_days},
    ]


def unit_values(row, label):
    return [
        label,
        row.unit.code,
        row.accounts,
        row.signed_in_ever,
        row.active_7,
        row.active_30,
        row.signed_in,
        row.reads,
    ]


def _bold(cells):
    for cell in cells:
        cell.font = Font(bold=True)


def reading_figures_xlsx(figures):
    """``figures`` (``readership.figures.ReadingFigures``) as XLSX bytes. Unit
    names and titles are typed by editors: every row goes through
    ``append_row``, so none becomes a formula."""
    workbook = Workbook()
    units = workbook.active
    units.title = gettext("Reading figures")[:31]
    _bold(append_row(units, unit_header(figures.period_days)))
    for row in figures.rows:
        append_row(units, unit_values(row, row.label))
    total = gettext("Total: %(unit)s") % {"unit": figures.unit.name}
    _bold(append_row(units, unit_values(figures.total, total)))
    units.freeze_panes = "C2"
    units.column_dimensions["A"].width = 40

    items = workbook.create_sheet(gettext("Most read")[:31])
    _bold(
        append_row(items, [gettext("Item"), gettext("Type"), gettext("Readers"), gettext("Reads")])
    )
    for item in figures.top_items:
        append_row(items, [item.title, item.type_name, item.readers, item.reads])
    items.column_dimensions["A"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
