"""The study completion report as an XLSX workbook, for the admin's download
(``StudyReportXlsxView`` in ``content_types.views.study_report``)."""

import io

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from editorial.spreadsheets import append_row


def completion_report_xlsx(report):
    """The report (``content_types.study.CompletionReport``) as an XLSX
    workbook (bytes): one header row, one row per child unit, a total row;
    rates are numbers formatted as percentages."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Study completion")[:31]
    header = [gettext("Unit"), gettext("Code"), gettext("Active members")]
    for module in report.modules:
        header += [
            gettext("%(module)s: members expected") % {"module": module.title},
            gettext("%(module)s: completed") % {"module": module.title},
            gettext("%(module)s: rate") % {"module": module.title},
        ]
    # Every row goes through append_row: unit names and module titles are
    # typed by editors and must never become formulas.
    for cell in append_row(sheet, header):
        cell.font = Font(bold=True)

    def append(row, label):
        values = [label, row.unit.code, row.members]
        for figures in row.figures:
            values += [figures.expected, figures.completed, figures.rate]
        cells = append_row(sheet, values)
        for offset in range(len(row.figures)):
            cells[3 + 3 * offset + 2].number_format = "0.0%"
        return cells

    for row in report.rows:
        append(row, row.label)
    for cell in append(report.total, gettext("Total: %(unit)s") % {"unit": report.unit.name}):
        cell.font = Font(bold=True)
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["A"].width = 40
    for column in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
