"""`manage.py import_boards`: editorial boards staffed in bulk, and a fresh
database filled by the imports in the order an operator runs them.

The promises are the other imports' (a bad file writes nothing and names
every bad line and field; a re-run changes nothing; --dry-run never writes)
plus: a unit given its first board member gets its board, home page and
groups, and a board member missing from the file keeps their role.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook
from wagtail.models import Page, Site

from content_types.models import NewsArticle, NewsIndexPage, PartyDocument
from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.imports import BoardImporter
from editorial.models import BoardMembership, BoardRole, MemberStatus, Unit, UnitLevel
from editorial.provisioning import add_board_member

pytestmark = pytest.mark.django_db

User = get_user_model()
FILES = Path(__file__).parent / "files"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(command, path, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command(command, str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue()


def rejected(path, *args):
    stderr = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_boards", str(path), *args, stdout=StringIO(), stderr=stderr)
    return stderr.getvalue().splitlines()


def boards_state():
    """Everything a board import may touch, to compare before and after."""
    return (
        sorted(BoardMembership.objects.values_list("board__unit__code", "user__username", "role")),
        sorted(Unit.objects.values_list("code", "home_page_id", "collection_id")),
        Page.objects.count(),
        sorted(Group.objects.values_list("name", flat=True)),
        sorted(User.groups.through.objects.values_list("user__username", "group__name")),
    )


@pytest.fixture
def people(unit_tree):
    """Members of the tree's branches, and a secretariat user with no member record."""
    return {
        "an": MemberFactory(user=UserFactory(username="an"), branch=unit_tree.branch).user,
        "binh": MemberFactory(
            user=UserFactory(username="binh"),
            branch=unit_tree.branch,
            status=MemberStatus.PROBATIONARY,
            card_number=None,
        ).user,
        "cuong": MemberFactory(user=UserFactory(username="cuong"), branch=unit_tree.branch_2).user,
        "vanphong": UserFactory(username="vanphong"),
    }


BOARDS_CSV = """\
unit_code,username,role
DT-X1-C1,an,approver
DT-X1-C1,binh,editor
DT-X1,an,reviewer
TN,vanphong,platform_admin
"""


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_boards_are_staffed_and_new_boards_provisioned(unit_tree, people, tmp_path):
    path = write(tmp_path, "boards.csv", BOARDS_CSV)

    stdout = run("import_boards", path)

    assert "Boards provisioned: DT-X1-C1" in stdout
    assert "4 created, 0 updated, 0 unchanged." in stdout
    assert sorted(
        BoardMembership.objects.values_list("board__unit__code", "user__username", "role")
    ) == [
        ("DT-X1", "an", "reviewer"),
        ("DT-X1-C1", "an", "approver"),
        ("DT-X1-C1", "binh", "editor"),
        ("TN", "vanphong", "platform_admin"),
    ]
    # The branch now has a home page under its grassroots unit's, and its
    # board acts on it at once.
    branch = Unit.objects.get(code="DT-X1-C1")
    home = branch.home_page
    assert home.get_parent().pk == unit_tree.grassroots.home_page_id
    binh = User.objects.get(username="binh")
    assert home.permissions_for_user(binh).can_add_subpage()
    assert not home.permissions_for_user(binh).can_publish_subpage()
    an = User.objects.get(username="an")
    assert home.permissions_for_user(an).can_publish_subpage()
    assert not unit_tree.branch_2.home_page_id  # untouched
    assert (
        User.objects.get(username="vanphong")
        .groups.filter(name="Platform administrators")
        .exists()
    )


def test_rerun_changes_nothing_and_says_so(unit_tree, people, tmp_path):
    path = write(tmp_path, "boards.csv", BOARDS_CSV)
    run("import_boards", path)
    before = boards_state()

    stdout = run("import_boards", path)

    assert "0 created, 0 updated, 4 unchanged." in stdout
    assert "Boards provisioned" not in stdout
    assert boards_state() == before


