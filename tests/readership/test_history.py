"""GET /api/reading/: my own reading history, newest day first, among the
items I may still read; private and never stored."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from readership.models import ItemRead
from tests.api.conftest import publish_news


def opened(user, page, days_ago=0):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return ItemRead.objects.create(user=user, page=page, day=day, first_at=timezone.now())


def test_my_history_lists_what_i_opened_newest_day_first(reading, unit_tree):
    older = publish_news(unit_tree.grassroots, "Tin cũ")
    opened(reading.alice, older, days_ago=3)
    opened(reading.alice, reading.news, days_ago=1)
    opened(reading.alice, reading.news, days_ago=0)
    opened(reading.bob, reading.branch_news)

    response = reading.clients["alice"].get("/api/reading/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    today = timezone.localdate()
    assert body["meta"] == {"total_count": 3}
    assert body["items"] == [
        {
            "id": reading.news.pk,
            "title": "Tin toàn Đảng bộ",
            "type": "content_types.NewsArticle",
            "day": today.isoformat(),
        },
        {
            "id": reading.news.pk,
            "title": "Tin toàn Đảng bộ",
            "type": "content_types.NewsArticle",
            "day": (today - datetime.timedelta(days=1)).isoformat(),
        },
        {
            "id": older.pk,
            "title": "Tin cũ",
            "type": "content_types.NewsArticle",
            "day": (today - datetime.timedelta(days=3)).isoformat(),
        },
    ]


def test_the_history_is_paginated_with_limit_and_offset(reading, unit_tree):
    pages = [publish_news(unit_tree.grassroots, f"Tin {n}") for n in range(5)]
    for days_ago, page in enumerate(pages):
        opened(reading.alice, page, days_ago=days_ago)
    alice = reading.clients["alice"]

    second = alice.get("/api/reading/?limit=2&offset=2").json()

    assert second["meta"]["total_count"] == 5
    assert [item["id"] for item in second["items"]] == [pages[2].pk, pages[3].pk]
    too_many = alice.get("/api/reading/?limit=101")
    assert too_many.status_code == 400
    assert list(too_many.json()["fields"]) == ["limit"]
    assert alice.get("/api/reading/?limit=100").status_code == 200
    # Nobody chooses whose history: an unknown parameter is refused, not ignored.
    unknown = alice.get(f"/api/reading/?user={reading.bob.pk}")
    assert unknown.status_code == 400
    assert list(unknown.json()["fields"]) == ["user"]


@pytest.mark.django_db
def test_signed_out_callers_get_401():
    response = Client().get("/api/reading/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_history_costs_the_same_queries_however_long(
    reading, unit_tree, django_assert_num_queries
):
    alice = reading.clients["alice"]
    opened(reading.alice, reading.news)
    alice.get("/api/reading/")  # warm the content-type cache
    with django_assert_num_queries(10, exact=False) as short:
        alice.get("/api/reading/")
    for n in range(15):
        opened(reading.alice, publish_news(unit_tree.grassroots, f"Tin {n}"), days_ago=n + 1)

    with django_assert_num_queries(len(short.captured_queries)):
        assert len(alice.get("/api/reading/").json()["items"]) == 16
