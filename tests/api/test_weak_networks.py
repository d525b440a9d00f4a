"""Weak networks: revalidation with 304, cache headers, gzip, and delta sync.

Phones on costly connections rely on: a listing they hold answering 304 until
something in it changes; member content never kept by shared caches; and
``/api/sync/`` returning exactly what changed, was unpublished or deleted
since their cursor, within what they may read.
"""

import gzip

from django.test import override_settings

from content_types.models import Audience, PageListing

from .conftest import bearer, publish_news

NEWS = {"type": "content_types.NewsArticle"}


def test_listings_and_details_revalidate_with_304(client, unit_tree):
    article = publish_news(unit_tree.grassroots, "Tin đầu")
    first = client.get("/api/v2/pages/", NEWS)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"].startswith("public")
    assert client.get("/api/v2/pages/", NEWS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v2/pages/", NEWS, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # gzip weakens the tag; the weak form matches too.
    assert client.get("/api/v2/pages/", NEWS, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304

    detail = client.get(f"/api/v2/pages/{article.pk}/")
    assert (
        client.get(f"/api/v2/pages/{article.pk}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code
        == 304
    )

    article.title = "Tin đầu (sửa)"
    article.save_revision().publish()
    assert client.get("/api/v2/pages/", NEWS, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert (
        client.get(f"/api/v2/pages/{article.pk}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code
        == 200
    )

    listing = client.get("/api/v2/pages/", NEWS)
    publish_news(unit_tree.grassroots, "Tin thứ hai")
    assert (
        client.get("/api/v2/pages/", NEWS, HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200
    )


def test_member_content_is_private_and_responses_are_compressed(client, readers, unit_tree):
    for n in range(5):
        publish_news(unit_tree.grassroots, f"Tin nội bộ {n}", Audience.MEMBERS)
    response = client.get(
        "/api/v2/pages/", NEWS, HTTP_ACCEPT_ENCODING="gzip", **bearer(readers["branch"])
    )
    assert response["Cache-Control"].startswith("private")
    assert "Authorization" in response["Vary"]
    assert response["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(response.content)) > len(response.content)
    # The anonymous view of the same URL is a different ETag: no member content leaks by cache.
    anonymous = client.get("/api/v2/pages/", NEWS)
    assert anonymous["ETag"] != response["ETag"].removeprefix("W/")
    assert anonymous.json()["meta"]["total_count"] == 0


def sync(client, cursor=None, **headers):
    response = client.get("/api/sync/", {"since": cursor} if cursor else {}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["cursor"], {item["id"] for item in body["changed"]}, set(body["removed"])


@override_settings(API_SYNC_MARGIN_SECONDS=0)  # no re-sending of the last seconds
def test_sync_cursor_across_publish_edit_unpublish_and_delete(client, readers, unit_tree):
    headers = bearer(readers["branch"])
    kept = publish_news(unit_tree.grassroots, "Giữ lại")
    edited = publish_news(unit_tree.grassroots, "Sẽ sửa")
    hidden = publish_news(unit_tree.grassroots, "Sẽ gỡ", Audience.MEMBERS)
    deleted = publish_news(unit_tree.grassroots, "Sẽ xoá")
    narrowed = publish_news(unit_tree.grassroots, "Sẽ thu hẹp")
    secret = publish_news(unit_tree.district_2, "Của huyện khác", Audience.UNIT)

    cursor, changed, removed = sync(client, **headers)
    assert changed == {kept.pk, edited.pk, hidden.pk, deleted.pk, narrowed.pk}
    assert removed == set()
    anon_cursor, anon_changed, _ = sync(client)
    assert hidden.pk not in anon_changed and secret.pk not in anon_changed

    # Nothing happened: nothing to send (and the same answer revalidates).
    _again, changed, removed = sync(client, cursor, **headers)
    assert (changed, removed) == (set(), set())

    edited.title = "Đã sửa"
    edited.save_revision().publish()
    hidden.unpublish()
    deleted.delete()
    narrowed.audience = Audience.UNIT
    narrowed.save_revision().publish()
    narrowed.audience_units.set([unit_tree.district_2])
    narrowed.save_revision().publish()
    secret.unpublish()

    _cursor, changed, removed = sync(client, cursor, **headers)
    assert changed == {edited.pk}
    assert removed == {hidden.pk, deleted.pk, narrowed.pk}
    # The anonymous app never had the members-only page nor the other district's.
    _cursor, anon_changed, anon_removed = sync(client, anon_cursor)
    assert anon_changed == {edited.pk}
    assert anon_removed == {deleted.pk, narrowed.pk}


def test_sync_pages_through_many_changes_with_its_cursor(client, unit_tree):
    pages = [publish_news(unit_tree.grassroots, f"Tin {n}").pk for n in range(5)]
    seen, cursor, has_more = [], None, True
    while has_more:
        response = client.get(
            "/api/sync/", {"limit": 2, **({"since": cursor} if cursor else {})}
        ).json()
        seen += [item["id"] for item in response["changed"]]
        cursor, has_more = response["cursor"], response["has_more"]
    assert sorted(seen) == sorted(pages) and len(seen) == len(set(seen))


def test_a_bad_cursor_is_a_400_naming_since(client, db):
    response = client.get("/api/sync/", {"since": "yesterday"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_parameter"
    assert "since" in response.json()["fields"]


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.sotaydangvien.vn"])
def test_cors_only_for_configured_reader_origins(client, db):
    allowed = client.get("/api/v2/pages/", HTTP_ORIGIN="https://app.sotaydangvien.vn")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.sotaydangvien.vn"
    assert "etag" in allowed["Access-Control-Expose-Headers"].lower()
    other = client.get("/api/v2/pages/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


@override_settings(API_SYNC_MARGIN_SECONDS=0)
def test_sync_of_my_feeds_sends_my_units_pages_and_promotions_only(client, readers, unit_tree):
    headers = bearer(readers["branch"])
    mine = {
        publish_news(unit_tree.grassroots, "Tin đảng bộ cơ sở").pk,
        publish_news(unit_tree.district, "Tin huyện", Audience.MEMBERS).pk,
        publish_news(unit_tree.province, "Tin tỉnh").pk,
    }
    elsewhere = publish_news(unit_tree.district_2, "Tin huyện khác")
    sibling = publish_news(unit_tree.grassroots_2, "Tin đảng bộ cơ sở bên cạnh")

    response = client.get("/api/sync/", {"feed": "mine"}, **headers)
    assert {item["id"] for item in response.json()["changed"]} == mine
    # Without feed=mine: everything the member may read, the other units' too.
    _cursor, everything, _removed = sync(client, **headers)
    assert everything >= mine | {elsewhere.pk, sibling.pk}

    # The other district's news promoted into my district's feed comes next time.
    cursor = response.json()["cursor"]
    PageListing.objects.create(page=elsewhere, unit=unit_tree.district)
    publish_news(unit_tree.district_2, "Tin huyện khác nữa")
    again = client.get("/api/sync/", {"feed": "mine", "since": cursor}, **headers).json()
    assert [item["id"] for item in again["changed"]] == [elsewhere.pk]


def test_sync_feed_is_mine_or_nothing_and_only_for_members(client, readers):
    for params, headers in (
        ({"feed": "all"}, bearer(readers["branch"])),
        ({"feed": "mine"}, {}),
    ):
        response = client.get("/api/sync/", params, HTTP_ACCEPT_LANGUAGE="vi", **headers)
        assert response.status_code == 400
        assert "feed" in response.json()["fields"]