def test_dry_run_writes_nothing_and_reports(unit_tree, people, tmp_path):
    add_board_member(unit_tree.grassroots, people["an"], BoardRole.REVIEWER)
    path = write(tmp_path, "boards.csv", BOARDS_CSV)
    before = boards_state()

    stdout = run("import_boards", path, "--dry-run", "-v", "2")

    assert boards_state() == before
    assert "Boards to provision: DT-X1-C1" in stdout
    assert "created: DT-X1-C1 / binh (editor)" in stdout
    assert "unchanged: DT-X1 / an (reviewer)" in stdout
    assert "Dry run, nothing written: 3 to create, 0 to update, 1 unchanged." in stdout


def test_a_board_member_missing_from_the_file_keeps_their_role(unit_tree, people, tmp_path):
    add_board_member(unit_tree.district, people["cuong"], BoardRole.EDITOR)
    path = write(tmp_path, "boards.csv", BOARDS_CSV)

    run("import_boards", path)

    assert BoardMembership.objects.filter(
        board__unit=unit_tree.district, user=people["cuong"], role=BoardRole.EDITOR
    ).exists()


def test_a_bad_file_is_rejected_whole_with_every_line_and_field(unit_tree, people, tmp_path):
    merged = make_unit("DT-X9", parent=unit_tree.district, level=UnitLevel.GRASSROOTS)
    Unit.objects.filter(pk=merged.pk).update(status="merged")
    User.objects.filter(username="cuong").update(is_active=False)
    MemberFactory(
        user=UserFactory(username="dung"), branch=unit_tree.branch, status=MemberStatus.EXPELLED
    )
    path = write(
        tmp_path,
        "boards.csv",
        """\
unit_code,username,role
DT-X1-C1,an,editor
XX,an,editor
DT-X9,an,editor
DT-X1-C1,khongco,editor
DT-X1-C1,cuong,editor
DT-X1-C1,dung,editor
DT-X1-C1,binh,chief
DT-X1-C1,an,editor
DT,vanphong,platform_admin
,an,editor
""",
    )
    before = boards_state()

    lines = rejected(path)

    assert lines == [
        'line 3: unit_code: unknown unit "XX"',
        'line 4: unit_code: unit "DT-X9" has been merged or dissolved',
        'line 5: username: unknown user "khongco": import them as a member first',
        'line 6: username: user "cuong" may not sign in (inactive account)',
        'line 7: username: user "dung" may not sign in: their party membership has ended',
        'line 8: role: "chief" is not valid; expected one of: '
        "editor, reviewer, approver, platform_admin",
        "line 9: role: the same unit, user and role as line 2",
        "line 10: role: Only the board of the top-level unit can have platform administrators.",
        "line 11: unit_code: this field is required",
    ]
    assert boards_state() == before


def test_errors_are_reported_in_vietnamese(unit_tree, people, tmp_path):
    path = write(tmp_path, "boards.csv", "unit_code,username,role\nXX,an,editor\n")

    stderr = StringIO()
    with translation.override("vi"), pytest.raises(CommandError, match="không có dữ liệu nào"):
        call_command("import_boards", str(path), stdout=StringIO(), stderr=stderr)

    assert stderr.getvalue().splitlines() == ['dòng 2: unit_code: không có đơn vị "XX"']


def test_a_missing_column_is_named(unit_tree, people, tmp_path):
    path = write(tmp_path, "boards.csv", "unit_code,username\nDT-X1-C1,an\n")

    assert rejected(path) == ["line 1: role: missing column"]


def test_jsonl_and_xlsx_files(unit_tree, people, tmp_path):
    jsonl = write(
        tmp_path,
        "boards.jsonl",
        '{"unit_code": "DT-X1-C1", "username": "an", "role": "approver"}\n'
        '{"unit_code": "DT-X1-C2", "username": "cuong", "role": "editor"}\n',
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["unit_code", "username", "role"])
    sheet.append(["DT-X1-C1", "binh", "editor"])
    sheet.append(["DT-X1-C1", "an", "approver"])
    xlsx = tmp_path / "boards.xlsx"
    workbook.save(xlsx)

    assert "2 created, 0 updated, 0 unchanged." in run("import_boards", jsonl)
    assert "1 created, 0 updated, 1 unchanged." in run("import_boards", xlsx)
    assert sorted(
        BoardMembership.objects.values_list("board__unit__code", "user__username", "role")
    ) == [
        ("DT-X1-C1", "an", "approver"),
        ("DT-X1-C1", "binh", "editor"),
        ("DT-X1-C2", "cuong", "editor"),
    ]


