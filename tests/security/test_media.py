# The API tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""Issue 13, files: the ``/media/`` and ``/documents/`` addresses, files nobody
has published, and page details that must change when their files do.

Every test replays the attack over HTTP against PostgreSQL and checks that
the legitimate address still answers.
"""

import os
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from content_types.factories import publish_document
from content_types.models import Audience, DocumentAttachment, PartyDocument
from tests.api.conftest import (  # noqa: F401 (fixtures, registered by their names)
    _fresh_throttles,
    api,
    audience_content,
    make_file,
    make_image,
    publish_news,
    readers,
)
from tests.content_types.test_documents import make_pdf

MEDIA = "/media/"


def dot_segment_variants(name):
    """Addresses a file server normalises to ``name`` while a prefix check does not."""
    folder, rest = name.split("/", 1)
    return [
        f"{MEDIA}./{name}",
        f"{MEDIA}%2e/{name}",
        f"{MEDIA}%2E/{name}",
        f"{MEDIA}{folder}/./{rest}",
        f"{MEDIA}{folder}/../{folder}/{rest}",
        f"{MEDIA}{folder}/%2e%2e/{folder}/{rest}",
        f"{MEDIA}/{name}",
        f"{MEDIA}{folder}//{rest}",
        f"{MEDIA}{folder}\\{rest}",
        f"{MEDIA}{folder}%5c{rest}",
        f"{MEDIA}{name}%00",
        f"{MEDIA}{name}/",
        f"{MEDIA}x/../{name}",
    ]


def media_names(content, name):
    image = content.images[name]
    return {
        "original": image.file.name,
        "rendition": image.get_rendition("fill-40x30").file.name,
        "document": content.files[name].file.name,
    }


def test_dot_segments_and_other_non_canonical_addresses_are_404(api, audience_content):
    """issue 13 #1: /media/./documents/<restricted>.pdf, /media/%2e/original_images/...
    and /media/%2E/images/<rendition> answered 200 to anonymous callers."""
    anonymous = api("anonymous")
    for audience in ("members", "public"):
        for kind, name in media_names(audience_content, audience).items():
            for address in dot_segment_variants(name):
                response = anonymous.get(address)
                assert response.status_code == 404, (audience, kind, address)
                assert not response.has_header("X-Accel-Redirect")
    # The canonical addresses keep following the audience.
    for kind, name in media_names(audience_content, "public").items():
        assert anonymous.get(MEDIA + name).status_code == 200, kind
    for kind, name in media_names(audience_content, "members").items():
        assert anonymous.get(MEDIA + name).status_code == 404, kind
        assert api("branch").get(MEDIA + name).status_code == 200, kind


def test_encoded_slashes_in_the_raw_request_line_are_404(api, audience_content):
    """issue 13 #1: /media/documents%2f<file> (gunicorn decodes PATH_INFO and
    keeps the request line in RAW_URI)."""
    name = audience_content.files["public"].file.name
    folder, rest = name.split("/", 1)
    anonymous = api("anonymous")
    for raw in (f"{MEDIA}{folder}%2f{rest}", f"{MEDIA}{folder}%2F{rest}", f"{MEDIA}%2e/{name}"):
        assert anonymous.get(raw, RAW_URI=raw).status_code == 404, raw
    assert anonymous.get(MEDIA + name, RAW_URI=MEDIA + name).status_code == 200


def test_files_no_object_owns_are_404(client, audience_content):
    """issue 13 #1: no "other files are served unguarded" fallback: a file in
    the media folder that is no image, rendition, document or avatar is a 404,
    and so are addresses that leave the folder."""
    root = settings.MEDIA_ROOT
    os.makedirs(os.path.join(root, "exports"), exist_ok=True)
    for name in ("exports/members.csv", "documents/orphan.pdf"):
        with open(os.path.join(root, name), "w") as stray:
            stray.write("secret")
        assert client.get(MEDIA + name).status_code == 404, name
    assert client.get(f"{MEDIA}../cms/settings/base.py").status_code == 404
    assert client.get(f"{MEDIA}documents/../../cms/settings/base.py").status_code == 404


def test_symbolic_links_are_not_followed(api, audience_content, unit_tree):
    """issue 13 #1: a public document whose stored file is a symbolic link (to a
    restricted file, or through a linked folder) is a 404 on /media/ and on
    /documents/."""
    anonymous = api("anonymous")
    secret = audience_content.files["members"].file.path
    public_file = make_file("public-link")
    publish_document(unit_tree.grassroots, "90-NQ/ĐU", files=[public_file])
    assert anonymous.get(MEDIA + public_file.file.name).status_code == 200
    assert anonymous.get(public_file.url).status_code == 200

    os.remove(public_file.file.path)
    os.symlink(secret, public_file.file.path)
    assert anonymous.get(MEDIA + public_file.file.name).status_code == 404
    assert anonymous.get(public_file.url).status_code == 404

    linked_folder = os.path.join(settings.MEDIA_ROOT, "documents", "linked-folder")
    if not os.path.lexists(linked_folder):
        os.symlink(os.path.dirname(secret), linked_folder)
    name = "documents/linked-folder/" + os.path.basename(secret)
    get_document_model().objects.filter(pk=public_file.pk).update(file=name)
    assert anonymous.get(MEDIA + name).status_code == 404


@override_settings(MEDIA_ACCEL_REDIRECT="/protected-media/")
def test_the_web_server_is_handed_the_canonical_stored_name(api, unit_tree):
    """issue 13 #1: X-Accel-Redirect carries only the object's own stored name,
    URL-quoted (Vietnamese names included), never the address as asked."""
    document = get_document_model().objects.create(
        title="Phụ lục", file=ContentFile(make_pdf("phu luc"), name="phụ lục số 1.pdf")
    )
    publish_document(unit_tree.grassroots, "91-NQ/ĐU", files=[document])
    name = document.file.name
    anonymous = api("anonymous")
    response = anonymous.get(MEDIA + quote(name))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(name)
    assert response["X-Accel-Redirect"].isascii()
    assert anonymous.get(f"{MEDIA}./{quote(name)}").status_code == 404


def test_a_file_nobody_published_is_nobodys_but_its_editors(
    api, client, audience_content, unit_tree, board_user, admin_user
):
    """issue 13 #3: a just-uploaded file, used by no live page, was listed in
    /api/v2/documents/ and /api/v2/images/ and downloadable by anyone."""
    document, image = make_file("chua-dung"), make_image("chua-dung")
    addresses = [
        f"/api/v2/documents/{document.pk}/",
        f"/api/v2/images/{image.pk}/",
        document.url,
        MEDIA + document.file.name,
        MEDIA + image.file.name,
        MEDIA + image.get_rendition("fill-40x30").file.name,
    ]
    for reader in ("anonymous", "branch"):
        reader_client = api(reader)
        assert document.pk not in listed(reader_client, "/api/v2/documents/")
        assert image.pk not in listed(reader_client, "/api/v2/images/")
        for address in addresses:
            assert reader_client.get(address).status_code == 404, (reader, address)
    # A public page's file stays public.
    assert audience_content.files["public"].pk in listed(api("anonymous"), "/api/v2/documents/")

    # Editors of the file's collection keep it (thumbnails, choosers, downloads);
    # an editor of another district does not.
    client.force_login(admin_user)
    for address in addresses[2:]:
        assert client.get(address).status_code == 200, address
    outsider = Client()
    outsider.force_login(board_user(unit_tree.district_2))
    assert outsider.get(document.url).status_code == 404


def test_a_file_attached_to_a_draft_is_hidden_until_published(api, client, unit_tree, admin_user):
    """issue 13 #3: an attachment added to a pending draft of a unit-only page
    was listed and downloadable for the whole review."""
    page = publish_document(unit_tree.grassroots, "92-NQ/ĐU", audience=Audience.UNIT)
    attachment = make_file("du-thao")
    draft = PartyDocument.objects.get(pk=page.pk)
    draft.attachments.add(DocumentAttachment(document=attachment))
    draft.save_revision()

    addresses = [f"/api/v2/documents/{attachment.pk}/", attachment.url]
    addresses.append(MEDIA + attachment.file.name)
    for reader in ("anonymous", "branch", "sibling branch"):
        reader_client = api(reader)
        assert attachment.pk not in listed(reader_client, "/api/v2/documents/"), reader
        for address in addresses:
            assert reader_client.get(address).status_code == 404, (reader, address)
    client.force_login(admin_user)
    assert client.get(attachment.url).status_code == 200

    # Published: the page's readers get it, nobody else.
    draft.get_latest_revision().publish()
    for reader, status in (("branch", 200), ("sibling branch", 200), ("anonymous", 404)):
        reader_client = api(reader)
        for address in addresses:
            assert reader_client.get(address).status_code == status, (reader, address)
        assert (attachment.pk in listed(reader_client, "/api/v2/documents/")) == (status == 200)


@pytest.mark.parametrize("listing", ["/api/v2/documents/", "/api/v2/images/"])
def test_file_listings_cost_a_fixed_number_of_queries(api, unit_tree, listing):
    """issue 13 #3: the "used on a live page the caller may read" rule stays one
    query per listing, whatever the number of files."""
    reader = api("branch")

    def publish(count, start):
        for number in range(start, start + count):
            image, document = make_image(f"q-{number}"), make_file(f"q-{number}")
            publish_news(unit_tree.grassroots, f"Tin {number}", image=image)
            publish_document(unit_tree.grassroots, f"{number + 50}-NQ/ĐU", files=[document])

    publish(1, 1)
    listed(reader, listing)  # warm: content types, the token's last use
    with CaptureQueriesContext(connection) as few:
        assert len(listed(reader, listing)) == 1
    publish(4, 2)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(reader, listing)) == 5
    assert len(many) == len(few)


def listed(client, address):
    response = client.get(address)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_a_page_detail_changes_when_its_files_do(client, unit_tree):
    """issue 13 #13: after an attachment or an image changed (title, new file),
    the page detail kept answering 304 with the old data."""
    attachment = make_file("phu-luc")
    document_page = publish_document(unit_tree.grassroots, "93-NQ/ĐU", files=[attachment])
    image = make_image("anh-bia")
    news = publish_news(unit_tree.grassroots, "Tin có ảnh", image=image)

    address = f"/api/v2/pages/{document_page.pk}/"
    etag = client.get(address)["ETag"]
    assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 304
    attachment.title = "Phụ lục (bản sửa)"
    attachment.save()
    fresh = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["attachments"][0]["title"] == "Phụ lục (bản sửa)"
    etag = fresh["ETag"]
    attachment.file = ContentFile(make_pdf("new"), name="phu-luc-moi.pdf")
    attachment.save()
    fresh = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["attachments"][0]["url"].endswith(attachment.url)

    address = f"/api/v2/pages/{news.pk}/"
    etag = client.get(address)["ETag"]
    assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 304
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width = image.focal_point_height = 5
    image.save()
    assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_if_none_match_star_matches_only_a_page_that_exists(api, audience_content):
    """issue 13 #13: If-None-Match: * answered 304 for a page that does not exist."""
    anonymous = api("anonymous")
    star = {"HTTP_IF_NONE_MATCH": "*"}
    assert anonymous.get("/api/v2/pages/999999/", **star).status_code == 404
    assert anonymous.get("/api/v2/pages/99999999999999999999/", **star).status_code == 404
    hidden = audience_content.news["members"]
    assert anonymous.get(f"/api/v2/pages/{hidden.pk}/", **star).status_code == 404
    assert api("branch").get(f"/api/v2/pages/{hidden.pk}/", **star).status_code == 304
    shown = audience_content.news["public"]
    assert anonymous.get(f"/api/v2/pages/{shown.pk}/", **star).status_code == 304
    assert anonymous.get("/api/v2/pages/", **star).status_code == 304
