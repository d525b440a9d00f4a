"""Counts and facets past a cap, and the ranking that lets the engine stop early.

A search counts its matches exactly up to ``SEARCH_COUNT_CAP`` and its facets
over at most ``SEARCH_FACET_SAMPLE`` matches; past them the response says
``count_capped`` and ``facets_estimated``, on either back end. The caps are
lowered here so that the small corpus crosses them.
"""

import datetime

import pytest
from django.test import override_settings

from content_types.factories import publish_document
from search import queries

from .conftest import engine_settings, indexed_corpus
from .test_contract import ids, search

pytestmark = pytest.mark.django_db

SAME_TEXT = "Quy chế phối hợp công tác văn thư lưu trữ"


def add_twins(data):
    """Documents alike in every word: one recent and one old, both in force;
    one expired and one in force, the same day."""
    day = datetime.date
    unit = data.units.district
    data.twins = {
        name: publish_document(
            unit, number, "QC", title=SAME_TEXT, summary=SAME_TEXT, issued_on=issued, status=status
        )
        for name, number, issued, status in [
            ("recent", "31-QC/HU", day(2025, 11, 1), "in_force"),
            ("old", "32-QC/HU", day(2021, 11, 1), "in_force"),
            ("expired", "33-QC/HU", day(2023, 3, 1), "expired"),
            ("in_force", "34-QC/HU", day(2023, 3, 1), "in_force"),
        ]
    }


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from indexed_corpus(django_db_blocker, extend=add_twins)


def test_counts_and_facets_under_the_caps_are_exact_and_say_so(client, backend, corpus):
    body = search(client, backend, q="chuyen doi so")
    assert body["count"] == 4
    assert body["count_capped"] is False
    assert body["facets_estimated"] is False
    assert sum(f["count"] for f in body["facets"]["kind"]) == 4


def test_a_count_past_the_cap_says_it_stopped_there(client, backend, corpus):
    with override_settings(SEARCH_COUNT_CAP=2, SEARCH_FACET_SAMPLE=3):
        body = search(client, backend, q="chuyen doi so")
    # Every match is still ranked: the page holds all four.
    assert len(body["results"]) == 4
    assert (body["count"], body["count_capped"]) == (2, True)
    assert body["facets_estimated"] is True
    assert sum(f["count"] for f in body["facets"]["kind"]) == 3


def test_facets_of_exactly_the_sample_are_exact(client, backend, corpus):
    with override_settings(SEARCH_COUNT_CAP=4, SEARCH_FACET_SAMPLE=4):
        body = search(client, backend, q="chuyen doi so")
    assert (body["count"], body["count_capped"], body["facets_estimated"]) == (4, False, False)
    assert {f["value"]: f["count"] for f in body["facets"]["kind"]} == {"document": 3, "news": 1}


def test_a_listing_without_words_is_capped_too(client, backend, corpus):
    with override_settings(SEARCH_COUNT_CAP=2, SEARCH_FACET_SAMPLE=2):
        body = search(client, backend, kind="document", page_size=3)
    assert [r["kind"] for r in body["results"]] == ["document"] * 3
    assert body["count_capped"] is True


def test_among_equal_matches_the_newer_ranks_higher(client, backend, corpus):
    found = ids(search(client, backend, q="quy che phoi hop van thu"))
    twins = corpus.twins
    assert set(found) == {doc.pk for doc in twins.values()}
    assert found.index(twins["recent"].pk) < found.index(twins["old"].pk)


def test_among_equal_matches_of_a_day_the_one_in_force_ranks_higher(client, corpus):
    # OpenSearch only: the database fallback ranks by date alone (docs/search.md).
    with engine_settings(corpus.index):
        found = ids(search(client, "opensearch", q="quy che phoi hop van thu"))
    twins = corpus.twins
    assert found.index(twins["in_force"].pk) < found.index(twins["expired"].pk)


def test_a_search_the_engine_refuses_is_answered_by_the_database(client, corpus):
    with engine_settings("stdv_test_no_such_index"):
        response = client.get("/api/search/", {"q": "chuyen doi so"})
    assert response.status_code == 200
    assert response["X-Search-Backend"] == "database"
    assert response.json()["count"] == 4


def test_paging_past_the_ranked_window_shows_every_match_once(client, corpus, monkeypatch):
    monkeypatch.setattr(queries, "RANKED_WINDOW", 2)
    with engine_settings(corpus.index):
        found = [
            pk
            for n in (1, 2, 3, 4)
            for pk in ids(
                search(client, "opensearch", q="quy che phoi hop van thu", page=n, page_size=1)
            )
        ]
    assert sorted(found) == sorted(doc.pk for doc in corpus.twins.values())
