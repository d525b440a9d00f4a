"""The audience matrix through HTTP: who sees which page, file and image.

Reader apps show whatever the API returns, so every cell is asserted:
listings, details, counts, child listings, files (listing, detail,
download), images and sync, for an anonymous caller, members of the branch,
of its sibling branch, of the parent unit, and a deactivated member.
"""

from django.test import Client
from wagtail.models import Page

from content_types.factories import unit_index
from content_types.models import NewsIndexPage
from editorial.models import MemberStatus

from .conftest import bearer

READABLE = {
    "anonymous": {"public"},
    "branch": {"public", "members", "grassroots", "branch only"},
    "sibling branch": {"public", "members", "grassroots"},
    "parent unit": {"public", "members", "grassroots"},
}


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def names(by_name, found):
    return {name for name, obj in by_name.items() if obj.pk in found}


def test_audience_matrix(api, audience_content, unit_tree):
    # One test over every reader: the content is built once (pages, files, images).
    for reader, expected in READABLE.items():
        check_reader(api(reader), expected, audience_content, unit_tree)


def check_reader(client, expected, audience_content, unit_tree):
    news, documents = audience_content.news, audience_content.documents

    listing = client.get("/api/v2/pages/", {"type": "content_types.NewsArticle"})
    assert names(news, ids(listing)) == expected
    assert listing.json()["meta"]["total_count"] == len(expected)
    assert (
        names(
            documents, ids(client.get("/api/v2/pages/", {"type": "content_types.PartyDocument"}))
        )
        == expected
    )
    # Untyped listing and the unit feed count the same pages.
    feed = client.get("/api/v2/pages/", {"unit": unit_tree.grassroots.pk})
    assert feed.json()["meta"]["total_count"] == 2 * len(expected)
    index = unit_index(unit_tree.grassroots, NewsIndexPage)
    assert names(news, ids(client.get("/api/v2/pages/", {"child_of": index.pk}))) == expected

    for name in news:
        status = 200 if name in expected else 404
        assert client.get(f"/api/v2/pages/{news[name].pk}/").status_code == status, name
        assert client.get(f"/api/v2/pages/{documents[name].pk}/").status_code == status, name

    files, images = audience_content.files, audience_content.images
    assert names(files, ids(client.get("/api/v2/documents/"))) == expected
    assert names(images, ids(client.get("/api/v2/images/"))) == expected
    for name in files:
        status = 200 if name in expected else 404
        assert client.get(f"/api/v2/documents/{files[name].pk}/").status_code == status, name
        assert client.get(f"/api/v2/images/{images[name].pk}/").status_code == status, name
        download = client.get(files[name].url)
        assert download.status_code == status, name

    sync = client.get("/api/sync/")
    assert sync.status_code == 200
    changed = {item["id"] for item in sync.json()["changed"]}
    assert names(news, changed) == expected
    assert names(documents, changed) == expected


def test_a_deactivated_members_token_is_refused(readers, api, audience_content):
    response = api("deactivated").get("/api/v2/pages/")
    assert response.status_code == 401
    assert response.json()["code"] == "inactive_account"


def test_a_deactivated_members_open_session_sees_public_content_only(readers, audience_content):
    client = Client()
    client.force_login(readers["deactivated"])
    found = ids(client.get("/api/v2/pages/", {"type": "content_types.NewsArticle"}))
    assert names(audience_content.news, found) == {"public"}
    assert client.get(f"/api/v2/pages/{audience_content.news['members'].pk}/").status_code == 404
    assert client.get(audience_content.files["members"].url).status_code == 404


def test_a_member_struck_off_after_sign_in_loses_the_token_at_once(readers, audience_content):
    user = readers["branch"]
    headers = bearer(user)
    members_page = audience_content.news["members"]
    assert Client().get(f"/api/v2/pages/{members_page.pk}/", **headers).status_code == 200
    user.member.status = MemberStatus.STRUCK_OFF
    user.member.save()
    assert Client().get(f"/api/v2/pages/{members_page.pk}/", **headers).status_code == 401


def test_drafts_and_unpublished_pages_are_nobodys(api, audience_content):
    page = audience_content.news["public"]
    page.unpublish()
    draft = audience_content.news["members"]
    draft.title = "Bản nháp"
    draft.save_revision()
    client = api("branch")
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    detail = client.get(f"/api/v2/pages/{draft.pk}/").json()
    assert detail["title"] == "Tin members"
    # The image of the now unpublished public page is no longer anybody's.
    assert audience_content.images["public"].pk not in ids(api("anonymous").get("/api/v2/images/"))
    assert not Page.objects.filter(pk=page.pk, live=True).exists()
