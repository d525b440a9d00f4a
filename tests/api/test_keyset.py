"""Endless scrolling: ``?after=`` cursors over the newest-first listing, and
counts capped where counting costs more than the page (api/keyset.py)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import keyset
from content_types.factories import unit_index
from content_types.models import NewsArticle, NewsIndexPage

NEWS = {"type": "content_types.NewsArticle"}


@pytest.fixture
def news(unit_tree):
    """Nine live articles; three share one publication time (ties broken by id)."""
    index = unit_index(unit_tree.grassroots, NewsIndexPage)
    same_moment = timezone.now() - datetime.timedelta(days=1)
    pages = []
    for n in range(9):
        published = same_moment if n in (3, 4, 5) else same_moment + datetime.timedelta(hours=n)
        article = NewsArticle(title=f"Tin {n}", lead="Tóm tắt", live=True)
        index.add_child(instance=article)
        NewsArticle.objects.filter(pk=article.pk).update(first_published_at=published)
        article.first_published_at = published  # the reader index copies it
        article.sync_audience()
        pages.append(article)
    return pages


def newest_first(pages):
    rows = NewsArticle.objects.filter(pk__in=[p.pk for p in pages])
    return list(rows.order_by("-first_published_at", "-pk").values_list("pk", flat=True))


@pytest.mark.parametrize("fields", [None, "lead"])
def test_following_next_cursors_reads_every_item_once_in_order(client, news, fields):
    query = {**NEWS, "limit": 4, **({"fields": fields} if fields else {})}
    seen, answer = [], client.get("/api/v2/pages/", query).json()
    seen += [item["id"] for item in answer["items"]]
    while answer["meta"]["next"]:
        answer = client.get("/api/v2/pages/", {**query, "after": answer["meta"]["next"]}).json()
        seen += [item["id"] for item in answer["items"]]
        assert answer["meta"]["total_count"] == 9
    assert seen == newest_first(news)
    assert answer["meta"]["next"] is None


def test_a_window_after_a_cursor_costs_what_the_first_one_costs(client, news):
    client.get("/api/v2/pages/", {**NEWS, "limit": 3})
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        cursor = client.get("/api/v2/pages/", {**NEWS, "limit": 3}).json()["meta"]["next"]
    cache.clear()
    with CaptureQueriesContext(connection) as later:
        client.get("/api/v2/pages/", {**NEWS, "limit": 3, "after": cursor})
    assert len(later) == len(first)


@pytest.mark.parametrize(
    "query",
    [
        {"after": "p1.abc.3"},
        {"after": "v1.1.2.3"},
        {"after": "p1.-5.3"},
        {"after": "p1.1.2.3"},
        {"after": "p1.99999999999999999999999999.3"},
        {"after": "p1.1000.3", "offset": 20},
        {"after": "p1.1000.3", "order": "title"},
    ],
)
def test_a_bad_cursor_is_a_400_naming_after(client, db, query):
    response = client.get("/api/v2/pages/", query)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["after"]


def test_counts_stop_at_the_cap_and_say_so(client, news, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_CAP", 5)
    meta = client.get("/api/v2/pages/", NEWS).json()["meta"]
    assert meta["total_count"] == 5
    assert meta["total_count_capped"] is True
    monkeypatch.setattr(keyset, "COUNT_CAP", 9)
    cache.clear()
    meta = client.get("/api/v2/pages/", NEWS).json()["meta"]
    assert (meta["total_count"], meta["total_count_capped"]) == (9, False)
