"""Each unit's listing has its own validator: a change in one district leaves
the other districts' listings (their ETags, and the bodies cached under them)
valid, and still changes every listing that could show it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from content_types.models import PageListing, touch_feeds

from .conftest import bearer, member, publish_news

PAGES = "/api/v2/pages/"


def etag_of(client, **params):
    response = client.get(PAGES, params)
    assert response.status_code == 200, response.content
    return response["ETag"]


def still_valid(client, etag, **params):
    """Whether the listing answers 304 to ``etag``; else it has changed."""
    status = client.get(PAGES, params, HTTP_IF_NONE_MATCH=etag).status_code
    assert status in (200, 304)
    return status == 304


def listings(unit_tree):
    """The listings a phone keeps: each district's subtree, the grassroots
    unit's own feed, a branch's feed, and the unscoped listing."""
    return {
        "district": {"unit": unit_tree.district.pk, "subtree": "true"},
        "district_2": {"unit": unit_tree.district_2.pk, "subtree": "true"},
        "grassroots": {"unit": unit_tree.grassroots.pk},
        "district_feed": {"unit": unit_tree.district.pk},
        "everything": {},
    }


def tags(client, unit_tree):
    return {name: etag_of(client, **params) for name, params in listings(unit_tree).items()}


def changed(client, unit_tree, before):
    return {
        name
        for name, params in listings(unit_tree).items()
        if not still_valid(client, before[name], **params)
    }


def test_a_publish_changes_only_the_listings_that_can_show_it(client, unit_tree):
    publish_news(unit_tree.district_2, "Tin huyện bên")
    article = publish_news(unit_tree.grassroots, "Tin xã")
    before = tags(client, unit_tree)

    publish_news(unit_tree.grassroots, "Tin xã mới")
    # The grassroots unit's feed, its district's subtree and the unscoped
    # listing show it; the other district and the district's own feed cannot.
    assert changed(client, unit_tree, before) == {"grassroots", "district", "everything"}

    before = tags(client, unit_tree)
    article.title = "Tin xã (sửa)"
    article.save_revision().publish()
    assert changed(client, unit_tree, before) == {"grassroots", "district", "everything"}

    before = tags(client, unit_tree)
    article.unpublish()
    assert changed(client, unit_tree, before) == {"grassroots", "district", "everything"}

    before = tags(client, unit_tree)
    Page.objects.get(pk=publish_news(unit_tree.district_2, "Tin sẽ xoá").pk).delete()
    assert changed(client, unit_tree, before) == {"district_2", "everything"}


def test_a_draft_changes_no_listing(client, unit_tree):
    article = publish_news(unit_tree.grassroots, "Tin xã")
    before = tags(client, unit_tree)
    article.title = "Bản nháp chưa duyệt"
    article.save_revision()
    assert changed(client, unit_tree, before) == set()


def test_a_promotion_changes_the_feed_it_is_listed_in(client, unit_tree):
    article = publish_news(unit_tree.grassroots, "Tin được giới thiệu")
    before = tags(client, unit_tree)
    listing = PageListing.objects.create(page=article, unit=unit_tree.district)
    assert changed(client, unit_tree, before) == {"district", "district_feed", "everything"}
    district_feed = client.get(PAGES, {"unit": unit_tree.district.pk})
    assert [item["id"] for item in district_feed.json()["items"]] == [article.pk]

    before = tags(client, unit_tree)
    listing.delete()
    assert changed(client, unit_tree, before) == {"district", "district_feed", "everything"}


def test_a_view_restriction_or_a_move_changes_every_listing(client, unit_tree):
    article = publish_news(unit_tree.grassroots, "Tin xã")
    everything = set(listings(unit_tree))

    before = tags(client, unit_tree)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.LOGIN
    )
    assert changed(client, unit_tree, before) == everything
    before = tags(client, unit_tree)
    restriction.delete()
    assert changed(client, unit_tree, before) == everything

    before = tags(client, unit_tree)
    other_index = publish_news(unit_tree.district_2, "Tin huyện bên").get_parent()
    article.move(other_index, pos="last-child")
    assert changed(client, unit_tree, before) == everything
    moved = client.get(PAGES, {"unit": unit_tree.district_2.pk, "subtree": "true"}).json()
    assert article.pk in [item["id"] for item in moved["items"]]


def test_members_revalidate_their_unit_feed_in_three_queries(client, unit_tree):
    """A member's 304: the token, the unit and the feed's versions; no listing
    query, whatever else is published elsewhere."""
    publish_news(unit_tree.grassroots, "Tin xã")
    headers = bearer(member(unit_tree.branch, "dv-xa"))
    params = {"unit": unit_tree.grassroots.pk}
    etag = client.get(PAGES, params, **headers)["ETag"]
    publish_news(unit_tree.district_2, "Tin huyện bên")
    client.get(PAGES, params, HTTP_IF_NONE_MATCH=etag, **headers)  # warm the token's caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGES, params, HTTP_IF_NONE_MATCH=etag, **headers)
    assert response.status_code == 304
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailcore_page" not in tables
    assert "content_types_feedversion" in tables


def test_a_version_a_rollback_took_back_is_never_served_again(client, unit_tree):
    """A rolled-back change takes its count back; the next change's ETag must
    still differ from the one served meanwhile (bodies are cached under it)."""
    params = {"unit": unit_tree.district.pk}
    with pytest.raises(RuntimeError), transaction.atomic():
        touch_feeds([unit_tree.district.path])
        served = etag_of(client, **params)
        raise RuntimeError
    touch_feeds([unit_tree.district.path])
    assert etag_of(client, **params) != served
