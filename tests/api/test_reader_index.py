"""Compact listings are read from the reader index (``PageAudience`` rows
carrying what a listing filters on): they must list exactly what Wagtail's
own queryset over the pages lists (``fields=`` still takes that path), for
every caller, filter and window, and follow unpublishing, view restrictions
and moves at once."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from api import keyset
from content_types.factories import publish_document
from content_types.models import Audience, PageAudience, PageListing

from .conftest import bearer, member, publish_news

PAGES = "/api/v2/pages/"
NEWS = "content_types.NewsArticle"
DOCUMENTS = "content_types.PartyDocument"


@pytest.fixture
def archive(unit_tree):
    """News and documents over the tree, for every audience, with ties in
    publication time, one unpublished, one restricted, one promoted."""
    t = unit_tree
    moment = timezone.now() - datetime.timedelta(days=3)
    pages = []
    for n, (unit, audience) in enumerate(
        [
            (t.province, Audience.PUBLIC),
            (t.district, Audience.PUBLIC),
            (t.district, Audience.MEMBERS),
            (t.district_2, Audience.PUBLIC),
            (t.grassroots, Audience.UNIT),
            (t.grassroots, Audience.PUBLIC),
            (t.grassroots_2, Audience.UNIT),
            (t.grassroots, Audience.MEMBERS),
            (t.district_2, Audience.UNIT),
        ]
    ):
        article = publish_news(
            unit, f"Tin {n}", audience, category="province" if n % 2 else "unit_activities"
        )
        pages.append(article)
    for n, (unit, kind, status) in enumerate(
        [(t.district, "NQ", "in_force"), (t.grassroots, "CT", "expired"), (t.district, "NQ", "")]
    ):
        fields = {"status": status} if status else {}
        number = f"{n + 1:02d}-{kind}/{unit.short_name}"
        pages.append(publish_document(unit, number, kind, **fields))
    for n, page in enumerate(pages):
        # Three share one moment: ties are broken by id in both paths.
        published = moment if n in (2, 3, 4) else moment + datetime.timedelta(hours=n)
        Page.objects.filter(pk=page.pk).update(first_published_at=published)
        page.refresh_from_db()
        page.specific.sync_audience()
    pages[0].unpublish()
    PageViewRestriction.objects.create(page=pages[5], restriction_type=PageViewRestriction.LOGIN)
    PageListing.objects.create(page=pages[7], unit=t.district_2)
    return pages


def listing(client, params, headers):
    response = client.get(PAGES, params, **headers)
    assert response.status_code == 200, (params, response.content)
    body = response.json()
    return [item["id"] for item in body["items"]], body["meta"]["total_count"], body["meta"]


def parameter_sets(t):
    return [
        {"type": NEWS},
        {"type": DOCUMENTS},
        {"type": NEWS, "unit": t.district.pk},
        {"type": NEWS, "unit": t.district.pk, "subtree": "true"},
        {"unit": t.district.pk, "subtree": "true"},
        # A district's subtree with a page promoted into it, by cursor.
        {"unit": t.district_2.pk, "subtree": "true", "limit": 1},
        {"unit": t.grassroots.pk, "subtree": "true"},
        {"unit": t.grassroots.pk},
        {"unit": t.district_2.pk},
        {"unit": t.province.pk, "subtree": "true", "limit": 3},
        {"unit": t.province.pk, "subtree": "true", "limit": 3, "offset": 3},
        {"type": NEWS, "category": "province"},
        {"type": NEWS, "unit": t.district.pk, "subtree": "true", "category": "unit_activities"},
        {"type": DOCUMENTS, "document_type": "NQ"},
        {"type": DOCUMENTS, "status": "expired", "unit": t.district.pk, "subtree": "true"},
        {"type": NEWS, "date_from": (timezone.localdate() - datetime.timedelta(days=2))},
        {"unit": t.district.pk, "subtree": "true", "date_to": timezone.localdate()},
        {"type": NEWS, "locale": "vi", "limit": 2},
    ]


@pytest.mark.parametrize("caller", ["anonymous", "district member", "branch member"])
def test_the_index_lists_what_the_pages_list(client, unit_tree, archive, caller):
    headers = {
        "anonymous": {},
        "district member": bearer(member(unit_tree.grassroots_2, "dv-xa-2")),
        "branch member": bearer(member(unit_tree.branch, "dv-chi-bo")),
    }[caller]
    for params in parameter_sets(unit_tree):
        indexed = listing(client, params, headers)
        # ``fields`` takes Wagtail's own queryset over the pages.
        pages = listing(client, {**params, "fields": "title"}, headers)
        assert indexed[:2] == pages[:2], params
        assert indexed[2]["next"] == pages[2]["next"], params
    assert listing(client, {"type": NEWS}, headers)[0], "the archive lists something"


def test_the_index_follows_publishing_privacy_and_moves(client, unit_tree, archive):
    t = unit_tree
    feed = {"type": NEWS, "unit": t.district.pk}
    article = publish_news(t.district, "Tin mới")
    assert listing(client, feed, {})[0][0] == article.pk

    restriction = PageViewRestriction.objects.create(
        page=Page.objects.get(pk=article.pk), restriction_type=PageViewRestriction.PASSWORD
    )
    assert article.pk not in listing(client, feed, {})[0]
    restriction.delete()
    assert article.pk in listing(client, feed, {})[0]

    article.unpublish()
    assert article.pk not in listing(client, feed, {})[0]
    article.save_revision().publish()
    assert article.pk in listing(client, feed, {})[0]

    other = publish_news(t.district_2, "Tin huyện bên").get_parent()
    Page.objects.get(pk=article.pk).move(other, pos="last-child")
    assert article.pk not in listing(client, feed, {})[0]
    assert article.pk in listing(client, {"type": NEWS, "unit": t.district_2.pk}, {})[0]
    row = PageAudience.objects.get(page_id=article.pk)
    assert (row.unit_id, row.live, row.private) == (t.district_2.pk, True, False)


def test_a_subtree_page_of_news_costs_five_queries(
    client, unit_tree, archive, django_assert_num_queries
):
    """Token, unit, feed versions, promotions, then the items with their
    count in one statement: flat however big the archive."""
    headers = bearer(member(unit_tree.branch, "dv-chi-bo"))
    params = {"type": NEWS, "unit": unit_tree.district.pk, "subtree": "true", "_": "1"}
    client.get(PAGES, params, **headers)
    params["_"] = "2"
    with django_assert_num_queries(5):
        response = client.get(PAGES, params, **headers)
    assert response.status_code == 200
    expected = listing(client, {**params, "fields": "title"}, headers)[0]
    assert [item["id"] for item in response.json()["items"]] == expected
    assert len(expected) == 4


def test_the_index_holds_each_pages_filters_and_follows_edits(client, unit_tree, archive):
    for page in archive[1:]:
        row, page = PageAudience.objects.get(page_id=page.pk), page.specific
        if page.content_type.model == "newsarticle":
            assert (row.news_category, row.reader_date) == (page.category, page.date)
        else:
            assert (row.document_type, row.document_status, row.reader_date) == (
                page.document_type,
                page.status,
                page.issued_on,
            )
    article, document = archive[1].specific, archive[9].specific
    assert article.category == "province" and document.status == "in_force"
    article.category, article.date = "unit_activities", datetime.date(2020, 1, 15)
    article.save_revision().publish()
    document.status = "expired"
    document.save_revision().publish()
    assert article.pk in listing(client, {"type": NEWS, "category": "unit_activities"}, {})[0]
    assert article.pk not in listing(client, {"type": NEWS, "category": "province"}, {})[0]
    january = {"type": NEWS, "date_from": "2020-01-01", "date_to": "2020-01-31"}
    assert listing(client, january, {})[0] == [article.pk]
    assert document.pk in listing(client, {"type": DOCUMENTS, "status": "expired"}, {})[0]
    assert document.pk not in listing(client, {"type": DOCUMENTS, "status": "in_force"}, {})[0]


def test_a_members_listing_walked_by_cursor_interleaves_their_units_pages(
    client, unit_tree, archive
):
    """A member's listing is read in two parts (what members may read, then
    the unit-only pages their scopes open): page by page, cursor after
    cursor, it is the one newest-first list Wagtail's own path gives."""
    headers = bearer(member(unit_tree.branch, "dv-chi-bo"))
    walked = {}
    for path in ("indexed", "pages"):
        params = {"unit": unit_tree.province.pk, "subtree": "true", "limit": 2}
        if path == "pages":
            params["fields"] = "title"
        ids, cursor = [], None
        while True:
            page_ids, _total, meta = listing(
                client, {**params, **({"after": cursor} if cursor else {})}, headers
            )
            ids += page_ids
            cursor = meta["next"]
            if cursor is None:
                break
        walked[path] = ids
    assert walked["indexed"] == walked["pages"]
    assert archive[4].pk in walked["indexed"], "the grassroots' unit-only news"
    assert archive[6].pk not in walked["indexed"], "another grassroots' unit-only news"


