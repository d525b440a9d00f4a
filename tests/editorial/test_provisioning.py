from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupPagePermission, Page, Site

from editorial.models import BoardRole, Unit, UnitLevel
from editorial.provisioning import add_board_member, provision_board, provision_boards


def test_board_provisions_home_page_collection_and_groups(unit_tree):
    district = unit_tree.district
    assert district.home_page.specific_class.__name__ == "UnitHomePage"
    assert district.home_page.get_parent().pk == unit_tree.province.home_page_id
    assert district.collection.get_parent().pk == unit_tree.province.collection_id
    groups = {bg.role: bg.group for bg in district.board.role_groups.all()}
    assert set(groups) == {BoardRole.EDITOR, BoardRole.REVIEWER, BoardRole.APPROVER}
    publish = GroupPagePermission.objects.filter(
        group=groups[BoardRole.APPROVER], permission__codename="publish_page"
    )
    assert [p.page_id for p in publish] == [district.home_page_id]
    assert not GroupPagePermission.objects.filter(
        group=groups[BoardRole.EDITOR], permission__codename="publish_page"
    ).exists()


def test_province_home_is_the_default_site_root(unit_tree):
    assert Site.objects.get(is_default_site=True).root_page_id == unit_tree.province.home_page_id


def test_provisioning_twice_changes_nothing(unit_tree):
    counts = (Page.objects.count(), Group.objects.count(), GroupPagePermission.objects.count())
    provision_board(unit_tree.district)
    provision_board(unit_tree.grassroots)
    assert counts == (
        Page.objects.count(),
        Group.objects.count(),
        GroupPagePermission.objects.count(),
    )


def test_removing_a_role_revokes_its_group(unit_tree, board_user):
    user = board_user(unit_tree.grassroots, BoardRole.APPROVER)
    home = unit_tree.grassroots.home_page
    assert home.permissions_for_user(user).can_publish()
    user.board_memberships.get().delete()
    user = type(user).objects.get(pk=user.pk)
    assert not user.groups.exists()
    assert not home.permissions_for_user(user).can_publish()


def test_changing_a_role_in_place_swaps_the_group(unit_tree, board_user):
    user = board_user(unit_tree.grassroots, BoardRole.APPROVER)
    membership = user.board_memberships.get()
    membership.role = BoardRole.EDITOR
    membership.save()
    assert list(user.groups.values_list("board_role__role", flat=True)) == [BoardRole.EDITOR]


def test_branch_board_home_page_sits_under_grassroots_home(unit_tree, board_user):
    user = board_user(unit_tree.branch, BoardRole.EDITOR)
    unit_tree.branch.refresh_from_db()
    assert unit_tree.branch.home_page.get_parent().pk == unit_tree.grassroots.home_page_id
    assert unit_tree.branch.home_page.permissions_for_user(user).can_edit()
    assert not unit_tree.grassroots.home_page.permissions_for_user(user).can_edit()
    add_board_member(unit_tree.branch, user, BoardRole.EDITOR)
    assert user.board_memberships.count() == 1


def test_boards_provisioned_in_bulk_keep_collections_sorted_by_name(unit_tree):
    grassroots = unit_tree.district.add_child(
        instance=Unit(name="Đảng bộ mới", code="DT-NEW", level=UnitLevel.GRASSROOTS)
    )
    provision_board(grassroots)
    branches = [
        grassroots.add_child(instance=Unit(name=name, code=f"DT-NEW-{n}", level=UnitLevel.BRANCH))
        for n, name in enumerate(["Chi bộ C", "Chi bộ A", "Chi bộ B"])
    ]
    provision_boards(branches)
    # One more later, the one-at-a-time way, sorts in among them.
    late = grassroots.add_child(
        instance=Unit(name="Chi bộ AB", code="DT-NEW-9", level=UnitLevel.BRANCH)
    )
    provision_board(late)

    grassroots.refresh_from_db()
    children = grassroots.collection.get_children()
    assert [c.name for c in children] == ["Chi bộ A", "Chi bộ AB", "Chi bộ B", "Chi bộ C"]
    for branch in [*branches, late]:
        branch.refresh_from_db()
        assert branch.collection.get_parent().pk == grassroots.collection_id
        assert branch.collection.name == branch.name
    assert Collection.find_problems() == ([], [], [], [], [])
