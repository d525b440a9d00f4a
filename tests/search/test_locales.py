"""Search in the caller's language: ``locale``, else Accept-Language, else
Vietnamese; English text is stemmed on OpenSearch."""

import pytest
from django.test import override_settings
from wagtail.models import Locale

from content_types.localization import ensure_locales, translate_with
from search.rebuild import rebuild

from .conftest import ENGINE_URL, drop_index, engine_settings, publish_news, unique_index


@pytest.fixture(params=["opensearch", "database"])
def translated(request, unit_tree):
    ensure_locales()
    english = Locale.objects.get(language_code="en")
    article = publish_news(unit_tree.province, "Hội nghị tổng kết năm", lead="Tổng kết công tác")
    publish_news(unit_tree.province, "Thông báo lịch họp chi bộ")
    translate_with(
        article,
        english,
        {"Hội nghị tổng kết năm": "Annual review conference", "Tổng kết công tác": "Work review"},
    )
    english_article = article.get_translation(english)
    if request.param == "opensearch":
        if not ENGINE_URL:
            pytest.skip("OPENSEARCH_URL is not set")
        alias = unique_index()
        with engine_settings(alias):
            rebuild()
            yield request.param, article, english_article
        drop_index(alias)
    else:
        with override_settings(SEARCH_ENGINE_URL=None):
            rebuild(use_engine=False)
            yield request.param, article, english_article


def found(client, **params):
    headers = {k: params.pop(k) for k in list(params) if k.startswith("HTTP_")}
    response = client.get("/api/search/", params, **headers)
    assert response.status_code == 200, response.content
    return [result["id"] for result in response.json()["results"]]


def test_vietnamese_readers_search_vietnamese(client, translated):
    _backend, article, _english_article = translated
    assert found(client, q="hoi nghi tong ket") == [article.pk]
    assert found(client, q="review conference") == []


@pytest.mark.parametrize("how", [{"locale": "en"}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}])
def test_english_readers_search_english(client, translated, how):
    _backend, _article, english_article = translated
    assert found(client, q="review conference", **how) == [english_article.pk]
    assert found(client, q="hoi nghi", **how) == []
    query = {k: v for k, v in how.items() if not k.startswith("HTTP_")}
    headers = {k: v for k, v in how.items() if k.startswith("HTTP_")}
    suggestions = client.get("/api/search/suggest/", {"q": "annual", **query}, **headers)
    suggestions = suggestions.json()["results"]
    assert [s["id"] for s in suggestions] == [english_article.pk]


def test_english_is_stemmed_on_opensearch_only(client, translated):
    backend, _article, english_article = translated
    # The database fallback matches whole words and does not stem.
    expected = [english_article.pk] if backend == "opensearch" else []
    assert found(client, q="conferences reviewed", locale="en") == expected


def test_an_unknown_language_is_refused_naming_locale(client, translated):
    response = client.get("/api/search/", {"q": "x", "locale": "xx"})
    assert response.status_code == 400
    assert "locale" in response.json().get("fields", {})
