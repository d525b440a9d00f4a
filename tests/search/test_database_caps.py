"""The database fallback past its caps (search/database.py): a word in most
records is counted up to ``SEARCH_COUNT_CAP`` (at most
``SEARCH_DATABASE_SAMPLE``) and faceted over at most ``SEARCH_FACET_SAMPLE``
matches, and the answer says so, as the engine's does. Past the cap, the
tiers are weighed on the newest ``RANKED_WINDOW`` matches, and older ones
follow by date: with a window over every match, the pages are those of a
search that read every match.

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
    with override_settings(
        SEARCH_COUNT_CAP=cap, SEARCH_FACET_SAMPLE=sample, SEARCH_DATABASE_SAMPLE=NO_CAP
    ):
        return database.search(params(q, **filters), None)


@pytest.fixture
def window_over_all(monkeypatch):
    monkeypatch.setattr(database, "RANKED_WINDOW", RECORDS)


def ids(found):
    return [hit["object_id"] for hit in found.hits]


def ranked(rows, q, window=RECORDS):
    """Every match of ``q`` (typed without diacritics) in the fallback's order:
    the number, then the title (among the newest ``window``), then the newest."""
    words = [search_words(word) for word in parse_query(q).terms]

    def rank(row):
        if all(word in f" {row.folded_number} " for word in words):
            return 8
        return 3 if all(word in row.folded_title for word in words) else 0

    matches = [row for row in rows if all(word in row.folded for word in words)]
    matches.sort(key=lambda row: row.object_id, reverse=True)
    matches.sort(key=lambda row: row.date or datetime.date.min, reverse=True)
    ranks = {
        row.object_id: rank(row) if position < window or rank(row) == 8 else -1
        for position, row in enumerate(matches)
    }
    matches.sort(key=lambda row: ranks[row.object_id], reverse=True)
    return [row.object_id for row in matches]


@pytest.mark.parametrize("q", ["cong tac", "chi bo hoi", "3", "nq", "dang"])
def test_a_common_word_is_counted_up_to_the_cap_and_says_so(archive, window_over_all, q):
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
def test_with_a_window_over_all_pages_are_the_same_whatever_the_caps(
    archive, window_over_all, q, page
):
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


@pytest.mark.parametrize("q, title_tier_cut", [("cong tac", True), ("3", False)])
def test_past_the_window_matches_follow_by_date_and_each_page_shows_them_once(
    archive, monkeypatch, q, title_tier_cut
):
    monkeypatch.setattr(database, "RANKED_WINDOW", 30)
    expected = ranked(archive, q, window=30)
    pages = [search(q, cap=CAP, sample=SAMPLE, page=n, page_size=20) for n in (1, 2, 3, 4, 5)]
    assert all(found.count_capped for found in pages)
    assert [pk for found in pages for pk in ids(found)] == expected[:100]
    # An older match with the words in its title ranks among those of its
    # date; one whose number matches ranks first however old.
    assert (ranked(archive, q, window=30)[:100] != ranked(archive, q)[:100]) is title_tier_cut


def test_the_database_sample_bounds_the_count_below_the_search_cap(archive):
    with override_settings(SEARCH_DATABASE_SAMPLE=CAP):
        found = database.search(params("cong tac"), None)
    assert (found.count, found.count_capped, found.facets_estimated) == (CAP, True, True)
    assert sum(count for _kind, count in found.facets["kind"]) == CAP


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
