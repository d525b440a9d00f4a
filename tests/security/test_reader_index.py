"""issue 19: compact listings now read the reader index (``PageAudience``
alone), a second channel beside Wagtail's queryset over the pages. Replayed
here: nothing a caller may not read shows in it, in items, counts or cursors,
for any of the listings it serves."""

from wagtail.models import PageViewRestriction

from content_types.models import Audience
from tests.api.conftest import bearer, member, publish_news

PAGES = "/api/v2/pages/"
NEWS = "content_types.NewsArticle"


def listed(client, params, headers):
    response = client.get(PAGES, params, **headers)
    assert response.status_code == 200, (params, response.content)
    body = response.json()
    return {item["id"] for item in body["items"]}, body["meta"]["total_count"]


def test_the_reader_index_lists_nothing_the_caller_may_not_read(client, unit_tree):
    t = unit_tree
    shown = publish_news(t.grassroots, "Tin công khai")
    other_units = publish_news(t.grassroots_2, "Tin riêng xã bên", Audience.UNIT)
    members_only = publish_news(t.district, "Tin cho đảng viên", Audience.MEMBERS)
    withdrawn = publish_news(t.grassroots, "Tin đã gỡ")
    withdrawn.unpublish()
    restricted = publish_news(t.grassroots, "Tin có mật khẩu")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
    )
    listings = [
        {"type": NEWS},
        {"type": NEWS, "unit": t.grassroots_2.pk},
        {"unit": t.district.pk, "subtree": "true"},
        {"type": NEWS, "unit": t.province.pk, "subtree": "true", "limit": 1},
    ]
    callers = {
        "anonymous": ({}, {other_units.pk, members_only.pk}),
        "member of another unit": (
            bearer(member(t.branch, "dv-chi-bo")),
            {other_units.pk},
        ),
    }
    for name, (headers, hidden) in callers.items():
        hidden = hidden | {withdrawn.pk, restricted.pk}
        for params in listings:
            ids, total = listed(client, params, headers)
            assert ids.isdisjoint(hidden), (name, params)
            # Counted neither: the count is of what the caller may read.
            everything, _ = listed(client, {**params, "limit": 100}, headers)
            assert total == len(everything), (name, params)
            assert everything.isdisjoint(hidden), (name, params)
        assert shown.pk in listed(client, {"type": NEWS}, headers)[0], name
