"""The search contract, asserted once on OpenSearch and once on the database fallback."""

import pytest

from search.service import unit_names

pytestmark = pytest.mark.django_db


def search(client, backend, user=None, **params):
    if user is not None:
        client.force_login(user)
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    assert response["X-Search-Backend"] == backend
    return response.json()


def ids(body):
    return [result["id"] for result in body["results"]]


def test_a_query_without_diacritics_finds_the_vietnamese_text(client, backend, corpus):
    body = search(client, backend, q="nghi quyet chuyen doi so")
    assert corpus.docs.digital.pk in ids(body)
    assert corpus.docs.old_resolution.pk in ids(body)


def test_a_query_with_diacritics_ranks_the_exact_spelling_first(client, backend, corpus):
    body = search(client, backend, q="chuyển đổi số", kind="document")
    found = ids(body)
    # "Ke hoach chuyen doi so" matches only once folded: it ranks below the exact ones.
    assert corpus.docs.folded_title.pk in found
    assert found.index(corpus.docs.digital.pk) < found.index(corpus.docs.folded_title.pk)


def test_a_quoted_phrase_matches_only_as_a_phrase(client, backend, corpus):
    loose = search(client, backend, q="công tác chuyển đổi số")
    phrase = search(client, backend, q='"công tác đảng"')
    assert corpus.docs.digital.pk in ids(loose)
    assert ids(phrase) == [corpus.docs.digital.pk]
    assert search(client, backend, q='"đảng công tác"')["count"] == 0


@pytest.mark.parametrize(
    "query", ["619-BC/ĐUK", "619/BC", "619 bc đuk", "BC/ĐUK 619", "619 bc duk"]
)
def test_every_way_of_typing_a_number_finds_that_document_first(client, backend, corpus, query):
    body = search(client, backend, q=query)
    assert ids(body)[0] == corpus.docs.digital.pk
    assert body["results"][0]["number"] == "619-BC/ĐUK"


def test_a_number_alone_finds_the_document_among_the_top_results(client, backend, corpus):
    assert corpus.docs.digital.pk in ids(search(client, backend, q="619"))[:3]


def test_results_carry_the_contract_fields(client, backend, corpus):
    body = search(client, backend, q="619-BC/ĐUK")
    first = body["results"][0]
    assert set(first) == {"id", "kind", "title", "number", "url", "unit", "highlight"}
    assert first["kind"] == "document"
    assert first["unit"] == {"id": corpus.units.grassroots.pk, "name": "Đảng ủy xã Hà Thượng"}
    assert first["url"].endswith("/")
    assert set(body["facets"]) == {"kind", "document_type", "unit", "year"}


def test_a_renamed_unit_shows_its_new_name_in_results_and_facets(client, backend, corpus):
    unit = corpus.units.grassroots
    search(client, backend, q="619-BC/ĐUK")  # the old name is now kept in the process
    original = unit.name
    try:
        unit.name = "Đảng ủy xã Hà Thượng (mới)"
        unit.save(update_fields=["name"])
        body = search(client, backend, q="619-BC/ĐUK")
        assert body["results"][0]["unit"]["name"] == "Đảng ủy xã Hà Thượng (mới)"
        labels = {f["value"]: f["label"] for f in body["facets"]["unit"]}
        assert labels[unit.pk] == "Đảng ủy xã Hà Thượng (mới)"
    finally:
        unit.name = original
        unit.save(update_fields=["name"])


def test_snippets_mark_the_words_found(client, backend, corpus):
    body = search(client, backend, q="dan van")
    result = next(r for r in body["results"] if r["id"] == corpus.docs.other_number.pk)
    assert (
        "<mark>dân vận</mark>" in result["highlight"] or "<mark>dân</mark>" in result["highlight"]
    )


def test_filters_narrow_the_results(client, backend, corpus):
    docs = corpus.docs
    by_type = search(client, backend, q="chuyen doi so", document_type="NQ")
    assert ids(by_type) == [docs.old_resolution.pk]
    by_year = search(client, backend, q="chuyen doi so", year=2024)
    assert ids(by_year) == [docs.folded_title.pk]
    by_dates = search(
        client, backend, q="chuyen doi so", date_from="2024-01-01", date_to="2024-12-31"
    )
    assert ids(by_dates) == [docs.folded_title.pk]
    by_status = search(client, backend, q="chuyen doi so", status="expired")
    assert ids(by_status) == [docs.old_resolution.pk]
    news_only = search(client, backend, q="chuyen doi so", kind="news")
    assert ids(news_only) == [corpus.news.public.pk]


def test_the_unit_filter_covers_its_subtree_on_request(client, backend, corpus):
    district = corpus.units.district.pk
    own = search(client, backend, q="chuyen doi so", unit=district)
    subtree = search(client, backend, q="chuyen doi so", unit=district, include_subunits="true")
    assert ids(own) == [corpus.docs.folded_title.pk]
    assert set(ids(subtree)) == {corpus.docs.folded_title.pk, corpus.docs.digital.pk}


