"""Permission checks and the page explorer cost the same however big the tree grows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from editorial.factories import make_unit
from editorial.models import BoardRole, UnitLevel
from editorial.permissions import can_manage_unit, manageable_units
from editorial.provisioning import provision_board


def _grow(unit_tree, count):
    """Add ``count`` grassroots units with boards beside the ones under test."""
    for n in range(count):
        unit = make_unit(f"PL-G{n:03d}", parent=unit_tree.district_2, level=UnitLevel.GRASSROOTS)
        provision_board(unit)


def _count(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_page_permission_checks_do_not_grow_with_the_tree(unit_tree, board_user):
    user = board_user(unit_tree.district, BoardRole.APPROVER)
    page = Page.objects.get(pk=unit_tree.grassroots.home_page_id)

    def check():
        fresh = _fresh(user)
        perms = page.permissions_for_user(fresh)
        assert perms.can_edit() and perms.can_publish()
        assert can_manage_unit(fresh, unit_tree.grassroots)
        assert list(manageable_units(fresh))

    before = _count(check)
    _grow(unit_tree, 15)
    after = _count(check)
    assert before == after
    assert before <= 8


def test_explorer_query_count_does_not_grow_with_the_tree(unit_tree, board_user, client):
    user = board_user(unit_tree.grassroots, BoardRole.EDITOR)
    client.force_login(user)
    url = f"/admin/pages/{unit_tree.grassroots.home_page_id}/"
    assert client.get(url).status_code == 200  # warm caches (content types, site)

    before = _count(lambda: client.get(url))
    _grow(unit_tree, 15)
    after = _count(lambda: client.get(url))
    assert client.get(url).status_code == 200
    assert before == after


def test_explorer_listing_of_child_units_does_not_grow_per_row(unit_tree, board_user, client):
    user = board_user(unit_tree.district, BoardRole.EDITOR)
    client.force_login(user)
    url = f"/admin/pages/{unit_tree.district.home_page_id}/"
    assert client.get(url).status_code == 200

    before = _count(lambda: client.get(url))
    for n in range(12):
        unit = make_unit(f"DT-N{n:02d}", parent=unit_tree.district, level=UnitLevel.GRASSROOTS)
        provision_board(unit)
    after = _count(lambda: client.get(url))
    assert before == after
