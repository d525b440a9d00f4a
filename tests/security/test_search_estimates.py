"""Search past its caps: the count and the sampled facets (the second body
of the engine's ``msearch``) count only what the caller may read.

The unit-only items of the grassroots unit (news, an answer) are written
before the public ones, so they come first in the index: a facets body
sampling the first matches without the audience filter would count them.
"""

import pytest
from django.test import override_settings

from content_types.models import Audience
from tests.search.conftest import engine_settings, indexed_corpus, publish_news

pytestmark = pytest.mark.django_db

PUBLIC = 3


def add_public_matches(data):
    data.public_matches = [
        publish_news(data.units.province, f"Thông báo mật mã công khai số {n}")
        for n in range(PUBLIC)
    ]
    data.secret_units = {data.units.grassroots.pk}
    assert data.news.unit_only.audience == Audience.UNIT


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from indexed_corpus(django_db_blocker, extend=add_public_matches)


@pytest.mark.parametrize("reader", ["anonymous", "other district member"])
def test_capped_counts_and_sampled_facets_leave_out_other_units_items(client, corpus, reader):
    user = corpus.readers[reader]
    if user is not None:
        client.force_login(user)
    with (
        engine_settings(corpus.index),
        override_settings(SEARCH_COUNT_CAP=2, SEARCH_FACET_SAMPLE=2),
    ):
        response = client.get("/api/search/", {"q": "mat ma"})
    assert response["X-Search-Backend"] == "opensearch"
    body = response.json()
    assert (body["count"], body["count_capped"], body["facets_estimated"]) == (2, True, True)
    assert {r["id"] for r in body["results"]} == {p.pk for p in corpus.public_matches}
    facets = body["facets"]
    assert {f["value"]: f["count"] for f in facets["kind"]} == {"news": 2}
    assert {f["value"] for f in facets["unit"]} == {corpus.units.province.pk}
    assert not {f["value"] for f in facets["unit"]} & corpus.secret_units


def test_the_branch_member_counts_their_own_unit_items(client, corpus):
    client.force_login(corpus.readers["branch member"])
    with (
        engine_settings(corpus.index),
        override_settings(SEARCH_COUNT_CAP=100, SEARCH_FACET_SAMPLE=100),
    ):
        body = client.get("/api/search/", {"q": "mat ma"}).json()
    # Their unit's news (two), its answer, and the public ones.
    assert body["count"] == 3 + PUBLIC
    assert {f["value"]: f["count"] for f in body["facets"]["kind"]} == {"news": 5, "answer": 1}