@pytest.mark.parametrize("short_of", [0, 1, 4])
def test_a_members_count_is_capped_across_both_parts(
    client, unit_tree, archive, monkeypatch, short_of
):
    """The parts are counted one after the other up to the cap: the count is
    exact up to it, and says it is capped once the parts together pass it."""
    headers = bearer(member(unit_tree.branch, "dv-chi-bo"))
    params = {"unit": unit_tree.province.pk, "subtree": "true", "_": str(short_of)}
    _ids, total, meta = listing(client, params, headers)
    assert meta["total_count_capped"] is False
    assert total == listing(client, {**params, "fields": "title"}, headers)[1]
    cap = total - short_of
    monkeypatch.setattr(keyset, "COUNT_CAP", cap)
    _ids, count, meta = listing(client, {**params, "_": f"capped {short_of}"}, headers)
    assert (count, meta["total_count_capped"]) == (cap, short_of > 0)


def test_a_units_own_feed_answers_for_each_unit_once_its_statement_is_prepared(
    client, unit_tree, archive
):
    """A unit's own feed is a prepared statement (PostgreSQL plans it once
    for every unit after five runs): each unit still gets its own items,
    count and cursor, run after run, for each caller."""
    t = unit_tree
    callers = [{}, bearer(member(t.branch, "dv-chi-bo"))]
    units = [t.district, t.grassroots, t.district_2, t.province]
    for run in range(7):
        for headers in callers:
            for unit in units:
                params = {"unit": unit.pk, "limit": 2, "_": str(run)}
                indexed = listing(client, params, headers)
                pages = listing(client, {**params, "fields": "title"}, headers)
                assert indexed[:2] == pages[:2], (run, unit, headers)
                assert indexed[2]["next"] == pages[2]["next"], (run, unit, headers)
