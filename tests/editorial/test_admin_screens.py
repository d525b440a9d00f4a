"""The organisation screens in the Wagtail admin: units, members, editorial boards.

Who relies on this: board heads (approvers) manage the units, members and
boards strictly below their unit, and nothing else; platform administrators
manage everything; editors, reviewers and plain members see none of it. A
refusal is Wagtail's usual one: a redirect to the dashboard (users who may use
the admin) or to the login page (users who may not).
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import (
    BoardMembership,
    BoardRole,
    EditorialBoard,
    Member,
    MemberStatus,
    Unit,
    UnitEvent,
    UnitLevel,
)
from editorial.provisioning import PLATFORM_ADMIN_GROUP, provision_board

UNITS = "editorial_units"
MEMBERS = "editorial_members"
BOARDS = "editorial_boards"

User = get_user_model()


def url(viewset, view, *args):
    return reverse(f"{viewset}:{view}", args=args)


def fresh(user):
    """A new user object: permission and scope caches live on the instance."""
    return User.objects.get(pk=user.pk)


def listed(response):
    assert response.status_code == 200
    return {str(obj) for obj in response.context["object_list"]}


def assert_denied(response):
    """Wagtail's answer to PermissionDenied inside the admin."""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


@pytest.fixture
def org(unit_tree, board_user):
    """The conftest tree plus a branch under the second district, members in
    three branches, a district head, a platform admin and board staff."""
    pl_branch = make_unit("PL-C1", parent=unit_tree.district_2, name="Chi bộ PL-C1")
    for unit in vars(unit_tree).values():
        unit.refresh_from_db()
    members = {
        "branch": MemberFactory(
            user=UserFactory(username="an"), full_name="Nguyễn Văn An", branch=unit_tree.branch
        ),
        "branch_2": MemberFactory(
            user=UserFactory(username="binh"), full_name="Trần Thị Bình", branch=unit_tree.branch_2
        ),
        "other_district": MemberFactory(
            user=UserFactory(username="cuong"), full_name="Lê Văn Cường", branch=pl_branch
        ),
    }
    return {
        "tree": unit_tree,
        "pl_branch": pl_branch,
        "members": members,
        "head": board_user(unit_tree.district, BoardRole.APPROVER, username="dt-head"),
        "admin": board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN, username="secretariat"),
        "editor": board_user(unit_tree.district, BoardRole.EDITOR, username="dt-editor"),
        "reviewer": board_user(unit_tree.district, BoardRole.REVIEWER, username="dt-reviewer"),
        "plain": members["branch"].user,
    }


def unit_names(tree, *names):
    return {getattr(tree, name).name for name in names}


# The menu


def organisation_menu(client, user):
    """The organisation screens linked from the admin's sidebar, in order."""
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    content = response.content.decode()
    links = [url(UNITS, "index"), url(MEMBERS, "index"), url(BOARDS, "index")]
    return [link for link in links if f'"url": "{link}"' in content]


@pytest.mark.parametrize("who", ["head", "admin"])
def test_menu_shows_the_three_screens_to_board_heads_and_platform_admins(org, client, who):
    assert organisation_menu(client, org[who]) == [
        url(UNITS, "index"),
        url(MEMBERS, "index"),
        url(BOARDS, "index"),
    ]
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"name": "organisation"' in content


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_menu_is_hidden_from_editors_and_reviewers(org, client, who):
    assert organisation_menu(client, org[who]) == []
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"name": "organisation"' not in content


# What a district head sees


def test_district_head_lists_only_the_units_below_the_district(org, client):
    client.force_login(org["head"])
    tree = org["tree"]
    assert listed(client.get(url(UNITS, "index"))) == unit_names(
        tree, "grassroots", "grassroots_2", "branch", "branch_2"
    )


def test_unit_listing_filters_and_searches(org, client):
    client.force_login(org["head"])
    tree = org["tree"]
    response = client.get(url(UNITS, "index"), {"level": UnitLevel.BRANCH})
    assert listed(response) == unit_names(tree, "branch", "branch_2")
    response = client.get(url(UNITS, "index"), {"q": "DT-X2"})
    assert listed(response) == unit_names(tree, "grassroots_2")
    # Searching cannot reach outside the scope.
    assert listed(client.get(url(UNITS, "index"), {"q": "PL"})) == set()


