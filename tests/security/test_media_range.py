# The API tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""Issue 15, byte ranges: a ``Range`` or conditional request must not get
around the audience of a file. The audience check comes first, so a caller
who may not read a file gets the same 404 for a range, an unsatisfiable range
(a 416 would tell the file's size in ``Content-Range``), a conditional request
(a 304 would confirm its version) or a ``HEAD``, on ``/media/`` and on
``/documents/``, with nginx in front or without.

Every test replays the request over HTTP against PostgreSQL and checks that
the permitted reader still gets the bytes.
"""

import os
from urllib.parse import quote

import pytest
from django.test import override_settings

from content_types.factories import publish_document
from content_types.models import Audience
from tests.api.conftest import (  # noqa: F401 (fixtures, registered by their names)
    _fresh_throttles,
    api,
    make_file,
    readers,
)

RANGES = [
    "bytes=0-",
    "bytes=0-0",
    "bytes=-1",
    "bytes=4-9",
    "bytes=99999999-",  # past the end: a 416 would carry "bytes */<size>"
    "bytes=0-1,4-5",
    "bytes=-0",
]


@pytest.fixture
def restricted(unit_tree):
    """A members-only document and a document of the branch DT-X1-C1 only."""
    members, branch_only = make_file("members-only"), make_file("branch-only")
    for document in (members, branch_only):
        document.get_file_hash()
    publish_document(unit_tree.grassroots, "71-NQ/ĐU", audience=Audience.MEMBERS, files=[members])
    publish_document(
        unit_tree.grassroots,
        "72-NQ/ĐU",
        audience=Audience.UNIT,
        units=[unit_tree.branch],
        files=[branch_only],
    )
    return {"members": members, "branch only": branch_only}


def addresses(document):
    return {"document": document.url, "media": "/media/" + quote(document.file.name)}


def content_of(document):
    with document.file.open("rb") as stored:
        return stored.read()


def assert_refused(response, where):
    assert response.status_code == 404, where
    for header in ("Content-Range", "Accept-Ranges", "Last-Modified", "X-Accel-Redirect"):
        assert not response.has_header(header), (where, header)
    assert b"%PDF" not in response.content, where


@pytest.mark.parametrize(
    ("reader", "name"),
    [
        ("anonymous", "members"),
        ("deactivated", "members"),
        ("anonymous", "branch only"),
        ("sibling branch", "branch only"),
        ("parent unit", "branch only"),
    ],
)
def test_a_range_of_a_file_the_reader_may_not_read_is_404(api, restricted, reader, name):
    document = restricted[name]
    client = api(reader)
    for kind, address in addresses(document).items():
        for header in RANGES:
            assert_refused(client.get(address, HTTP_RANGE=header), (kind, header))
            assert_refused(client.head(address, HTTP_RANGE=header), (kind, "HEAD", header))
        # Knowing the file's tag or date (from an earlier, permitted download) changes nothing.
        tag, date = f'"{document.file_hash}"', "Tue, 01 Jan 2030 00:00:00 GMT"
        for conditional in (
            {"HTTP_IF_NONE_MATCH": tag},
            {"HTTP_IF_MODIFIED_SINCE": date},
            {"HTTP_IF_RANGE": tag, "HTTP_RANGE": "bytes=0-"},
            {"HTTP_IF_MATCH": '"other"'},
        ):
            assert_refused(client.get(address, **conditional), (kind, conditional))


def test_the_permitted_reader_gets_the_range(api, restricted):
    """The same requests, by a member the files are meant for."""
    for name, document in restricted.items():
        content = content_of(document)
        client = api("branch")
        for kind, address in addresses(document).items():
            response = client.get(address, HTTP_RANGE="bytes=4-9")
            assert response.status_code == 206, (name, kind)
            assert b"".join(response.streaming_content) == content[4:10]
            response = client.get(address, HTTP_RANGE="bytes=99999999-")
            assert response.status_code == 416, (name, kind)
            assert response["Content-Range"] == f"bytes */{len(content)}"


@override_settings(MEDIA_ACCEL_REDIRECT="/protected-media/")
def test_nginx_is_never_handed_a_file_the_reader_may_not_read(api, restricted):
    """With nginx in front it answers the ranges itself: the app must hand it
    only files the caller may read, whatever the request's headers."""
    anonymous, member = api("anonymous"), api("branch")
    for document in restricted.values():
        for kind, address in addresses(document).items():
            for header in RANGES:
                assert_refused(anonymous.get(address, HTTP_RANGE=header), (kind, header))
            granted = member.get(address, HTTP_RANGE="bytes=0-")
            assert granted["X-Accel-Redirect"] == "/protected-media/" + quote(document.file.name)


def test_a_range_through_a_symbolic_link_is_404(api, restricted, unit_tree):
    """A public document whose stored file was replaced by a link to a
    members-only file: no part of the target comes out, on either address."""
    public = make_file("public-link-range")
    publish_document(unit_tree.grassroots, "73-NQ/ĐU", files=[public])
    anonymous = api("anonymous")
    assert anonymous.get(public.url, HTTP_RANGE="bytes=0-3").status_code == 206

    os.remove(public.file.path)
    os.symlink(restricted["members"].file.path, public.file.path)
    for kind, address in addresses(public).items():
        for header in RANGES:
            assert_refused(anonymous.get(address, HTTP_RANGE=header), (kind, header))
