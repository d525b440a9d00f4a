"""Unit names in results and facets: kept in each process, and a rename made
in another process shows within ``RENAME_CHECK_EVERY`` seconds."""

import pytest

from editorial.factories import make_unit
from search import service
from search.service import UnitNames

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit("UN", name="Đảng ủy xã Hà Thượng")


def test_names_are_read_once_per_process(unit, django_assert_num_queries):
    names = UnitNames()
    with django_assert_num_queries(1):
        assert names.get([unit.pk]) == {unit.pk: "Đảng ủy xã Hà Thượng"}
    with django_assert_num_queries(0):
        assert names.get([unit.pk, None]) == {unit.pk: "Đảng ủy xã Hà Thượng"}


def test_a_rename_in_another_process_shows_at_its_next_look(unit, monkeypatch):
    other_process = UnitNames()
    assert other_process.get([unit.pk])[unit.pk] == "Đảng ủy xã Hà Thượng"
    unit.name = "Đảng ủy xã Hà Thượng (mới)"
    unit.save(update_fields=["name"])  # the signal stamps a new generation
    monkeypatch.setattr(service, "RENAME_CHECK_EVERY", 0)
    assert other_process.get([unit.pk])[unit.pk] == "Đảng ủy xã Hà Thượng (mới)"


def test_a_missed_rename_shows_once_the_names_expire(unit, monkeypatch):
    other_process = UnitNames()
    other_process.get([unit.pk])
    # Renamed without the signal (a queryset update): no new generation.
    type(unit).objects.filter(pk=unit.pk).update(name="Đảng ủy xã Hà Thượng (mới)")
    assert other_process.get([unit.pk])[unit.pk] == "Đảng ủy xã Hà Thượng"
    monkeypatch.setattr(service, "UNIT_NAMES_TTL", 0)
    assert other_process.get([unit.pk])[unit.pk] == "Đảng ủy xã Hà Thượng (mới)"
