"""The database fallback looks words up in an index on PostgreSQL
(search/migrations/0004_fallback_indexes.py, search/database.py).

Several thousand records of filler text, a few with a rare word: a search
for the word finds exactly those, and the plan of the fallback's main query
reads them through the word index instead of scanning every record.
"""

import random

import pytest
from django.db import connection
from django.test import override_settings

from search.database import matching
from search.models import SearchRecord
from search.params import SearchParams
from search.text import fold, folded_words, parse_query

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's"),
]

INDEXES = {
    "search_record_folded_words": "gin (folded_words)",
    "search_record_folded_pairs": "gin (folded_pairs)",
    "search_record_folded_title_trgm": "gin (folded_title gin_trgm_ops)",
    "search_record_folded_number_trgm": "gin (folded_number gin_trgm_ops)",
    "search_record_newest": "btree (date DESC NULLS LAST, object_id DESC, id DESC)",
    "search_record_newest_of_type": (
        "btree (document_type, date DESC NULLS LAST, object_id DESC, id DESC)"
    ),
}
FILLER = [
    "hội",
    "nghị",
    "triển",
    "khai",
    "công",
    "tác",
    "đảng",
    "chi",
    "bộ",
    "sinh",
    "hoạt",
    "kế",
    "hoạch",
    "báo",
    "cáo",
    "tổng",
    "kết",
]
RARE = "khuyến nông"


def record(n, title, text):
    folded = folded_words(f"{title} {text}")
    return SearchRecord(
        key=f"page:{n}",
        kind="news",
        object_id=n,
        title=title,
        text=text,
        url=f"/tin/{n}/",
        audience="public",
        locale="vi",
        folded=folded,
        folded_title=folded_words(title),
    )


@pytest.fixture
def archive():
    rng = random.Random(3)
    rows = []
    for n in range(1, 4001):
        title = " ".join(rng.choices(FILLER, k=6)).capitalize()
        rows.append(record(n, title, " ".join(rng.choices(FILLER, k=300))))
    rare = [17, 1500, 3999]
    for n in rare:
        rows[n - 1] = record(n, rows[n - 1].title, f"Mô hình {RARE} ở xã. {rows[n - 1].text}")
    SearchRecord.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchrecord")
    return rare


def test_the_indexes_exist_after_migrate():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchrecord'"
        )
        found = dict(cursor.fetchall())
    for name, method in INDEXES.items():
        assert f"USING {method}" in found[name]


def plan_of(q):
    params = SearchParams(parsed=parse_query(q), locale="vi")
    with connection.cursor() as cursor:
        # A small table may be cheaper to scan: make the planner's choice
        # deterministic, as on a large one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return matching(params, None).explain(analyze=True)
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


@override_settings(SEARCH_ENGINE_URL=None)
def test_a_rare_word_is_found_through_the_index(archive, client):
    response = client.get("/api/search/", {"q": fold(RARE)})
    assert response["X-Search-Backend"] == "database"
    assert sorted(r["id"] for r in response.json()["results"]) == archive
    # Whole words only, as with LIKE '% word %': part of a word finds nothing.
    assert client.get("/api/search/", {"q": "khuy"}).json()["count"] == 0
    plan = plan_of(RARE)
    assert "Bitmap Index Scan on search_record_folded_words" in plan
    assert "Seq Scan on search_searchrecord" not in plan


def test_a_phrase_and_a_number_use_the_index_too(archive):
    # A phrase: its words, or its pairs of neighbouring words (migration 0006).
    assert "Bitmap Index Scan on search_record_folded_" in plan_of(f'"{RARE}"')
    assert "Bitmap Index Scan on search_record_folded_words" in plan_of("619-BC/ĐUK")
