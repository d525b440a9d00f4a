"""A file from disk with HTTP byte ranges: resumable downloads without nginx.

A member on a weak network who loses the connection 15 MB into a 20 MB
document asks again for the bytes after those already received
(``Range: bytes=15728640-``) instead of starting over. nginx answers that
itself in production (after ``X-Accel-Redirect``); this module answers it
when Django sends the file: in development, in tests and on a deployment
without nginx. It follows RFC 9110 (sections 13 and 14):

- every answer offers ranges (``Accept-Ranges: bytes``) and carries an
  ``ETag`` and ``Last-Modified``; ``If-None-Match`` and ``If-Modified-Since``
  answer 304 without opening the file;
- one range (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``) answers ``206`` with
  ``Content-Range`` and exactly those bytes, read from the file in chunks;
- a range that starts past the end answers ``416`` with
  ``Content-Range: bytes */<size>``;
- ``If-Range`` with a validator that no longer matches (the file changed since
  the first part was downloaded) answers the whole file, as do several ranges
  at once and a ``Range`` header that cannot be parsed.

Which file may be sent to whom is decided before (``api.media``).
"""

import os
import re
from typing import NamedTuple

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe, quote_etag

CHUNK_SIZE = 64 * 1024
_SINGLE_RANGE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeNotSatisfiable(Exception):
    """The requested range lies wholly outside the file."""


class ByteRange(NamedTuple):
    start: int
    end: int  # the last byte, included

    @property
    def length(self):
        return self.end - self.start + 1


def requested_range(header, size):
    """The ``ByteRange`` a ``Range`` header asks of a file of ``size`` bytes;
    None when the whole file is to be sent (no header, an unparsable one, or
    several ranges). Raises ``RangeNotSatisfiable`` for a range past the end."""
    match = _SINGLE_RANGE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def if_range_holds(header, etag, modified):
    """Whether ``If-Range`` (absent, an entity tag or a date) still names this
    version of the file: only then may a part of it be sent."""
    if header is None:
        return True
    header = header.strip()
    if header.startswith(('"', "W/")):
        return header == etag  # a strong comparison: a weak tag never matches
    return parse_http_date_safe(header) == modified


def _file_slice(path, byte_range):
    with open(path, "rb") as stored:
        stored.seek(byte_range.start)
        remaining = byte_range.length
        while remaining > 0:
            chunk = stored.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def file_response(request, path, content_type, etag=None):
    """The answer that sends the file at ``path`` (already checked as safe to
    send to this caller): whole, one range, 304, 412 or 416 as the request's
    headers ask. ``etag``: the file's own tag (a content hash) when it has one;
    else one is made from its modification time and size, as nginx does."""
    status = os.stat(path)
    size, modified = status.st_size, int(status.st_mtime)
    etag = quote_etag(etag or f"{modified:x}-{size:x}")

    validators = HttpResponse(content_type=content_type)
    validators["ETag"] = etag
    validators["Last-Modified"] = http_date(modified)
    conditional = get_conditional_response(request, etag, modified, validators)
    if conditional is not validators:
        return conditional

    byte_range = None
    if request.method in ("GET", "HEAD") and if_range_holds(
        request.headers.get("If-Range"), etag, modified
    ):
        try:
            byte_range = requested_range(request.headers.get("Range"), size)
        except RangeNotSatisfiable:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response

    if byte_range is None:
        # The response closes the file once it is sent.
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
    else:
        response = StreamingHttpResponse(
            _file_slice(path, byte_range), status=206, content_type=content_type
        )
        response["Content-Length"] = str(byte_range.length)
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    return response
