"""Listings: the reader apps' filters, compact items, errors, and a query count
that does not grow with the page size."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content_types.factories import publish_document, unit_index
from content_types.models import Audience, NewsArticle, NewsIndexPage, PageListing

from .conftest import bearer, make_image, publish_news

NEWS = {"type": "content_types.NewsArticle"}


def test_a_listing_of_20_or_100_items_costs_the_same_queries(
    client, unit_tree, django_assert_num_queries
):
    image = make_image("anh")
    index = unit_index(unit_tree.grassroots, NewsIndexPage)
    for n in range(100):
        # Made live directly (as import_content does): publishing 100 revisions is slow.
        article = NewsArticle(
            title=f"Tin {n}", lead="Tóm tắt", live=True, featured_image=image if n % 2 else None
        )
        index.add_child(instance=article)
        article.sync_audience()
    client.get("/api/v2/pages/", {**NEWS, "limit": 20})  # renditions made once, then reused
    counts = []
    for limit in (20, 100):
        cache.clear()  # measure the rendering, not the body cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v2/pages/", {**NEWS, "limit": limit})
        assert len(response.json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12, counts
    # The same request again is served from the body cache: the version check only.
    with django_assert_num_queries(1):
        again = client.get("/api/v2/pages/", {**NEWS, "limit": 100})
    assert again.json() == response.json()


def test_listing_items_are_compact_and_details_carry_the_body(client, unit_tree):
    image = make_image("anh-bia")
    article = publish_news(
        unit_tree.grassroots,
        "Hội nghị",
        image=image,
        body=[("paragraph", '<p>Xem <a href="https://example.vn/x">tài liệu</a></p>')],
    )
    item = client.get("/api/v2/pages/", NEWS).json()["items"][0]
    assert item["id"] == article.pk and item["summary"] == "Tóm tắt Hội nghị"
    assert item["unit"]["code"] == "DT-X1"
    assert item["image"]["thumbnail"].startswith("http://testserver/media/")
    assert "body" not in item
    detail = client.get(item["detail_url"]).json()
    assert detail["body"][0]["type"] == "paragraph"
    assert 'href="https://example.vn/x"' in detail["body"][0]["value"]
    # Wagtail's own conventions still work.
    wagtail = client.get("/api/v2/pages/", {**NEWS, "fields": "lead,category"}).json()["items"][0]
    assert wagtail["lead"] == "Tóm tắt Hội nghị" and wagtail["category"] == "province"


def test_reader_filters(client, readers, unit_tree):
    today = datetime.date(2025, 6, 1)
    own = publish_news(unit_tree.grassroots, "Xã", date=today, category="unit_activities")
    branch = publish_news(unit_tree.district, "Huyện", date=today - datetime.timedelta(days=40))
    other = publish_news(unit_tree.district_2, "Huyện khác", date=today)
    document = publish_document(
        unit_tree.grassroots, "07-NQ/ĐU", document_type="NQ", status="expired"
    )
    # Promoted by the district's approval (workflows): in the district's feed too.
    PageListing.objects.create(page=own, unit=unit_tree.district_2)

    def found(**params):
        response = client.get("/api/v2/pages/", params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert found(unit=unit_tree.grassroots.pk) == {own.pk, document.pk}
    assert found(unit=unit_tree.district_2.pk) == {other.pk, own.pk}
    assert found(unit=unit_tree.district.pk, subtree="true", **NEWS) == {own.pk, branch.pk}
    assert found(unit=unit_tree.district.pk, **NEWS) == {branch.pk}
    assert found(category="unit_activities") == {own.pk}
    assert found(document_type="NQ", status="expired") == {document.pk}
    assert found(date_from="2025-05-01", date_to="2025-06-30", **NEWS) == {own.pk, other.pk}
    assert found(locale="vi", **NEWS) == {own.pk, branch.pk, other.pk}


def test_bad_parameters_are_400s_naming_the_parameter(client, db):
    cases = {
        "unit": {"unit": "abc"},
        "category": {"category": "gossip"},
        "date_from": {"date_from": "01/02/2025"},
        "limit": {"limit": "1000"},
        "subtree": {"unit": "1", "subtree": "maybe"},
    }
    for name, params in cases.items():
        response = client.get("/api/v2/pages/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, name
        body = response.json()
        assert body["code"] == "bad_parameter"
        assert name in body["message"] or name in body.get("fields", {}), (name, body)
    unknown = client.get("/api/v2/pages/", {"colour": "red"}).json()
    assert unknown["code"] == "bad_parameter" and "colour" in unknown["message"]
    missing = client.get("/api/v2/pages/999999/")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert client.get("/api/nowhere/").status_code == 404


def test_members_only_pages_need_a_member(client, readers, unit_tree):
    page = publish_news(unit_tree.grassroots, "Nội bộ", Audience.MEMBERS)
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{page.pk}/", **bearer(readers["branch"])).status_code == 200


def test_items_of_every_kind_read_in_one_statement_match_their_details(client, unit_tree):
    """News with and without a picture, a document and a page of another type
    (a study module), read from the reader index and by id (a listing of
    every type): each item is what its detail says."""
    image = make_image("anh-hoi-nghi")
    publish_news(unit_tree.grassroots, "Tin có ảnh", image=image)
    publish_news(unit_tree.grassroots, "Tin không ảnh")
    publish_document(unit_tree.grassroots, "12-NQ/ĐU", summary="Nghị quyết về công tác")
    for params in ({"unit": unit_tree.grassroots.pk}, {"limit": 50}):
        listed = client.get("/api/v2/pages/", params).json()["items"]
        assert {"content_types.NewsArticle", "content_types.PartyDocument"} <= {
            item["type"] for item in listed
        }
        for item in listed:
            detail = client.get(item["detail_url"]).json()
            assert {key: detail[key] for key in item} == item, item["title"]
    (pictured,) = [
        item for item in client.get("/api/v2/pages/", NEWS).json()["items"] if item["image"]
    ]
    assert pictured["image"]["id"] == image.pk