def test_unit_listing_shows_the_parent(org, client):
    client.force_login(org["head"])
    response = client.get(url(UNITS, "index"))
    parents = {obj.name: obj.parent_name for obj in response.context["object_list"]}
    assert parents[org["tree"].grassroots.name] == org["tree"].district.name
    assert parents[org["tree"].branch.name] == org["tree"].grassroots.name


def test_district_head_lists_only_the_members_below_the_district(org, client):
    client.force_login(org["head"])
    assert listed(client.get(url(MEMBERS, "index"))) == {"Nguyễn Văn An", "Trần Thị Bình"}


def test_member_listing_filters(org, client):
    members = org["members"]
    members["branch_2"].status = MemberStatus.TRANSFERRED
    members["branch_2"].save()
    client.force_login(org["head"])
    response = client.get(url(MEMBERS, "index"), {"status": MemberStatus.TRANSFERRED})
    assert listed(response) == {"Trần Thị Bình"}
    response = client.get(url(MEMBERS, "index"), {"unit": org["tree"].branch.pk})
    assert listed(response) == {"Nguyễn Văn An"}
    response = client.get(url(MEMBERS, "index"), {"branch_level": UnitLevel.GRASSROOTS})
    assert listed(response) == set()
    response = client.get(url(MEMBERS, "index"), {"q": "binh"})
    assert listed(response) == {"Trần Thị Bình"}


def test_district_head_lists_only_the_boards_below_the_district(org, client):
    client.force_login(org["head"])
    tree = org["tree"]
    response = client.get(url(BOARDS, "index"))
    assert {board.unit_id for board in response.context["object_list"]} == {
        tree.grassroots.pk,
        tree.grassroots_2.pk,
    }


def test_board_listing_counts_roles(org, client, board_user):
    tree = org["tree"]
    board_user(tree.grassroots, BoardRole.EDITOR, username="x1-editor-1")
    board_user(tree.grassroots, BoardRole.EDITOR, username="x1-editor-2")
    board_user(tree.grassroots, BoardRole.APPROVER, username="x1-head")
    client.force_login(org["head"])
    response = client.get(url(BOARDS, "index"))
    counts = {
        board.unit_id: (board.editor_count, board.reviewer_count, board.approver_count)
        for board in response.context["object_list"]
    }
    assert counts == {tree.grassroots.pk: (2, 0, 1), tree.grassroots_2.pk: (0, 0, 0)}


def test_platform_admin_lists_everything(org, client):
    client.force_login(org["admin"])
    assert listed(client.get(url(UNITS, "index"))) == set(
        Unit.objects.values_list("name", flat=True)
    )
    assert len(listed(client.get(url(UNITS, "index")))) == 8
    assert listed(client.get(url(MEMBERS, "index"))) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
    }
    response = client.get(url(BOARDS, "index"))
    assert {board.pk for board in response.context["object_list"]} == set(
        EditorialBoard.objects.values_list("pk", flat=True)
    )


# Editing units


def unit_form(unit, **changes):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "level": unit.level,
        "active_from": "",
    }
    data.update(changes)
    return data


def test_district_head_edits_a_grassroots_unit_below(org, client):
    grassroots = org["tree"].grassroots
    client.force_login(org["head"])
    assert client.get(url(UNITS, "edit", grassroots.pk)).status_code == 200
    response = client.post(
        url(UNITS, "edit", grassroots.pk),
        unit_form(grassroots, name="Đảng ủy xã Mới", active_from="2025-07-01"),
    )
    assert response.status_code == 302
    assert response.url == url(UNITS, "index")
    grassroots.refresh_from_db()
    assert grassroots.name == "Đảng ủy xã Mới"
    assert grassroots.active_from == date(2025, 7, 1)
    # The tree position is not editable.
    assert grassroots.get_parent().pk == org["tree"].district.pk


@pytest.mark.parametrize("target", ["district", "district_2", "province"])
def test_district_head_cannot_edit_units_outside_scope(org, client, target):
    unit = getattr(org["tree"], target)
    client.force_login(org["head"])
    assert_denied(client.get(url(UNITS, "edit", unit.pk)))
    assert_denied(client.post(url(UNITS, "edit", unit.pk), unit_form(unit, name="Hijacked")))
    assert_denied(client.get(url(UNITS, "history", unit.pk)))
    unit.refresh_from_db()
    assert unit.name != "Hijacked"


