"""Quoted phrases in the database fallback on PostgreSQL: looked up in the index
of neighbouring words (search/migrations/0006_fallback_phrase_pairs.py), with
exactly the results of reading the text, and a search in two queries
however many records match.
"""

import random

import pytest
from django.db import connection
from django.test import override_settings

from search import database
from search.models import SearchRecord
from search.params import SearchParams
from search.text import parse_query, search_words
from tests.search.test_database_fallback_index import FILLER, record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's"),
]


@pytest.fixture
def archive():
    """2,000 records of the same 17 words in random order: every pair of
    them occurs somewhere, most phrases of three somewhere else."""
    rng = random.Random(5)
    rows = [
        record(n, f"Tin {n}", " ".join(rng.choices(FILLER, k=rng.randrange(5, 200))))
        for n in range(1, 2001)
    ]
    SearchRecord.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchrecord")
    return {row.object_id: row.folded for row in rows}


def found(q, **filters):
    params = SearchParams(parsed=parse_query(q), locale="vi", page_size=50, **filters)
    count, hits, *_rest = database.search(params, None)
    return count, [hit["object_id"] for hit in hits]


def holding(archive, phrase):
    needle = search_words(phrase)
    return {object_id for object_id, folded in archive.items() if needle in folded}


def test_phrases_find_exactly_the_records_whose_text_holds_them(archive):
    rng = random.Random(8)
    for size in [2] * 12 + [3] * 12 + [4] * 6:
        phrase = " ".join(rng.choices(FILLER, k=size))
        expected = holding(archive, phrase)
        count, _ids = found(f'"{phrase}"')
        assert count == len(expected), phrase
    # A phrase no record holds in that order; each of its pairs is common.
    assert holding(archive, "hội hội hội hội hội hội") == set()
    assert found('"hội hội hội hội hội hội"')[0] == 0


def test_a_phrase_of_three_needs_its_words_in_a_row(archive):
    # "công tác đảng" split: its pairs are there, the phrase is not.
    SearchRecord.objects.bulk_create(
        [
            record(5001, "Tin tách", "sinh hoạt công tác tổng kết tác đảng bộ"),
            record(5002, "Tin liền", "sinh hoạt công tác đảng bộ"),
        ]
    )
    _count, ids = found('"công tác đảng" sinh hoạt')
    assert 5002 in ids
    assert 5001 not in ids


def test_a_phrase_of_common_words_is_looked_up_in_the_pair_index():
    # Every record holds both words, three of them in this order.
    rows = [record(n, f"Tin {n}", " ".join(FILLER * 3)) for n in range(1, 3001)]
    for n in (10, 1000, 2000):
        rows[n - 1] = record(n, f"Tin {n}", f"{rows[n - 1].text} đảng công")
    SearchRecord.objects.bulk_create(rows)
    params = SearchParams(parsed=parse_query('"đảng công"'), locale="vi")
    with connection.cursor() as cursor:
        # As autovacuum leaves them: the new rows merged into the index.
        cursor.execute("SELECT gin_clean_pending_list('search_record_folded_pairs'::regclass)")
        cursor.execute("ANALYZE search_searchrecord")
        # A small table is cheaper to read whole: make the choice the planner
        # makes on a large one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = database.matching(params, None).explain()
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "Bitmap Index Scan on search_record_folded_pairs" in plan
    assert "Bitmap Index Scan on search_searchrecord_audience" not in plan
    assert sorted(found('"đảng công"')[1]) == [10, 1000, 2000]


def test_a_record_too_long_for_pairs_is_still_found_by_its_text(archive):
    long_text = " ".join(["nghị"] * 50_000 + ["khuyến", "nông"] + ["bộ"] * 10)
    SearchRecord.objects.bulk_create([record(6001, "Văn kiện dài", long_text)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT folded_pairs IS NULL FROM search_searchrecord WHERE object_id = 6001"
        )
        assert cursor.fetchone() == (True,)
    assert found('"khuyến nông"')[1] == [6001]
    assert found('"nông khuyến"')[0] == 0


def test_a_phrase_with_a_very_long_word_is_checked_in_the_text(archive):
    word = "x" * 150
    SearchRecord.objects.bulk_create(
        [
            record(7001, "Mã", f"mã {word} hết"),
            record(7002, "Mã khác", f"mã {word}y hết"),
        ]
    )
    assert found(f'"mã {word}"')[1] == [7001]


@override_settings(SEARCH_ENGINE_URL=None)
@pytest.mark.parametrize("q", ['"công tác"', "chi bộ", "Công tác đảng", ""])
def test_a_search_is_two_queries_however_many_records_match(archive, django_assert_num_queries, q):
    # The count, facets and first records in one read; the page in another.
    with django_assert_num_queries(2):
        count, ids = found(q)
    assert count > 50
    assert len(ids) == 50
    with django_assert_num_queries(2):
        assert found(q, page=3)[1] != ids