def test_facets_count_type_document_type_unit_and_year(client, backend, corpus):
    facets = search(client, backend, q="chuyen doi so")["facets"]
    assert {f["value"]: f["count"] for f in facets["kind"]} == {"document": 3, "news": 1}
    assert {f["value"]: f["count"] for f in facets["document_type"]} == {
        "BC": 1,
        "NQ": 1,
        "KH": 1,
    }
    assert {f["value"]: f["count"] for f in facets["year"]} == {2025: 2, 2024: 1, 2019: 1}
    units = {f["value"]: (f["label"], f["count"]) for f in facets["unit"]}
    assert units[corpus.units.province.pk] == ("Tỉnh ủy Thái Nguyên", 2)


def test_pagination(client, backend, corpus):
    first = search(client, backend, q="chuyen doi so", page_size=2)
    second = search(client, backend, q="chuyen doi so", page_size=2, page=2)
    assert first["count"] == second["count"] == 4
    assert len(first["results"]) == len(second["results"]) == 2
    assert not set(ids(first)) & set(ids(second))


def test_drafts_are_never_found(client, backend, corpus):
    assert search(client, backend, q="bản nháp")["count"] == 0


# --- audience: who sees which results, counts, facets and suggestions ----------------

SECRET = "mật mã"  # every item saying it is for members of some unit only
AUDIENCE = {
    # reader: (titles found for "mat ma", total count)
    "anonymous": set(),
    "branch member": {"unit_only", "branch_only", "answer"},
    "other district member": set(),
}


@pytest.mark.parametrize("reader", sorted(AUDIENCE))
def test_audience_matrix_for_results_counts_and_facets(client, backend, corpus, reader):
    expected = {
        "unit_only": corpus.news.unit_only.pk,
        "branch_only": corpus.news.branch_only.pk,
        "answer": corpus.answer.pk,
    }
    body = search(client, backend, user=corpus.readers[reader], q="mat ma")
    wanted = {expected[name] for name in AUDIENCE[reader]}
    assert set(ids(body)) == wanted
    assert body["count"] == len(wanted)
    assert sum(f["count"] for f in body["facets"]["kind"]) == len(wanted)


@pytest.mark.parametrize(
    ("reader", "sees_members_only"),
    [("anonymous", False), ("branch member", True), ("other district member", True)],
)
def test_members_only_documents_need_a_member(client, backend, corpus, reader, sees_members_only):
    body = search(client, backend, user=corpus.readers[reader], q="bí mật nhà nước")
    assert (corpus.docs.members_only.pk in ids(body)) is sees_members_only
    document_types = {f["value"] for f in body["facets"]["document_type"]}
    assert ("CT" in document_types) is sees_members_only


@pytest.mark.parametrize(
    ("reader", "titles"),
    [
        ("anonymous", set()),
        ("branch member", {"Sinh hoạt chi bộ chuyên đề mật mã"}),
        ("other district member", set()),
    ],
)
def test_suggestions_respect_the_audience(client, backend, corpus, reader, titles):
    user = corpus.readers[reader]
    if user is not None:
        client.force_login(user)
    response = client.get("/api/search/suggest/", {"q": "sinh hoat chi"})
    assert response.status_code == 200
    assert {r["title"] for r in response.json()["results"]} == titles


def test_suggestions_complete_a_prefix_without_diacritics(client, backend, corpus):
    response = client.get("/api/search/suggest/", {"q": "hoi nghi trien"})
    assert [r["title"] for r in response.json()["results"]] == [
        "Hội nghị triển khai chuyển đổi số toàn tỉnh"
    ]


def test_bad_input_names_the_field(client, backend, corpus):
    response = client.get(
        "/api/search/", {"q": "x", "kind": "poem", "year": "abc", "unit": 999999}
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"kind", "year", "unit"}


def test_a_bearer_token_reads_member_content(client, backend, corpus):
    from api.models import ReaderToken

    _token, raw = ReaderToken.objects.issue(corpus.readers["branch member"])
    response = client.get("/api/search/", {"q": "mat ma"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert client.get("/api/search/", {"q": "mat ma"}).json()["count"] == 0


def test_a_search_costs_the_same_few_queries_however_many_results(
    client, backend, corpus, django_assert_num_queries
):
    # Engine: the unit names of results and facets. Database: the facet
    # columns (and count), the page, unit names.
    expected = 1 if backend == "opensearch" else 3
    for query in ("chuyen doi so", "619"):
        unit_names.clear()
        with django_assert_num_queries(expected):
            assert client.get("/api/search/", {"q": query}).status_code == 200
    # Unit names are kept: searching again does not read them again.
    with django_assert_num_queries(expected - 1):
        assert client.get("/api/search/", {"q": "619"}).status_code == 200
