"""The monthly table as an XLSX workbook: the header, one row per branch,
the totals row in bold; the attendance rate a number shown as a percentage.
Rows go through ``editorial.spreadsheets.append_row`` (never a formula)."""

import io

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from editorial.spreadsheets import append_row

from ..monthly_text import cells, header, total_label

RATE_COLUMN = 7  # 0-based: name, code, held, four grades, then the rate


def monthly_table_xlsx(table):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (gettext("Branch life %(month)s") % {"month": table.month})[:31]
    for cell in append_row(sheet, header()):
        cell.font = Font(bold=True)
    for row in table.rows:
        _append_figures(sheet, cells(row))
    for cell in _append_figures(sheet, cells(table.total, total_label(table))):
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 40
    for column in range(2, len(header()) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _append_figures(sheet, values):
    row = append_row(sheet, values)
    row[RATE_COLUMN].number_format = "0.0%"
    return row
