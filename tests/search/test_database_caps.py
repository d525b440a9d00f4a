"""The database fallback past its caps (search/database.py): a word in most
records is counted up to ``SEARCH_COUNT_CAP`` and faceted over at most
``SEARCH_FACET_SAMPLE`` matches, and the answer says so, as the engine's
does. The pages are ranked as if every match were read: the same results,
in the same order, whatever the caps.

3,000 records of the same 17 words, dated over ten years (a few undated),
a quarter of them documents with a number; a number is in some news texts too.
"""

import datetime
import random

import pytest
from django.db import connection
from django.test import override_settings

from search import database
from search.models import SearchRecord
from search.params import SearchParams
from search.text import folded_columns, parse_query, search_words
from tests.search.test_database_fallback_index import FILLER

pytestmark = pytest.mark.django_db

RECORDS = 3000
CAP = 100
SAMPLE = 60
# Far more than any search here matches: everything counted.
NO_CAP = 1_000_000


def record(rng, n):
    title = " ".join(rng.choices(FILLER, k=5)).capitalize()
    text = " ".join(rng.choices(FILLER, k=12))
    is_document = n % 4 == 0
    number = f"{n % 5}-NQ/TU" if is_document else ""
    if n % 9 == 0:
        text += " 3"
    dated = n % 50 != 0
    return SearchRecord(
        key=f"page:{n}",
        kind="document" if is_document else "news",
        object_id=n,
        title=title,
        number=number,
        text=text,
        url=f"/tin/{n}/",
        audience="public",
        locale="vi",
        date=datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        if dated
        else None,
        **folded_columns(title, number, text, ""),
    )


@pytest.fixture
def archive():
    rng = random.Random(11)
    rows = [record(rng, n) for n in range(1, RECORDS + 1)]
    SearchRecord.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchrecord")
    return rows


def params(q, **filters):
    return SearchParams(parsed=parse_query(q), locale="vi", **filters)


def search(q, *, cap, sample, **filters):
    with override_settings(SEARCH_COUNT_CAP=cap, SEARCH_FACET_SAMPLE=sample):
        return database.search(params(q, **filters), None)


def ids(found):
    return [hit["object_id"] for hit in found.hits]


def ranked(rows, q):
    """Every match of ``q`` (typed without diacritics) in the fallback's order:
    the number, then the title, then the newest."""
    words = [search_words(word) for word in parse_query(q).terms]

    def rank(row):
        if all(word in f" {row.folded_number} " for word in words):
            return 8
        return 3 if all(word in row.folded_title for word in words) else 0

    matches = [row for row in rows if all(word in row.folded for word in words)]
    matches.sort(key=lambda row: row.object_id, reverse=True)
    matches.sort(key=lambda row: row.date or datetime.date.min, reverse=True)
    matches.sort(key=rank, reverse=True)
    return [row.object_id for row in matches]


@pytest.mark.parametrize("q", ["cong tac", "chi bo hoi", "3", "nq", "dang"])
def test_a_common_word_is_counted_up_to_the_cap_and_says_so(archive, q):
    everything = ranked(archive, q)
    assert len(everything) > CAP
    found = search(q, cap=CAP, sample=SAMPLE, page_size=20)
    assert (found.count, found.count_capped, found.facets_estimated) == (CAP, True, True)
    assert sum(count for _kind, count in found.facets["kind"]) == SAMPLE
    assert sum(count for _year, count in found.facets["year"]) <= SAMPLE
    # The first page is the first twenty of every match, ranked.
    assert ids(found) == everything[:20]


@pytest.mark.parametrize("q", ["cong tac", "Công tác đảng", '"chi bo"', "3", ""])
@pytest.mark.parametrize("page", [1, 3, 7])
def test_pages_are_the_same_whatever_the_caps(archive, q, page):
    capped = search(q, cap=CAP, sample=SAMPLE, page=page, page_size=20)
    exact = search(q, cap=NO_CAP, sample=NO_CAP, page=page, page_size=20)
    assert capped.count_capped and not exact.count_capped
    assert ids(capped) == ids(exact)
    assert len(ids(capped)) == 20


def test_under_the_caps_count_and_facets_are_exact(archive):
    q = "cong tac hoi nghi dang chi bo sinh hoat"
    everything = ranked(archive, q)
    assert 0 < len(everything) < SAMPLE
    found = search(q, cap=CAP, sample=SAMPLE, page_size=50)
    assert (found.count, found.count_capped, found.facets_estimated) == (
        len(everything),
        False,
        False,
    )
    assert sum(count for _kind, count in found.facets["kind"]) == len(everything)
    assert ids(found) == everything


def test_a_count_between_the_sample_and_the_cap_is_exact_and_its_facets_estimated(archive):
    found = search("cong tac", cap=NO_CAP, sample=SAMPLE)
    assert found.count == len(ranked(archive, "cong tac"))
    assert (found.count_capped, found.facets_estimated) == (False, True)
    assert sum(count for _kind, count in found.facets["kind"]) == SAMPLE


def test_a_filter_narrows_the_sample_too(archive):
    found = search("cong tac", cap=CAP, sample=SAMPLE, kind="document")
    assert found.count_capped
    assert found.facets["kind"] == [("document", SAMPLE)]
    assert {hit["kind"] for hit in found.hits} == {"document"}


@pytest.mark.parametrize("q", ["cong tac", "Công tác đảng", '"chi bo"', "3", ""])
def test_a_capped_search_is_two_queries(archive, django_assert_num_queries, q):
    # The count, the facets and the first records in one read; the page in another.
    with django_assert_num_queries(2):
        found = search(q, cap=CAP, sample=SAMPLE, page=2)
    assert found.count_capped
    assert len(found.hits) == 20
