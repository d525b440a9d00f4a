"""Reading .csv, .jsonl and .xlsx import files into rows, and the types that
report on them.

Every format gives the same rows: the values as strings, numbered by the line
(or spreadsheet row) they came from, the header being line 1.
"""

import codecs
import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

BATCH_SIZE = 1000
# bulk_update builds one CASE WHEN per field over the whole batch.
UPDATE_BATCH_SIZE = 500


SUFFIXES = (".csv", ".jsonl", ".xlsx")


class ImportFileError(Exception):
    """The file cannot be read at all (missing, not .csv / .jsonl / .xlsx, or
    not a workbook)."""


@dataclass(frozen=True)
class RowError:
    """One problem on one line; ``field`` is None for whole-line problems."""

    line: int
    field: str | None
    message: str

    def __str__(self):
        if self.field:
            return _("line %(line)d: %(field)s: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Row:
    line: int
    values: dict[str, str]


@dataclass
class ImportResult:
    """What an import did, or would do: keys created, updated (with the fields
    that change) and left unchanged, in file order."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def decode_lines(data):
    """Split bytes into text lines, reporting each line that is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    raw_lines = data.splitlines(keepends=True)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return [raw.decode("utf-8") for raw in raw_lines], []
    lines, errors = [], []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            message = _(
                "not valid UTF-8 (byte 0x%(byte)02X at position %(position)d); "
                "save the file as UTF-8"
            ) % {"byte": raw[exc.start], "position": exc.start + 1}
            errors.append(RowError(number, None, message))
    return lines, errors


def read_rows(path, fields, required_columns):
    """Read a .csv, .jsonl or .xlsx file into rows holding exactly ``fields``.

    Returns ``(rows, errors)``. Problems with the file as a whole (encoding,
    header) leave no rows; a bad line only drops that line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(
            _("unsupported file type %(suffix)s: use .csv, .jsonl or .xlsx")
            % {"suffix": suffix or '""'}
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            _("cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from exc
    if suffix == ".xlsx":
        return _read_xlsx(path, data, fields, required_columns)
    lines, errors = decode_lines(data)
    if errors:
        return [], errors
    if suffix == ".csv":
        return _read_csv(lines, fields, required_columns)
    return _read_jsonl(lines, fields)


def _check_header(header, fields, required_columns):
    errors = []
    for name in sorted(set(required_columns) - set(header), key=fields.index):
        errors.append(RowError(1, name, _("missing column")))
    seen = set()
    for name in header:
        if name not in fields:
            errors.append(RowError(1, name or '""', _("unknown column")))
        elif name in seen:
            errors.append(RowError(1, name, _("duplicate column")))
        seen.add(name)
    return errors


def _table_row(line, values, header, fields):
    """A Row from one line of a table, or the RowError of a line that has more
    or fewer values than the header."""
    if len(values) != len(header):
        message = _("expected %(expected)d values, found %(found)d") % {
            "expected": len(header),
            "found": len(values),
        }
        return RowError(line, None, message)
    row = dict.fromkeys(fields, "")
    row.update(zip(header, values, strict=True))
    return Row(line, row)


def _read_csv(lines, fields, required_columns):
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return [], [RowError(1, None, _("the file is empty; expected a header row"))]
    errors = _check_header(header, fields, required_columns)
    if errors:
        return [], errors
    rows = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, None, _("cannot read CSV: %(error)s") % {"error": exc}))
            break
        if not any(value.strip() for value in values):
            continue
        result = _table_row(line, values, header, fields)
        (errors if isinstance(result, RowError) else rows).append(result)
    return rows, errors


def _cell_text(value):
    """A spreadsheet cell as the text a CSV would hold: whole numbers without
    ".0" (a "correct" column of 1 is "1"), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path, data, fields, required_columns):
    """The first worksheet of a workbook: row 1 is the header, and each row
    keeps its spreadsheet row number as its line. Formulas give their last
    computed value; empty rows and empty columns to the right are ignored."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            _("cannot read %(file)s as an Excel workbook (.xlsx)") % {"file": path}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        table = [
            (line, [_cell_text(value) for value in values])
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    if not table:
        return [], [RowError(1, None, _("the file is empty; expected a header row"))]
    _line, header = table[0]
    header = [name.strip() for name in header]
    while header and not header[-1]:
        header.pop()
    if not header:
        return [], [RowError(1, None, _("the file is empty; expected a header row"))]
    errors = _check_header(header, fields, required_columns)
    if errors:
        return [], errors
    rows = []
    for line, values in table[1:]:
        if not any(value.strip() for value in values):
            continue
        # A sheet is as wide as its widest row: drop the empty cells beyond the
        # header, keep any with a value so the line is reported.
        while len(values) > len(header) and not values[-1].strip():
            values.pop()
        values += [""] * (len(header) - len(values))
        result = _table_row(line, values, header, fields)
        (errors if isinstance(result, RowError) else rows).append(result)
    return rows, errors


def json_objects(lines):
    """Yield ``(line number, object)`` for each non-blank JSONL line, or a
    ``RowError`` in place of the object when the line is not a JSON object."""
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            message = _("invalid JSON: %(error)s (column %(column)d)") % {
                "error": exc.msg,
                "column": exc.colno,
            }
            yield line, RowError(line, None, message)
            continue
        if not isinstance(obj, dict):
            obj = RowError(line, None, _("expected a JSON object"))
        yield line, obj


def _read_jsonl(lines, fields):
    rows, errors = [], []
    for line, obj in json_objects(lines):
        if isinstance(obj, RowError):
            errors.append(obj)
            continue
        row = dict.fromkeys(fields, "")
        line_errors = []
        for key, value in obj.items():
            if key not in fields:
                line_errors.append(RowError(line, key, _("unknown field")))
            elif value is None:
                continue
            elif not isinstance(value, str):
                line_errors.append(RowError(line, key, _("expected a string")))
            else:
                row[key] = value
        errors.extend(line_errors)
        if not line_errors:
            rows.append(Row(line, row))
    return rows, errors
