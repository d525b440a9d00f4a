"""Who may do what to which unit's pages, for every role at every level.

Board rights cover the unit's subtree (a committee leads the units below it),
never its parent or its siblings. Board heads manage the boards strictly below
their unit; the secretariat (platform administrators) manages everything.
"""

import pytest
from wagtail.models import Page

from editorial.factories import MemberFactory, UserFactory
from editorial.models import BoardRole
from editorial.permissions import can_manage_unit
from editorial.provisioning import add_board_member, provision_board

SEE, EDIT, PUBLISH, MANAGE = "see", "edit", "publish", "manage"
ALL = {SEE, EDIT, PUBLISH, MANAGE}

# role -> relation -> abilities allowed. Anything not listed is denied.
EXPECTED = {
    BoardRole.EDITOR: {"own": {SEE, EDIT}, "child": {SEE, EDIT}},
    BoardRole.REVIEWER: {"own": {SEE, EDIT}, "child": {SEE, EDIT}},
    BoardRole.APPROVER: {"own": {SEE, EDIT, PUBLISH}, "child": ALL},
    BoardRole.PLATFORM_ADMIN: {"own": ALL, "child": ALL, "parent": ALL, "sibling": ALL},
    "member": {},
}

# level -> (own, parent, child, sibling) attribute names on the unit_tree fixture.
LEVELS = {
    "province": ("province", None, "district", None),
    "district": ("district", "province", "grassroots", "district_2"),
    "grassroots": ("grassroots", "district", "branch", "grassroots_2"),
    "branch": ("branch", "grassroots", None, "branch_2"),
}

CASES = [
    (role, level)
    for role in EXPECTED
    for level in LEVELS
    if role != BoardRole.PLATFORM_ADMIN or level == "province"
]


@pytest.fixture
def tree(unit_tree):
    for unit in (unit_tree.branch, unit_tree.branch_2):
        provision_board(unit)
        unit.refresh_from_db()
    articles = {}
    for name, unit in vars(unit_tree).items():
        home = Page.objects.get(pk=unit.home_page_id)
        article = home.add_child(instance=Page(title=f"Tin {unit.code}", slug=f"tin-{name}"))
        article.save_revision().publish()
        articles[name] = article
    return unit_tree, articles


def _make_user(role, unit):
    user = UserFactory(username=f"{role}-{unit.code}".lower())
    MemberFactory(user=user, branch=unit)
    if role != "member":
        add_board_member(unit, user, role)
    return type(user).objects.get(pk=user.pk)


def _abilities(client, user, article, unit):
    perms = article.permissions_for_user(user)
    found = set()
    response = client.get(f"/admin/pages/{article.pk}/edit/")
    if response.status_code == 200:
        found.add(SEE)
    if perms.can_edit():
        found.add(EDIT)
    if perms.can_publish():
        found.add(PUBLISH)
    if can_manage_unit(user, unit):
        found.add(MANAGE)
    return found


@pytest.mark.parametrize(("role", "level"), CASES)
def test_permission_matrix(client, tree, role, level):
    units, articles = tree
    own_name = LEVELS[level][0]
    user = _make_user(role, getattr(units, own_name))
    client.force_login(user)
    checked = 0
    for relation, name in zip(("own", "parent", "child", "sibling"), LEVELS[level], strict=True):
        if name is None:
            continue
        expected = EXPECTED[role].get(relation, set())
        found = _abilities(client, user, articles[name], getattr(units, name))
        assert found == expected, f"{role} at {level} on {relation} ({name})"
        checked += 1
    assert checked >= 2


def test_members_who_left_cannot_sign_in(unit_tree, client):
    user = _make_user(BoardRole.EDITOR, unit_tree.grassroots)
    assert client.login(username=user.username, password="secret-pass-123")
    client.logout()
    for status in ("transferred", "deceased", "struck_off", "expelled"):
        user.member.status = status
        user.member.save()
        assert not client.login(username=user.username, password="secret-pass-123"), status
    # The records remain.
    user.refresh_from_db()
    assert user.member.status == "expelled"


def test_unit_home_pages_cannot_be_deleted_or_moved_by_boards(tree):
    units, _articles = tree
    home = Page.objects.get(pk=units.grassroots.home_page_id)
    for role, unit in [
        (BoardRole.APPROVER, units.grassroots),
        (BoardRole.APPROVER, units.district),
    ]:
        perms = home.permissions_for_user(_make_user(role, unit))
        assert perms.can_edit()
        assert not (perms.can_delete() or perms.can_move() or perms.can_unpublish())
    admin = _make_user(BoardRole.PLATFORM_ADMIN, units.province)
    perms = home.permissions_for_user(admin)
    assert perms.can_delete() and perms.can_move() and perms.can_unpublish()
