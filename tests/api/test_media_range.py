"""Resumable downloads: documents and media answer HTTP byte ranges when Django
sends the file (development, tests, a deployment without nginx), and are
handed to nginx with ``X-Accel-Redirect`` when ``MEDIA_ACCEL_REDIRECT`` is set.

A member on a weak network who loses the connection halfway through a 20 MB
document asks for the rest and gets exactly the missing bytes.
"""

import hashlib
import os
import tracemalloc
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils.http import http_date
from wagtail.documents import get_document_model

from content_types.factories import publish_document
from tests.api.conftest import make_file
from tests.pdf import pdf_file, stream

MEDIA = "/media/"
SIZE = 20 * 1024 * 1024


def make_large_pdf(payload):
    """A valid one-page PDF that also carries ``payload`` in an unused stream,
    as a scanned annex would: the text extraction still reads it."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            stream(payload),
        ]
    )


@pytest.fixture
def large_document(unit_tree):
    """A public 20 MB document (random bytes: nothing compresses or repeats)."""
    content = make_large_pdf(os.urandom(SIZE))
    document = get_document_model().objects.create(
        title="Văn kiện đại hội", file=ContentFile(content, name="van kien dai hoi.pdf")
    )
    publish_document(unit_tree.grassroots, "81-NQ/ĐU", files=[document])
    return document, content


@pytest.fixture
def small_document(unit_tree):
    document = make_file("quy-dinh")
    document.get_file_hash()  # as an upload through the admin stores it
    publish_document(unit_tree.grassroots, "82-NQ/ĐU", files=[document])
    with document.file.open("rb") as stored:
        return document, stored.read()


def addresses(document):
    return {"document": document.url, "media": MEDIA + quote(document.file.name)}


def body(response):
    return b"".join(response.streaming_content)


def test_a_broken_download_resumes_where_it_stopped(client, large_document):
    document, content = large_document
    for kind, address in addresses(document).items():
        # The browser sends gzip in Accept-Encoding: the bytes must still be the file's.
        first = client.get(address, HTTP_RANGE="bytes=0-", HTTP_ACCEPT_ENCODING="gzip")
        assert first.status_code == 206, kind
        assert first["Content-Range"] == f"bytes 0-{len(content) - 1}/{len(content)}"
        assert not first.has_header("Content-Encoding"), kind
        # The connection drops after 7 MB and a bit: the phone keeps what it got.
        received = body(first)[:7_000_001]

        rest = client.get(
            address,
            HTTP_RANGE=f"bytes={len(received)}-",
            HTTP_IF_RANGE=first["ETag"],
            HTTP_ACCEPT_ENCODING="gzip",
        )
        assert rest.status_code == 206, kind
        assert rest["Content-Range"] == (
            f"bytes {len(received)}-{len(content) - 1}/{len(content)}"
        )
        assert int(rest["Content-Length"]) == len(content) - len(received)
        assert not rest.has_header("Content-Encoding"), kind
        assert received + body(rest) == content, kind


def test_a_whole_download_offers_ranges_and_keeps_the_documents_headers(client, large_document):
    document, content = large_document
    response = client.get(document.url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert int(response["Content-Length"]) == len(content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{document.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    # Wagtail's own view sent a literal "Content-Encoding: None" (issue 16).
    assert not response.has_header("Content-Encoding")
    assert hashlib.sha256(body(response)).digest() == hashlib.sha256(content).digest()

    # Media: the type from the name, and the same ranges.
    media = client.get(addresses(document)["media"])
    assert media["Accept-Ranges"] == "bytes"
    assert media["Content-Type"] == "application/pdf"


def test_a_large_range_is_streamed_not_read_into_memory(client, large_document):
    document, content = large_document
    for address in addresses(document).values():
        tracemalloc.start()
        try:
            response = client.get(address, HTTP_RANGE="bytes=1000-")
            digest = hashlib.sha256()
            for chunk in response.streaming_content:
                digest.update(chunk)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert digest.digest() == hashlib.sha256(content[1000:]).digest()
        assert peak < 4 * 1024 * 1024, f"{peak} bytes held to send {len(content)}"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, None),
        ("bytes=-50", -50, None),
        ("bytes=10-10", 10, 10),
        ("bytes=200-999999999", 200, None),  # past the end: up to the last byte
        ("bytes=-999999999", 0, None),  # a suffix longer than the file: all of it
    ],
)
def test_one_range_answers_exactly_those_bytes(client, small_document, header, start, end):
    document, content = small_document
    expected = content[start : None if end is None else end + 1]
    first = len(content) + start if start < 0 else start
    for kind, address in addresses(document).items():
        response = client.get(address, HTTP_RANGE=header)
        assert response.status_code == 206, (kind, header)
        assert body(response) == expected, (kind, header)
        last = first + len(expected) - 1
        assert response["Content-Range"] == f"bytes {first}-{last}/{len(content)}"
        assert int(response["Content-Length"]) == len(expected)


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-9,20-29",  # several ranges: the whole file is a valid answer
        "bytes=9-0",  # last before first: not a range
        "bytes=-",
        "items=0-9",
        "bytes=abc-",
    ],
)
def test_several_or_unreadable_ranges_answer_the_whole_file(client, small_document, header):
    document, content = small_document
    for kind, address in addresses(document).items():
        response = client.get(address, HTTP_RANGE=header)
        assert response.status_code == 200, (kind, header)
        assert body(response) == content, (kind, header)


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0"])
def test_a_range_past_the_end_is_416_with_the_size(client, small_document, header):
    document, content = small_document
    header = header.format(size=len(content))
    for kind, address in addresses(document).items():
        response = client.get(address, HTTP_RANGE=header)
        assert response.status_code == 416, (kind, header)
        assert response["Content-Range"] == f"bytes */{len(content)}"
        assert response.content == b""


def test_if_range_sends_the_whole_file_once_it_changed(client, small_document):
    document, content = small_document
    for kind, address in addresses(document).items():
        whole = client.get(address)
        etag, modified = whole["ETag"], whole["Last-Modified"]
        assert etag.startswith('"') and modified
        for validator in (etag, modified):
            part = client.get(address, HTTP_RANGE="bytes=4-", HTTP_IF_RANGE=validator)
            assert part.status_code == 206, (kind, validator)
            assert body(part) == content[4:]
        older = http_date(os.stat(document.file.path).st_mtime - 3600)
        for stale in ('"another-version"', "W/" + etag, older):
            response = client.get(address, HTTP_RANGE="bytes=4-", HTTP_IF_RANGE=stale)
            assert response.status_code == 200, (kind, stale)
            assert body(response) == content


def test_a_cached_copy_is_confirmed_without_the_bytes(client, small_document):
    document, _content = small_document
    etag = client.get(document.url)["ETag"]
    # Wagtail's tag for a document is its content hash: caches made before still match.
    assert etag == f'"{document.file_hash}"'
    for address in addresses(document).values():
        tag = client.get(address)["ETag"]
        response = client.get(address, HTTP_IF_NONE_MATCH=tag, HTTP_RANGE="bytes=0-9")
        assert response.status_code == 304
        assert response.content == b""


@override_settings(MEDIA_ACCEL_REDIRECT="/protected-media/")
def test_documents_are_handed_to_nginx_with_their_type_and_name(unit_tree):
    """With nginx in front, /documents/ and /media/ both answer with
    ``X-Accel-Redirect`` to the internal location (deploy/nginx): nginx sends
    the bytes and answers the ranges; the document's headers come from here."""
    document = get_document_model().objects.create(
        title="Phụ lục", file=ContentFile(b"PK\x03\x04 docx", name="phụ lục.docx")
    )
    publish_document(unit_tree.grassroots, "83-NQ/ĐU", files=[document])
    client = Client()
    response = client.get(document.url, HTTP_RANGE="bytes=100-")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(document.file.name)
    assert response["Content-Type"] == document.content_type
    assert document.content_type.endswith("wordprocessingml.document")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote(document.filename)
    )
    assert response.content == b""
    assert not response.has_header("Content-Encoding")

    media = client.get(MEDIA + quote(document.file.name), HTTP_RANGE="bytes=100-")
    assert media["X-Accel-Redirect"] == response["X-Accel-Redirect"]
    assert media.content == b""