def test_checking_costs_no_query_per_line(unit_tree, tmp_path):
    branches = [
        make_unit(f"DT-X2-C{n}", parent=unit_tree.grassroots_2, level=UnitLevel.BRANCH)
        for n in range(30)
    ]
    for n, branch in enumerate(branches):
        MemberFactory(user=UserFactory(username=f"m{n}"), branch=branch)

    def queries(count):
        lines = "".join(f"DT-X2-C{n},m{n},editor\n" for n in range(count))
        path = write(tmp_path, f"boards{count}.csv", "unit_code,username,role\n" + lines)
        with CaptureQueriesContext(connection) as captured:
            assert BoardImporter(path).validate() == []
        return len(captured)

    assert queries(30) == queries(3)


# --- A fresh database, filled in the order an operator runs the imports ---------------


def home_of(code):
    return Unit.objects.select_related("home_page").get(code=code).home_page


@pytest.mark.parametrize("boards_first", [False, True], ids=["boards-last", "boards-first"])
def test_a_fresh_database_takes_units_members_content_and_boards(boards_first):
    assert not Unit.objects.exists() and not Site.objects.exists()

    run("import_units", FILES / "units.csv")
    run("import_members", FILES / "members.csv")
    if boards_first:
        run("import_boards", FILES / "boards.csv")
    # Content of units with no board at all (the bloc, the district).
    stdout = run("import_content", FILES / "content.jsonl")
    assert "3 created, 0 updated, 0 unchanged" in stdout
    if not boards_first:
        run("import_boards", FILES / "boards.csv")

    # The page tree follows the unit tree, whatever came first: each unit that
    # has a home has it under its parent unit's home, and the top unit's home
    # is the site's root.
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home_of("TN").pk
    for unit in Unit.objects.exclude(home_page=None).exclude(code="TN"):
        assert unit.home_page.get_parent().pk == unit.get_parent().home_page_id, unit.code
    assert set(Unit.objects.exclude(home_page=None).values_list("code", flat=True)) == {
        "TN",
        "DT",
        "KCQ",
        "DT-X1",
        "DT-X1-C1",
        "DT-X1-C2",
    }

    # Each item sits in its unit's list, and the boards work on them.
    branch_news = NewsArticle.objects.get(title="Chi bộ xóm 1 sinh hoạt tháng 10")
    assert branch_news.get_parent().get_parent().pk == home_of("DT-X1-C1").pk
    assert isinstance(branch_news.get_parent().specific, NewsIndexPage)
    bloc_news = NewsArticle.objects.get(title="Đảng bộ Khối sơ kết 6 tháng")
    assert bloc_news.get_parent().get_parent().pk == home_of("KCQ").pk
    plan = PartyDocument.objects.get(number="12-KH/HU")
    assert plan.get_parent().get_parent().pk == home_of("DT").pk
    an = User.objects.get(username="nguyenvanan")  # editor of the branch, head of its xã
    assert branch_news.permissions_for_user(an).can_edit()
    assert branch_news.permissions_for_user(an).can_publish()
    cuong = User.objects.get(username="levancuong")  # editor of the other branch
    assert not branch_news.permissions_for_user(cuong).can_edit()

    # Running everything again changes nothing.
    for command, name in (
        ("import_units", "units.csv"),
        ("import_members", "members.csv"),
        ("import_boards", "boards.csv"),
        ("import_content", "content.jsonl"),
    ):
        assert "0 created, 0 updated" in run(command, FILES / name), command
