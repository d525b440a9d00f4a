"""Search in the reader app past the server's count cap: the count reads
"Hơn N kết quả" and the facets, counted over a sample, show no numbers."""

import pytest
from django.test import override_settings

from search.rebuild import rebuild
from tests.search.conftest import drop_index, engine_settings, unique_index

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_capped_count_reads_more_than(world, phone):
    alias = unique_index()
    try:
        with engine_settings(alias), override_settings(SEARCH_COUNT_CAP=1, SEARCH_FACET_SAMPLE=1):
            rebuild()
            phone.goto("/#/tim-kiem/tinh%20uy%20trien%20khai")
            phone.get_by_test_id("result").nth(2).wait_for()
            assert phone.get_by_role("status").inner_text() == "Hơn 1 kết quả"
            facets = phone.locator(".facets button")
            facets.first.wait_for()
            assert "(" not in facets.first.inner_text()
    finally:
        drop_index(alias)


def test_an_exact_count_reads_as_it_is(world, phone):
    alias = unique_index()
    try:
        with engine_settings(alias):
            rebuild()
            phone.goto("/#/tim-kiem/tinh%20uy%20trien%20khai")
            phone.get_by_test_id("result").nth(2).wait_for()
            status = phone.get_by_role("status").inner_text()
            assert status.endswith(" kết quả") and not status.startswith("Hơn")
            assert "(" in phone.locator(".facets button").first.inner_text()
    finally:
        drop_index(alias)
