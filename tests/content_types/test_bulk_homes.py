"""Boards provisioned many at a time (the demo city's 1,500) get the same home
pages and lists as a board provisioned alone, written in bulk."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry

from content_types.models import UnitHomePage
from editorial.models import BoardRole, Unit, UnitLevel
from editorial.provisioning import provision_board, provision_boards
from editorial.signals import homes_wanted


def _new_units(parent, prefix, count):
    return [
        parent.add_child(
            instance=Unit(
                name=f"Đảng bộ {prefix}-{n}", code=f"{prefix}-{n}", level=UnitLevel.GRASSROOTS
            )
        )
        for n in range(count)
    ]


def _shape(unit):
    """What a member, an editor and the history see of a unit's pages."""
    unit.refresh_from_db()
    home = unit.home_page.specific
    pages = [home, *(child.specific for child in home.get_children())]
    parent = home.get_parent()
    return {
        "parent": parent.pk,
        "pages": [
            (
                type(page).__name__,
                page.title,
                page.url_path.removeprefix(parent.url_path),
                page.depth - parent.depth,
                page.live,
                page.has_unpublished_changes,
                page.numchild,
                page.locale_id,
                page.live_revision_id == page.latest_revision_id is not None,
                page.revisions.count(),
                sorted(PageLogEntry.objects.filter(page=page).values_list("action", flat=True)),
            )
            for page in pages
        ],
    }


def _without_code(shape, code):
    return {
        "parent": shape["parent"],
        "pages": [
            (kind, title.replace(code, "X"), url.replace(code.lower(), "x"), *rest)
            for kind, title, url, *rest in shape["pages"]
        ],
    }


def test_boards_provisioned_in_bulk_get_the_pages_one_board_gets(unit_tree, client):
    (alone,) = _new_units(unit_tree.district, "ALONE", 1)
    provision_board(alone)
    many = _new_units(unit_tree.district, "MANY", 3)
    provision_boards(many)

    expected = _without_code(_shape(alone), "ALONE-0")
    for n, unit in enumerate(many):
        assert _without_code(_shape(unit), f"MANY-{n}") == expected
        assert {group.role for group in unit.board.role_groups.all()} == set(BoardRole) - {
            BoardRole.PLATFORM_ADMIN
        }
    parent = unit_tree.district.home_page
    parent.refresh_from_db()
    assert parent.numchild == parent.get_children().count()
    assert Page.find_problems() == ([], [], [], [], [])
    # The new home and its news list answer on their URLs, under the parent's.
    home = many[1].home_page.specific
    assert client.get(home.url).status_code == 200
    assert client.get(home.get_children().first().url).status_code == 200


def test_a_new_branch_of_a_new_unit_is_provisioned_after_its_parent(unit_tree):
    (grassroots,) = _new_units(unit_tree.district, "NEWG", 1)
    branch = grassroots.add_child(
        instance=Unit(name="Chi bộ mới", code="NEWG-0-01", level=UnitLevel.BRANCH)
    )
    provision_boards([branch, grassroots])
    branch.refresh_from_db()
    grassroots.refresh_from_db()
    assert branch.home_page.get_parent().pk == grassroots.home_page_id
    assert Page.find_problems() == ([], [], [], [], [])


def test_writing_homes_costs_the_same_queries_for_two_units_or_six(unit_tree):
    def queries_for(units):
        with CaptureQueriesContext(connection) as queries:
            homes_wanted.send(sender=Unit, units=units)
        assert all(isinstance(unit.home_page.specific, UnitHomePage) for unit in units)
        return len(queries)

    assert queries_for(_new_units(unit_tree.district, "TWO", 2)) == queries_for(
        _new_units(unit_tree.district, "SIX", 6)
    )
