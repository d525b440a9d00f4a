"""Document numbers typed without their leading zero, on OpenSearch and on the
database fallback: "5/NQ-TU", "5-NQ/TU" and "05nqtu" find "05-NQ/TU"; "5"
finds neither "15-…" nor "50-…"."""

import datetime
import importlib

import pytest
from django.apps import apps

from content_types.factories import publish_document
from search.models import SearchRecord
from search.text import fold_numbers, folded_columns, number_words, search_words

from .conftest import indexed_corpus
from .test_contract import ids, search

pytestmark = pytest.mark.django_db


def add_fifty(data):
    data.fifty = publish_document(
        data.units.province,
        "50-KH/TU",
        "KH",
        title="Kế hoạch tuyên truyền",
        issued_on=datetime.date(2024, 3, 1),
    )


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The shared corpus (with "05-NQ/TU" and the members' "15-CT/HU") and a
    public "50-KH/TU", in an index of this module's own."""
    yield from indexed_corpus(django_db_blocker, extend=add_fifty)


def test_one_rule_folds_numbers_on_both_sides():
    assert fold_numbers(" 05 007 0 100 2025 nq05 ") == " 5 7 0 100 2025 nq5 "
    assert number_words("05-NQ/TU") == " 5 nq tu 5nqtu "
    assert search_words("5/NQ-TU") == search_words("05-nq/tu") == " 5 nq tu "
    assert search_words("05nqtu").strip() in number_words("05-NQ/TU").split()
    columns = folded_columns("Nghị quyết số 05", "05-NQ/TU", "ngày 05 tháng 3", "")
    assert columns["folded_number"] == " 5 nq tu 5nqtu "
    assert " nghi quyet so 5 " in columns["folded"] and " ngay 5 thang 3 " in columns["folded"]


@pytest.mark.parametrize("query", ["5/NQ-TU", "5-NQ/TU", "05nqtu", "5nqtu", "5 nq tu", "05-NQ/TU"])
def test_a_number_typed_without_its_leading_zero_finds_the_document_first(
    client, backend, corpus, query
):
    body = search(client, backend, q=query)
    assert ids(body)[0] == corpus.docs.old_resolution.pk
    assert body["results"][0]["number"] == "05-NQ/TU"


def test_five_alone_finds_05_and_never_15_or_50(client, backend, corpus):
    reader = corpus.readers["branch member"]  # may read the district's "15-CT/HU"
    found = ids(search(client, backend, user=reader, q="5"))
    assert corpus.docs.old_resolution.pk in found
    assert corpus.docs.members_only.pk not in found
    assert corpus.fifty.pk not in found
    assert ids(search(client, backend, user=reader, q="15"))[0] == corpus.docs.members_only.pk
    assert ids(search(client, backend, q="50/KH"))[0] == corpus.fifty.pk


def test_the_migration_folds_the_stored_records_again(corpus):
    """Records written before this release still hold "05": migrating folds them."""
    record = SearchRecord.objects.get(object_id=corpus.docs.old_resolution.pk, kind="document")
    SearchRecord.objects.filter(pk=record.pk).update(
        folded=" nghi quyet 05 nq tu ", folded_title=" nghi quyet ", folded_number=" 05 nq tu "
    )
    importlib.import_module("search.migrations.0005_fold_numbers").refold(apps, None)
    record.refresh_from_db()
    assert record.folded_number == " 5 nq tu 5nqtu "
    assert " 5 nq tu 5nqtu " in record.folded
