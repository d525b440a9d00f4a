"""Compression of responses, minus file downloads.

Django's ``GZipMiddleware`` compresses every response it may, streamed files
included. A download that offers byte ranges (``Accept-Ranges: bytes``) or
answers one (``206`` with ``Content-Range``) must stay as the file's own
bytes: a resumed download asks for the bytes after those it already has, and
appending a gzip stream to them would corrupt the file. Documents and images
are compressed formats already, so little is lost.
"""

from django.middleware import gzip


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's gzip for pages and API answers; files offering ranges go as they are."""

    def process_response(self, request, response):
        if response.has_header("Accept-Ranges") or response.has_header("Content-Range"):
            return response
        return super().process_response(request, response)
