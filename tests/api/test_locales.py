"""The API per language: ?locale=, else Accept-Language, else Vietnamese; the
Vietnamese original stands in (marked) where a translation is missing."""

import pytest
from wagtail.models import Locale

from content_types.factories import publish_news
from content_types.localization import ensure_locales, translate_with
from content_types.models import Audience, NewsArticle

NEWS = {"type": "content_types.NewsArticle"}


@pytest.fixture
def news(unit_tree):
    ensure_locales()
    english = Locale.objects.get(language_code="en")
    translated = publish_news(unit_tree.district, "Hội nghị tổng kết")
    untranslated = publish_news(unit_tree.district, "Thông báo lịch họp")
    publish_news(unit_tree.district, "Chỉ đảng viên huyện", audience=Audience.UNIT)
    translate_with(translated, english, {"Hội nghị tổng kết": "Review conference"})
    return translated, untranslated


def items(client, **params):
    response = client.get("/api/v2/pages/", {**NEWS, **params.pop("query", {})}, **params)
    assert response.status_code == 200, response.content
    return response, {item["title"]: item for item in response.json()["items"]}


def test_vietnamese_is_the_default_and_lists_each_item_once(client, news):
    _response, listed = items(client)
    assert set(listed) == {"Hội nghị tổng kết", "Thông báo lịch họp"}
    assert {(item["locale"], item["fallback"]) for item in listed.values()} == {("vi", False)}


@pytest.mark.parametrize(
    "how", [{"query": {"locale": "en"}}, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}]
)
def test_english_by_parameter_or_header_falls_back_to_vietnamese_marked(client, news, how):
    response, listed = items(client, **how)
    assert set(listed) == {"Review conference", "Thông báo lịch họp"}
    assert (listed["Review conference"]["locale"], listed["Review conference"]["fallback"]) == (
        "en",
        False,
    )
    assert listed["Thông báo lịch họp"]["fallback"] is True
    assert "Accept-Language" in response["Vary"]


def test_the_language_is_part_of_the_etag(client, news):
    vietnamese, _listed = items(client)
    english, _listed = items(client, HTTP_ACCEPT_LANGUAGE="en")
    assert vietnamese["ETag"] != english["ETag"]
    again = client.get(
        "/api/v2/pages/", NEWS, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=english["ETag"]
    )
    assert again.status_code == 304
    stale = client.get("/api/v2/pages/", NEWS, HTTP_IF_NONE_MATCH=english["ETag"])
    assert stale.status_code == 200


def test_an_unknown_language_is_a_400_naming_locale(client, news):
    response = client.get("/api/v2/pages/", {**NEWS, "locale": "xx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_parameter"
    assert "locale" in body.get("fields", {}) or "locale" in body["message"]


def test_a_detail_lists_its_translations(client, news):
    translated, untranslated = news
    detail = client.get(f"/api/v2/pages/{translated.pk}/").json()
    assert [(t["locale"], t["fallback"]) for t in detail["translations"]] == [("en", False)]
    english = client.get(detail["translations"][0]["detail_url"]).json()
    assert english["title"] == "Review conference"
    assert [t["locale"] for t in english["translations"]] == ["vi"]

    mirrored = client.get(f"/api/v2/pages/{untranslated.pk}/").json()["translations"]
    assert [(t["locale"], t["fallback"]) for t in mirrored] == [("en", True)]


def test_a_page_readers_may_not_read_is_in_no_language(client, news):
    hidden = NewsArticle.objects.filter(title="Chỉ đảng viên huyện")
    assert hidden.count() == 2  # the original and its English mirror
    for page in hidden:
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404


def test_sync_follows_the_language(client, news):
    english = client.get("/api/sync/", {"locale": "en"}).json()["changed"]
    assert {item["title"] for item in english} == {"Review conference", "Thông báo lịch họp"}
    assert {item["locale"] for item in english} == {"en"}
    vietnamese = client.get("/api/sync/").json()["changed"]
    assert {item["locale"] for item in vietnamese} == {"vi"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_item_links_where_wagtail_serves_its_page(client, news, unit_tree, language):
    """Items are read in one statement, not as pages: their addresses are
    still Wagtail's own, in the listing's language, as in the detail."""
    _response, listed = items(client, query={"locale": language, "unit": unit_tree.district.pk})
    assert len(listed) == 2
    for item in listed.values():
        page = NewsArticle.objects.get(pk=item["id"])
        assert item["html_url"] == page.get_full_url()
        assert item["detail_url"] == f"http://testserver/api/v2/pages/{page.pk}/"
        detail = client.get(item["detail_url"]).json()
        assert {key: detail[key] for key in item} == item
