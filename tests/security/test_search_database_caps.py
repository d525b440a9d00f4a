"""The database fallback past its caps: the capped count, the sampled facets
and the page count and show only what the caller may read.

The unit-only items of the grassroots unit (news, an answer) are written
before the public ones: a sample of the first matching rows taken before the
audience test would count them.
"""

import pytest
from django.test import override_settings

from tests.search.conftest import indexed_corpus
from tests.security.test_search_estimates import PUBLIC, add_public_matches

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from indexed_corpus(django_db_blocker, extend=add_public_matches)


def capped_search(client, q, cap=2):
    with override_settings(SEARCH_ENGINE_URL=None, SEARCH_COUNT_CAP=cap, SEARCH_FACET_SAMPLE=cap):
        response = client.get("/api/search/", {"q": q})
    assert response["X-Search-Backend"] == "database"
    return response.json()


@pytest.mark.parametrize("reader", ["anonymous", "other district member"])
def test_capped_counts_facets_and_pages_leave_out_other_units_items(client, corpus, reader):
    user = corpus.readers[reader]
    if user is not None:
        client.force_login(user)
    body = capped_search(client, "mat ma")
    assert (body["count"], body["count_capped"], body["facets_estimated"]) == (2, True, True)
    assert {r["id"] for r in body["results"]} == {p.pk for p in corpus.public_matches}
    facets = body["facets"]
    assert {f["value"]: f["count"] for f in facets["kind"]} == {"news": 2}
    assert {f["value"] for f in facets["unit"]} == {corpus.units.province.pk}
    assert not {f["value"] for f in facets["unit"]} & corpus.secret_units


def test_a_listing_without_words_past_the_cap_leaves_them_out_too(client, corpus):
    client.force_login(corpus.readers["other district member"])
    with override_settings(SEARCH_ENGINE_URL=None, SEARCH_COUNT_CAP=2, SEARCH_FACET_SAMPLE=2):
        body = client.get("/api/search/", {"kind": "news", "page_size": 50}).json()
    assert body["count_capped"] is True
    found = {r["id"] for r in body["results"]}
    assert {p.pk for p in corpus.public_matches} <= found
    hidden = {corpus.news.unit_only.pk, corpus.news.branch_only.pk}
    assert not found & hidden
    assert not {f["value"] for f in body["facets"]["unit"]} & corpus.secret_units


def test_the_branch_member_finds_their_own_unit_items_past_the_cap(client, corpus):
    client.force_login(corpus.readers["branch member"])
    body = capped_search(client, "mat ma")
    assert (body["count"], body["count_capped"]) == (2, True)
    # Their unit's news (two), its answer, and the public ones: all ranked.
    assert len(body["results"]) == 3 + PUBLIC
    assert corpus.news.branch_only.pk in {r["id"] for r in body["results"]}
