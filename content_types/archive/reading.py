"""Reading an archive file: one JSON object per line, checked for shape only.

What each field may hold (a string, a list of paths, true/false) and which
fields belong to which kind are decided here; what the values mean (a unit,
a date, a symbol) is checked in ``items``.
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from editorial.imports.reading import ImportFileError, RowError, decode_lines, json_objects


class Kind:
    NEWS = "news"
    DOCUMENT = "document"

    ALL = (DOCUMENT, NEWS)


# Every field of a line, and the kinds it applies to.
COMMON_FIELDS = (
    "kind",
    "unit",
    "title",
    "summary",
    "body",
    "audience",
    "published_at",
    "locale",
)
NEWS_FIELDS = ("category", "source_url", "source_name")
DOCUMENT_FIELDS = (
    "number",
    "document_type",
    "issued_on",
    "external_issuer",
    "issuing_body",
    "signer",
    "effective_on",
    "status",
    "attachments",
)
FIELDS_BY_KIND = {
    Kind.NEWS: frozenset(COMMON_FIELDS + NEWS_FIELDS),
    Kind.DOCUMENT: frozenset(COMMON_FIELDS + DOCUMENT_FIELDS),
}
ALL_FIELDS = frozenset(COMMON_FIELDS + NEWS_FIELDS + DOCUMENT_FIELDS)
BOOLEAN_FIELDS = frozenset({"external_issuer"})
LIST_FIELDS = frozenset({"attachments"})
# Kept exactly as given: surrounding spaces may matter in a body's markup.
UNSTRIPPED_FIELDS = frozenset({"body"})


@dataclass
class Line:
    """One object of the file: ``values`` holds the fields given (none empty)."""

    number: int
    values: dict


def read_lines(path):
    """Read ``path`` into ``(lines, errors)``; a line with any error is left out.

    Blank lines are skipped; ``null`` and empty strings count as not given.
    """
    path = Path(path)
    if path.suffix.lower() != ".jsonl":
        raise ImportFileError(
            _("unsupported file type %(suffix)s: use .jsonl") % {"suffix": path.suffix or '""'}
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            _("cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from exc
    texts, errors = decode_lines(data)
    if errors:
        return [], errors
    lines = []
    for number, obj in json_objects(texts):
        if isinstance(obj, RowError):
            errors.append(obj)
            continue
        line, line_errors = _read_object(number, obj)
        errors.extend(line_errors)
        if not line_errors:
            lines.append(line)
    return lines, errors


def _read_object(number, obj):
    errors = []
    values = {}
    kind = obj.get("kind")
    if kind in (None, ""):
        errors.append(RowError(number, "kind", _("this field is required")))
    elif kind not in Kind.ALL:
        errors.append(RowError(number, "kind", _not_valid(kind, Kind.ALL)))
    for name, value in obj.items():
        if name not in ALL_FIELDS:
            errors.append(RowError(number, name, _("unknown field")))
            continue
        if value is None or value == "":
            continue
        if kind in Kind.ALL and name not in FIELDS_BY_KIND[kind]:
            message = (
                _("does not apply to news items")
                if kind == Kind.NEWS
                else _("does not apply to documents")
            )
            errors.append(RowError(number, name, message))
            continue
        error = _type_error(name, value)
        if error:
            errors.append(RowError(number, name, error))
            continue
        if isinstance(value, str) and name not in UNSTRIPPED_FIELDS:
            value = value.strip()
            if not value:
                continue
        values[name] = value
    return Line(number, values), errors


def _type_error(name, value):
    if name in BOOLEAN_FIELDS:
        return None if isinstance(value, bool) else _("expected true or false")
    if name in LIST_FIELDS:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return _("expected a list of file paths")
        return None
    if not isinstance(value, str):
        return _("expected a string")
    if "\x00" in value:
        return _("contains a NUL character")
    return None


def _not_valid(value, choices):
    return _('"%(value)s" is not valid; expected one of: %(choices)s') % {
        "value": value,
        "choices": ", ".join(choices),
    }