def test_unit_level_cannot_rise_above_its_parent(org, client):
    branch = org["tree"].branch
    client.force_login(org["head"])
    response = client.post(
        url(UNITS, "edit", branch.pk), unit_form(branch, level=UnitLevel.DISTRICT)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["level"]
    branch.refresh_from_db()
    assert branch.level == UnitLevel.BRANCH


def test_nobody_deletes_units(org, client):
    client.force_login(org["admin"])
    branch = org["tree"].branch
    assert_denied(client.get(url(UNITS, "delete", branch.pk)))
    assert_denied(client.post(url(UNITS, "delete", branch.pk)))
    assert Unit.objects.filter(pk=branch.pk).exists()


# Creating units


def new_unit_form(parent, code, **changes):
    data = {
        "parent": parent.pk,
        "code": code,
        "name": f"Đơn vị {code}",
        "short_name": "ĐU",
        "level": UnitLevel.GRASSROOTS,
        "active_from": "",
    }
    data.update(changes)
    return data


def test_district_head_creates_a_unit_under_own_district(org, client):
    district = org["tree"].district
    client.force_login(org["head"])
    assert client.get(url(UNITS, "add")).status_code == 200
    response = client.post(url(UNITS, "add"), new_unit_form(district, "DT-X3"))
    assert response.status_code == 302
    unit = Unit.objects.get(code="DT-X3")
    assert unit.get_parent().pk == district.pk
    assert unit.depth == district.depth + 1
    event = UnitEvent.objects.get(unit=unit)
    assert (event.kind, event.other_unit_id, event.actor_id) == (
        UnitEvent.Kind.CREATED,
        district.pk,
        org["head"].pk,
    )
    # Treebeard kept its bookkeeping.
    district.refresh_from_db()
    assert district.numchild == 3


def test_district_head_creates_a_unit_deeper_down(org, client):
    grassroots = org["tree"].grassroots
    client.force_login(org["head"])
    response = client.post(
        url(UNITS, "add"), new_unit_form(grassroots, "DT-X1-C3", level=UnitLevel.BRANCH)
    )
    assert response.status_code == 302
    assert Unit.objects.get(code="DT-X1-C3").get_parent().pk == grassroots.pk


@pytest.mark.parametrize("target", ["district_2", "province"])
def test_district_head_cannot_create_outside_scope(org, client, target):
    parent = getattr(org["tree"], target)
    client.force_login(org["head"])
    response = client.post(url(UNITS, "add"), new_unit_form(parent, "EVIL"))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Unit.objects.filter(code="EVIL").exists()


def test_parent_choices_are_the_head_s_unit_and_below(org, client):
    client.force_login(org["head"])
    response = client.get(url(UNITS, "add"))
    choices = set(response.context["form"].fields["parent"].queryset)
    tree = org["tree"]
    assert {unit.name for unit in choices} == unit_names(
        tree, "district", "grassroots", "grassroots_2", "branch", "branch_2"
    )


# Members


def member_form(member, **changes):
    data = {
        "full_name": member.full_name,
        "branch": member.branch_id,
        "card_number": member.card_number or "",
        "status": member.status,
        "status_since": member.status_since.isoformat() if member.status_since else "",
        "joined_on": "",
        "official_on": "",
        "phone": member.phone,
    }
    data.update(changes)
    return data


def test_status_change_is_stored_with_today_as_its_date(org, client):
    member = org["members"]["branch"]
    member.status_since = date(2020, 1, 1)
    member.save()
    client.force_login(org["head"])
    response = client.post(
        url(MEMBERS, "edit", member.pk),
        member_form(member, status=MemberStatus.TRANSFERRED, email="taken-over@example.vn"),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED
    assert member.status_since == timezone.localdate()
    # The account's email is not editable here (it would allow account takeover).
    assert member.user.email == "an@example.org"


def test_status_change_keeps_a_given_date(org, client):
    member = org["members"]["branch"]
    client.force_login(org["head"])
    client.post(
        url(MEMBERS, "edit", member.pk),
        member_form(member, status=MemberStatus.DECEASED, status_since="2025-03-02"),
    )
    member.refresh_from_db()
    assert (member.status, member.status_since) == (MemberStatus.DECEASED, date(2025, 3, 2))


def test_district_head_cannot_edit_a_member_outside_scope(org, client):
    member = org["members"]["other_district"]
    client.force_login(org["head"])
    assert_denied(client.get(url(MEMBERS, "edit", member.pk)))
    assert_denied(client.post(url(MEMBERS, "edit", member.pk), member_form(member, full_name="X")))
    member.refresh_from_db()
    assert member.full_name == "Lê Văn Cường"


def test_member_cannot_be_moved_to_a_branch_outside_scope(org, client):
    member = org["members"]["branch"]
    client.force_login(org["head"])
    response = client.post(
        url(MEMBERS, "edit", member.pk), member_form(member, branch=org["pl_branch"].pk)
    )
    assert response.status_code == 200
    assert "branch" in response.context["form"].errors
    member.refresh_from_db()
    assert member.branch_id == org["tree"].branch.pk


def new_member_form(branch, username, **changes):
    data = {
        "username": username,
        "email": f"{username}@example.vn",
        "password1": "một-mật-khẩu-dài",
        "password2": "một-mật-khẩu-dài",
        "full_name": "Phạm Thị Dung",
        "branch": branch.pk,
        "card_number": "",
        "status": MemberStatus.PROBATIONARY,
        "status_since": "",
        "joined_on": "2025-05-19",
        "official_on": "",
        "phone": "0912345678",
    }
    data.update(changes)
    return data


def test_district_head_creates_a_member_with_an_account(org, client):
    client.force_login(org["head"])
    assert client.get(url(MEMBERS, "add")).status_code == 200
    response = client.post(url(MEMBERS, "add"), new_member_form(org["tree"].branch_2, "dung"))
    assert response.status_code == 302
    member = Member.objects.select_related("user").get(user__username="dung")
    assert member.branch_id == org["tree"].branch_2.pk
    assert member.card_number is None
    assert member.status == MemberStatus.PROBATIONARY
    assert member.user.check_password("một-mật-khẩu-dài")


def test_member_creation_rejects_out_of_scope_branch_and_taken_username(org, client):
    client.force_login(org["head"])
    response = client.post(url(MEMBERS, "add"), new_member_form(org["pl_branch"], "an"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "branch" in errors
    assert "username" in errors
    assert Member.objects.count() == 3


def test_branch_choices_are_branches_in_scope(org, client):
    client.force_login(org["head"])
    response = client.get(url(MEMBERS, "add"))
    choices = set(response.context["form"].fields["branch"].queryset)
    assert choices == {org["tree"].branch, org["tree"].branch_2}


# Editorial boards


def post_board(client, board, new_rows=(), delete_users=()):
    existing = [
        {
            "id": m.pk,
            "user": m.user.username,
            "role": m.role,
            "DELETE": "1" if m.user.username in delete_users else "",
        }
        for m in board.memberships.select_related("user").order_by("pk")
    ]
    data = nested_form_data(
        {"memberships": inline_formset([*existing, *new_rows], initial=len(existing))}
    )
    return client.post(url(BOARDS, "edit", board.pk), data)


def test_adding_a_membership_grants_page_permissions_and_removing_revokes(org, client):
    grassroots = org["tree"].grassroots
    board = grassroots.board
    an = org["members"]["branch"].user
    home = grassroots.home_page
    assert not home.permissions_for_user(fresh(an)).can_edit()

    client.force_login(org["head"])
    assert client.get(url(BOARDS, "edit", board.pk)).status_code == 200
    response = post_board(client, board, [{"user": "an", "role": BoardRole.EDITOR}])
    assert response.status_code == 302
    assert list(board.memberships.values_list("user__username", "role")) == [
        ("an", BoardRole.EDITOR)
    ]
    assert home.permissions_for_user(fresh(an)).can_edit()
    assert not home.permissions_for_user(fresh(an)).can_publish()

    response = post_board(client, board, delete_users=["an"])
    assert response.status_code == 302
    assert not board.memberships.exists()
    assert not fresh(an).groups.exists()
    assert not home.permissions_for_user(fresh(an)).can_edit()


def test_board_head_can_only_appoint_members_in_scope(org, client):
    board = org["tree"].grassroots.board
    client.force_login(org["head"])
    response = post_board(client, board, [{"user": "cuong", "role": BoardRole.EDITOR}])
    assert response.status_code == 200
    forms = response.context["form"].formsets["memberships"].forms
    assert "user" in forms[0].errors
    assert not BoardMembership.objects.filter(user__username="cuong").exists()


@pytest.mark.parametrize("target", ["district", "district_2", "province"])
def test_district_head_cannot_edit_boards_outside_scope(org, client, target):
    board = getattr(org["tree"], target).board
    client.force_login(org["head"])
    assert_denied(client.get(url(BOARDS, "edit", board.pk)))
    response = post_board(client, board, [{"user": "an", "role": BoardRole.APPROVER}])
    assert_denied(response)
    assert not BoardMembership.objects.filter(user__username="an").exists()


@pytest.mark.parametrize("who", ["head", "admin"])
def test_platform_admin_role_is_rejected_on_a_non_root_board(org, client, who):
    board = org["tree"].grassroots.board
    client.force_login(org[who])
    response = post_board(client, board, [{"user": "an", "role": BoardRole.PLATFORM_ADMIN}])
    assert response.status_code == 200
    role_errors = response.context["form"].formsets["memberships"].forms[0].errors["role"]
    # Editors read the admin in Vietnamese, the default language.
    assert role_errors == ["Chỉ Ban biên tập của đơn vị cấp cao nhất mới có Quản trị nền tảng."]
    assert not BoardMembership.objects.filter(user__username="an").exists()


def test_platform_admin_appoints_a_platform_admin_on_the_root_board(org, client):
    board = org["tree"].province.board
    client.force_login(org["admin"])
    response = post_board(client, board, [{"user": "an", "role": BoardRole.PLATFORM_ADMIN}])
    assert response.status_code == 302
    assert fresh(org["members"]["branch"].user).groups.filter(name=PLATFORM_ADMIN_GROUP).exists()


def test_district_head_creates_a_board_for_a_unit_below(org, client):
    branch = org["tree"].branch
    client.force_login(org["head"])
    response = client.get(url(BOARDS, "add"))
    choices = set(response.context["form"].fields["unit"].queryset)
    # Units below the district without a board: the two branches.
    assert choices == {branch, org["tree"].branch_2}

    response = client.post(url(BOARDS, "add"), {"unit": branch.pk})
    board = EditorialBoard.objects.get(unit=branch)
    assert response.status_code == 302
    assert response.url == url(BOARDS, "edit", board.pk)
    branch.refresh_from_db()
    assert branch.home_page is not None  # provisioned by the post_save signal
    assert board.role_groups.count() == 3


def test_district_head_cannot_create_a_board_outside_scope(org, client):
    client.force_login(org["head"])
    response = client.post(url(BOARDS, "add"), {"unit": org["pl_branch"].pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not EditorialBoard.objects.filter(unit=org["pl_branch"]).exists()


# Everyone else


def every_screen(tree):
    member = Member.objects.first()
    return [
        url(UNITS, "index"),
        url(UNITS, "add"),
        url(UNITS, "edit", tree.branch.pk),
        url(MEMBERS, "index"),
        url(MEMBERS, "add"),
        url(MEMBERS, "edit", member.pk),
        url(BOARDS, "index"),
        url(BOARDS, "add"),
        url(BOARDS, "edit", tree.grassroots.board.pk),
    ]


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_editors_and_reviewers_are_denied_everywhere(org, client, who):
    client.force_login(org[who])
    for screen in every_screen(org["tree"]):
        assert_denied(client.get(screen))
    assert_denied(client.post(url(UNITS, "add"), new_unit_form(org["tree"].district, "NOPE")))
    assert not Unit.objects.filter(code="NOPE").exists()


def test_plain_members_are_sent_to_the_login_page(org, client):
    client.force_login(org["plain"])
    for screen in every_screen(org["tree"]):
        assert_sent_to_login(client.get(screen))


def test_grassroots_head_manages_only_its_branches(org, client, board_user):
    head = board_user(org["tree"].grassroots, BoardRole.APPROVER, username="x1-head")
    client.force_login(head)
    assert listed(client.get(url(UNITS, "index"))) == unit_names(org["tree"], "branch", "branch_2")
    assert listed(client.get(url(BOARDS, "index"))) == set()
    assert_denied(client.get(url(BOARDS, "edit", org["tree"].grassroots.board.pk)))


# Query counts


def count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["head", "admin"])
def test_listing_queries_do_not_grow_with_the_tree(org, client, who):
    client.force_login(org[who])
    screens = [url(UNITS, "index"), url(MEMBERS, "index"), url(BOARDS, "index")]
    for screen in screens:
        client.get(screen)  # warm per-process caches (content types, site root paths)
    before = {screen: count_queries(client, screen) for screen in screens}
    before_rows = {screen: len(client.get(screen).context["object_list"]) for screen in screens}

    grassroots = org["tree"].grassroots
    for index in range(30):
        grassroots.refresh_from_db()
        branch = make_unit(f"DT-X1-N{index:02d}", parent=grassroots, level=UnitLevel.BRANCH)
        MemberFactory(branch=branch, full_name=f"Đảng viên {index:02d}")
        if index < 5:
            provision_board(branch)

    after = {screen: count_queries(client, screen) for screen in screens}
    after_rows = {screen: len(client.get(screen).context["object_list"]) for screen in screens}
    assert after == before
    # The listings did grow: the counts above compare like with unlike otherwise.
    assert after_rows[url(UNITS, "index")] == before_rows[url(UNITS, "index")] + 30
    assert after_rows[url(MEMBERS, "index")] == before_rows[url(MEMBERS, "index")] + 30
    assert after_rows[url(BOARDS, "index")] == before_rows[url(BOARDS, "index")] + 5


def test_head_cannot_lock_out_a_member_who_holds_a_board_role_above_them(org, client, board_user):
    """A provincial editor living in a branch below the district keeps their sign-in."""
    member = org["members"]["branch"]
    add_role = board_user(org["tree"].province, BoardRole.EDITOR, username=member.user.username)
    assert add_role.pk == member.user_id
    client.force_login(org["head"])
    response = client.post(
        url(MEMBERS, "edit", member.pk), member_form(member, status=MemberStatus.EXPELLED)
    )
    assert response.status_code == 200
    assert "chỉ Tổ thư ký mới có thể thay đổi trạng thái" in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.OFFICIAL
    client.force_login(org["admin"])
    response = client.post(
        url(MEMBERS, "edit", member.pk), member_form(member, status=MemberStatus.EXPELLED)
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.EXPELLED


# Merging units from the admin


def test_district_head_merges_a_grassroots_unit_below(org, client):
    tree = org["tree"]
    client.force_login(org["head"])
    merge_url = url(UNITS, "merge", tree.grassroots_2.pk)
    response = client.get(merge_url)
    assert response.status_code == 200
    targets = {str(unit) for unit in response.context["form"].fields["target"].queryset}
    assert tree.grassroots.name in str(targets)
    assert not any(tree.district_2.name in t or tree.province.name in t for t in targets)
    response = client.post(merge_url, {"target": tree.grassroots.pk, "on": "2026-01-01"})
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == url(UNITS, "index"), response.url
    merged = Unit.objects.get(pk=tree.grassroots_2.pk)
    assert (merged.status, merged.merged_into_id) == ("merged", tree.grassroots.pk)
    assert str(merged.ended_on) == "2026-01-01"
    assert UnitEvent.objects.filter(unit=merged, kind="merged", actor=org["head"]).exists()


def test_merge_screen_refuses_units_outside_scope_and_targets_outside_scope(org, client):
    tree = org["tree"]
    client.force_login(org["head"])
    for unit in (tree.district, tree.district_2, tree.province):
        response = client.post(url(UNITS, "merge", unit.pk), {"target": tree.grassroots.pk})
        assert response.status_code in (302, 403)
        assert Unit.objects.get(pk=unit.pk).status == "active"
    response = client.post(
        url(UNITS, "merge", tree.grassroots_2.pk), {"target": tree.district_2.pk}
    )
    assert response.status_code == 200
    assert "target" in response.context["form"].errors
    assert Unit.objects.get(pk=tree.grassroots_2.pk).status == "active"
