"""A file's address does not bypass the audience: image originals, their
renditions and document files under /media/ answer 404 to callers who may not
read any page that uses them."""

import pytest
from django.test import override_settings

MEDIA = "/media/"


def media_paths(content, name):
    image = content.images[name]
    rendition = image.get_rendition("fill-40x30")
    return {
        "original": MEDIA + image.file.name,
        "rendition": MEDIA + rendition.file.name,
        "document": MEDIA + content.files[name].file.name,
    }


@pytest.mark.parametrize(
    ("reader", "name", "status"),
    [
        ("anonymous", "public", 200),
        ("anonymous", "members", 404),
        ("anonymous", "grassroots", 404),
        ("branch", "members", 200),
        ("branch", "branch only", 200),
        ("sibling branch", "branch only", 404),
        ("sibling branch", "grassroots", 200),
        ("deactivated", "members", 404),
    ],
)
def test_media_files_follow_the_audience(api, audience_content, reader, name, status):
    client = api(reader)
    for kind, path in media_paths(audience_content, name).items():
        response = client.get(path)
        assert response.status_code == status, (kind, path)


def test_unknown_files_are_404(client, db):
    assert client.get("/media/original_images/nothing.png").status_code == 404
    assert client.get("/media/../cms/settings/base.py").status_code in (400, 404)


@override_settings(MEDIA_ACCEL_REDIRECT="/protected-media/")
def test_production_hands_the_bytes_to_the_web_server(api, audience_content):
    path = media_paths(audience_content, "public")["original"]
    response = api("anonymous").get(path)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + path.removeprefix(MEDIA)
    assert (
        api("anonymous").get(media_paths(audience_content, "members")["original"]).status_code
        == 404
    )


def test_editors_see_their_collections_files_in_the_admin(
    client, audience_content, unit_tree, board_user, admin_user
):
    paths = media_paths(audience_content, "branch only")
    client.force_login(admin_user)
    assert client.get(paths["original"]).status_code == 200
    assert client.get(paths["document"]).status_code == 200

    # An editor of another district's board has no rights on the root collection's files.
    outsider = board_user(unit_tree.district_2)
    client.force_login(outsider)
    assert client.get(paths["original"]).status_code == 404
