"""Reading .csv and .jsonl import files into rows, and the types that report on them."""

import codecs
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

BATCH_SIZE = 1000
# bulk_update builds one CASE WHEN per field over the whole batch.
UPDATE_BATCH_SIZE = 500
# Keeps `IN (...)` lookups well under SQLite's bound-parameter limit.
LOOKUP_CHUNK = 2000


class ImportFileError(Exception):
    """The file cannot be read at all (missing, or not .csv / .jsonl)."""


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


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _decode_lines(data):
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
    """Read a .csv or .jsonl file into rows holding exactly ``fields``.

    Returns ``(rows, errors)``. Problems with the file as a whole (encoding,
    CSV header) leave no rows; a bad line only drops that line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise ImportFileError(
            _("unsupported file type %(suffix)s: use .csv or .jsonl") % {"suffix": suffix or '""'}
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            _("cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from exc
    lines, errors = _decode_lines(data)
    if errors:
        return [], errors
    if suffix == ".csv":
        return _read_csv(lines, fields, required_columns)
    return _read_jsonl(lines, fields)


def _read_csv(lines, fields, required_columns):
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return [], [RowError(1, None, _("the file is empty; expected a header row"))]
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
        if len(values) != len(header):
            message = _("expected %(expected)d values, found %(found)d") % {
                "expected": len(header),
                "found": len(values),
            }
            errors.append(RowError(line, None, message))
            continue
        row = dict.fromkeys(fields, "")
        row.update(zip(header, values, strict=True))
        rows.append(Row(line, row))
    return rows, errors


def _read_jsonl(lines, fields):
    rows, errors = [], []
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
            errors.append(RowError(line, None, message))
            continue
        if not isinstance(obj, dict):
            errors.append(RowError(line, None, _("expected a JSON object")))
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
