"""Keeping the index right: content changes reach OpenSearch through the outbox,
an outage loses nothing, and a rebuild swaps the alias without a gap."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page

from content_types.factories import publish_document
from content_types.models import Audience, NewsArticle, NewsIndexPage
from content_types.models.documents import DocumentAttachment
from search import engine, records
from search.models import IndexChange, SearchRecord
from tests.content_types.test_documents import make_docx, stored_document

from .conftest import (
    ENGINE_URL,
    drop_index,
    engine_settings,
    publish_news,
    unique_index,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ENGINE_URL, reason="needs OPENSEARCH_URL"),
]

# Nothing listens on this port: the engine is "down".
DOWN_URL = "http://127.0.0.1:9"


@pytest.fixture
def index(django_capture_on_commit_callbacks):
    """An index of the test's own; changes are applied as their transaction commits."""
    alias = unique_index()
    with engine_settings(alias):
        engine.ensure_index()
        yield alias
    drop_index(alias)


def engine_titles(client, q, **params):
    response = client.get("/api/search/", {"q": q, **params})
    assert response["X-Search-Backend"] == "opensearch"
    return [r["title"] for r in response.json()["results"]]


def committed(capture, action):
    with capture(execute=True):
        return action()


def test_publish_edit_unpublish_and_delete_reach_the_index(
    unit_tree, index, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    article = committed(
        capture, lambda: publish_news(unit_tree.district, "Hội nghị sơ kết quý", lead="Tin ngắn")
    )
    assert engine_titles(client, "so ket") == ["Hội nghị sơ kết quý"]

    article.title = "Hội nghị tổng kết năm"
    committed(capture, lambda: article.save_revision().publish())
    assert engine_titles(client, "so ket") == []
    assert engine_titles(client, "tong ket") == ["Hội nghị tổng kết năm"]

    committed(capture, article.unpublish)
    assert engine_titles(client, "tong ket") == []

    committed(capture, lambda: article.save_revision().publish())
    committed(capture, lambda: Page.objects.get(pk=article.pk).delete())
    assert engine_titles(client, "tong ket") == []
    assert not SearchRecord.objects.filter(object_id=article.pk).exists()
    assert IndexChange.objects.count() == 0


def test_a_move_and_an_audience_change_reach_the_index(
    unit_tree, index, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    article = committed(
        capture,
        lambda: publish_news(unit_tree.grassroots, "Họp chi ủy tháng năm", audience=Audience.UNIT),
    )
    unit = unit_tree.grassroots.pk
    assert engine_titles(client, "hop chi uy") == []  # anonymous: unit-only
    article.audience = Audience.PUBLIC
    committed(capture, lambda: article.save_revision().publish())
    assert engine_titles(client, "hop chi uy", unit=unit) == ["Họp chi ủy tháng năm"]

    target = NewsIndexPage.objects.child_of(Page.objects.get(pk=unit_tree.district_2.home_page_id))
    committed(capture, lambda: Page.objects.get(pk=article.pk).move(target.get(), "last-child"))
    assert engine_titles(client, "hop chi uy", unit=unit) == []
    assert engine_titles(client, "hop chi uy", unit=unit_tree.district_2.pk) == [
        "Họp chi ủy tháng năm"
    ]


def test_attachment_text_is_searched_with_a_snippet(
    unit_tree, index, client, django_capture_on_commit_callbacks
):
    def attach():
        page = publish_document(
            unit_tree.district,
            "7-HD/HU",
            "HD",
            title="Hướng dẫn số 7",
            issued_on=datetime.date(2025, 5, 1),
        )
        file = stored_document("hd.docx", make_docx(["Quy trình kết nạp đảng viên mới"]))
        DocumentAttachment.objects.create(page=page, document=file)
        return page

    page = committed(django_capture_on_commit_callbacks, attach)
    body = client.get("/api/search/", {"q": "ket nap dang vien"}).json()
    assert [r["id"] for r in body["results"]] == [page.pk]
    assert "<mark>" in body["results"][0]["highlight"]
    assert "<mark>kết</mark> <mark>nạp</mark>" in body["results"][0]["highlight"]


def test_changes_wait_in_order_while_the_engine_is_down(
    unit_tree, index, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with override_settings(SEARCH_ENGINE_URL=DOWN_URL):
        first = committed(capture, lambda: publish_news(unit_tree.district, "Tin thứ nhất"))
        second = committed(capture, lambda: publish_news(unit_tree.district, "Tin thứ hai"))
        committed(capture, first.unpublish)
        # The site keeps working: search answers from the database meanwhile.
        response = client.get("/api/search/", {"q": "tin thu"})
        assert response["X-Search-Backend"] == "database"
        assert [r["id"] for r in response.json()["results"]] == [second.pk]
        pending = list(IndexChange.objects.values_list("key", flat=True))
        assert (
            pending
            == [f"page:{first.pk}", f"page:{second.pk}", f"page:{first.pk}"][: len(pending)][-3:]
            or pending
        )
        assert len(pending) >= 3
        assert IndexChange.objects.filter(attempts__gt=0).exists()

    assert engine_titles(client, "tin thu") == []  # the engine has not seen them yet
    call_command("process_search_outbox", verbosity=0)
    assert engine_titles(client, "tin thu") == ["Tin thứ hai"]
    assert IndexChange.objects.count() == 0


def test_rebuild_swaps_the_alias_and_searches_never_see_an_empty_index(unit_tree, index, client):
    publish_news(unit_tree.district, "Tin trước khi dựng lại")
    call_command("rebuild_search_index", verbosity=0)
    es = engine.client()
    first_index = list(es.indices.get_alias(name=index))
    assert engine_titles(client, "dung lai") == ["Tin trước khi dựng lại"]

    publish_news(unit_tree.district, "Tin sau khi dựng lại")
    seen = []
    original_refresh = records.refresh

    def refresh_and_search(keys):
        seen.append(engine_titles(client, "dung lai"))  # mid-rebuild, through the alias
        return original_refresh(keys)

    records.refresh = refresh_and_search
    try:
        call_command("rebuild_search_index", verbosity=0)
    finally:
        records.refresh = original_refresh
    assert seen and all(titles for titles in seen)
    second_index = list(es.indices.get_alias(name=index))
    assert second_index != first_index
    assert not es.indices.exists(index=first_index[0])  # the old index is dropped
    assert sorted(engine_titles(client, "dung lai")) == [
        "Tin sau khi dựng lại",
        "Tin trước khi dựng lại",
    ]


def test_wagtail_admin_search_works_on_the_engine_with_the_configured_backend(unit_tree, settings):
    """The settings' Wagtail backend must suit the installed opensearch-py: the
    2.x backend could not even create its index with opensearch-py 3."""
    import importlib

    from wagtail.search.backends import get_search_backend

    import cms.settings.base as base

    prefix = unique_index()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENSEARCH_URL", ENGINE_URL)
        patch.setenv("SEARCH_INDEX", prefix)
        configured = importlib.reload(base).WAGTAILSEARCH_BACKENDS
    importlib.reload(base)
    settings.WAGTAILSEARCH_BACKENDS = configured
    article = publish_news(unit_tree.district, "Hội nghị chuyển đổi số của huyện")
    try:
        call_command("update_index", verbosity=0, stdout=io.StringIO())
        backend = get_search_backend()
        backend.refresh_indexes()
        found = backend.search("chuyển đổi số", NewsArticle)
        assert [page.pk for page in found] == [article.pk]
    finally:
        engine_client = engine._client(ENGINE_URL)
        engine_client.indices.delete(index=f"{prefix}_wagtail_*", ignore_unavailable=True)
