"""``/api/sync/?feed=mine`` narrows what a member may read; it never widens it.

A promotion lists another unit's page in my unit's feed, but the page keeps
its audience: promoted into my district, a page meant for another district's
members only stays out of my sync, and so does one under a view restriction.
"""

from django.test import override_settings
from wagtail.models import PageViewRestriction

from content_types.models import Audience, PageListing
from tests.api.conftest import bearer, member, publish_news


@override_settings(API_SYNC_MARGIN_SECONDS=0)
def test_promotion_into_my_feed_does_not_reveal_pages_i_may_not_read(client, unit_tree):
    reader = bearer(member(unit_tree.branch, "feed-reader"))
    other_district_only = publish_news(unit_tree.district_2, "Chỉ huyện khác", Audience.UNIT)
    restricted = publish_news(unit_tree.district_2, "Có mật khẩu")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    readable = publish_news(unit_tree.district_2, "Ai cũng đọc được")
    for page in (other_district_only, restricted, readable):
        PageListing.objects.create(page=page, unit=unit_tree.district)

    body = client.get("/api/sync/", {"feed": "mine"}, **reader).json()
    assert [item["id"] for item in body["changed"]] == [readable.pk]
