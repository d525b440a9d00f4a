"""Log lines an operator's tools can read: one JSON object per line.

``JsonFormatter`` writes ``time`` (UTC, ISO 8601), ``level``, ``logger``,
``message``, ``request_id`` and, when there is one, ``exception`` (the
traceback). Line breaks and other control characters inside a message are
escaped by JSON, so a value from a request can never start a forged line.
``RequestIdFilter`` adds the id of the request being served
(``cms.request_id``) to each record; outside a request it is ``-``.
"""

import json
import logging
from datetime import UTC, datetime

from .request_id import current_request_id

NO_REQUEST = "-"
# JSON leaves these two as they are; some line readers take them as line breaks.
LINE_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id (never drops one)."""

    def filter(self, record):
        record.request_id = current_request_id.get() or NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None)
            or current_request_id.get()
            or NO_REQUEST,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        line = json.dumps(entry, ensure_ascii=False, default=str)
        for character, escaped in LINE_SEPARATORS.items():
            line = line.replace(character, escaped)
        return line
