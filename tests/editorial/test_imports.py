"""The import_units and import_members commands.

Operators rely on three promises: a file with any bad line writes nothing and
names every bad line; a re-run of the same file changes nothing; --dry-run
never writes.
"""

import datetime
import json
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import Member, MemberStatus, Unit, UnitLevel

pytestmark = pytest.mark.django_db

User = get_user_model()

UNITS_CSV = """\
code,name,short_name,level,parent_code
DT-X1-C1,Chi bộ 1,CB,branch,DT-X1
TN,Tỉnh ủy Thái Nguyên,TU,province,
DT,Huyện ủy Đại Từ,HU,district,TN
DT-X1,Đảng ủy xã 1,ĐU,grassroots,DT
PL,Thị ủy Phổ Yên,TU,district,TN
"""

MEMBERS_CSV = """\
username,full_name,branch_code,card_number,status,phone,email,password
an,Nguyễn Văn An,C1,0001,official,0901,an@example.org,mat-khau-1
binh,Trần Thị Bình,C1,,probationary,0902,binh@example.org,
cuong,Lê Văn Cường,C2,0003,official,0903,cuong@example.org,
"""


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English source form; Django's own
    # validator messages would otherwise come out in Vietnamese.
    with translation.override("en"):
        yield


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, str):
        content = textwrap.dedent(content).encode()
    path.write_bytes(content)
    return path


def run(command, path, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command(command, str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def rejected(command, path, *args):
    stderr = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(command, str(path), *args, stdout=StringIO(), stderr=stderr)
    return stderr.getvalue()


def db_state():
    """Everything an import may touch, to compare before and after."""
    return (
        list(
            Unit.objects.order_by("code").values_list(
                "code", "name", "short_name", "level", "path", "depth", "numchild"
            )
        ),
        list(User.objects.order_by("username").values_list("username", "email", "password")),
        list(
            Member.objects.order_by("pk").values_list(
                "user__username",
                "full_name",
                "branch__code",
                "card_number",
                "status",
                "status_since",
                "phone",
            )
        ),
    )


def parent_code(code):
    parent = Unit.objects.get(code=code).get_parent()
    return parent.code if parent else None


# Units ----------------------------------------------------------------------


def test_units_import_builds_the_tree_parents_first(tmp_path):
    stdout, _ = run("import_units", write(tmp_path, "units.csv", UNITS_CSV))

    assert "5 created, 0 updated, 0 unchanged." in stdout
    assert {code: parent_code(code) for code in ["TN", "DT", "PL", "DT-X1", "DT-X1-C1"]} == {
        "TN": None,
        "DT": "TN",
        "PL": "TN",
        "DT-X1": "DT",
        "DT-X1-C1": "DT-X1",
    }
    branch = Unit.objects.get(code="DT-X1-C1")
    assert (branch.name, branch.short_name, branch.level) == ("Chi bộ 1", "CB", UnitLevel.BRANCH)
    assert [u.code for u in Unit.objects.get(code="TN").get_children()] == ["DT", "PL"]
    assert Unit.find_problems() == ([], [], [], [], [])


def test_units_rerun_changes_nothing(tmp_path):
    path = write(tmp_path, "units.csv", UNITS_CSV)
    run("import_units", path)
    before = db_state()

    stdout, _ = run("import_units", path)

    assert "0 created, 0 updated, 5 unchanged." in stdout
    assert db_state() == before


def test_units_dry_run_writes_nothing_and_reports(tmp_path):
    make_unit("TN", level=UnitLevel.PROVINCE, name="Old name", short_name="TU")
    before = db_state()

    stdout, _ = run(
        "import_units", write(tmp_path, "units.csv", UNITS_CSV), "--dry-run", "-v", "2"
    )

    assert db_state() == before
    assert "Dry run, nothing written: 4 to create, 1 to update, 0 unchanged." in stdout
    assert "created: DT-X1-C1" in stdout
    assert "updated: TN (name)" in stdout


def test_units_update_renames_and_reparents(tmp_path):
    run("import_units", write(tmp_path, "units.csv", UNITS_CSV))
    moved = UNITS_CSV.replace(
        "DT-X1,Đảng ủy xã 1,ĐU,grassroots,DT", "DT-X1,Đảng ủy xã Một,ĐU,grassroots,PL"
    ).replace("PL,Thị ủy Phổ Yên,TU,", "PL,Thành ủy Phổ Yên,TU,")

    stdout, _ = run("import_units", write(tmp_path, "moved.csv", moved), "-v", "2")

    assert "0 created, 2 updated, 3 unchanged." in stdout
    assert "updated: DT-X1 (name, parent_code)" in stdout
    grassroots = Unit.objects.get(code="DT-X1")
    assert grassroots.name == "Đảng ủy xã Một"
    assert parent_code("DT-X1") == "PL"
    assert Unit.objects.get(code="PL").name == "Thành ủy Phổ Yên"
    # The branch moves with its grassroots unit.
    assert parent_code("DT-X1-C1") == "DT-X1"
    assert Unit.objects.get(code="DT-X1-C1").path.startswith(grassroots.path)
    assert Unit.objects.get(code="DT").numchild == 0
    assert Unit.find_problems() == ([], [], [], [], [])


def test_units_reparent_under_a_former_child(tmp_path):
    """A and B swap places: valid because the final tree has no cycle."""
    root = make_unit("R", level=UnitLevel.PROVINCE)
    a = make_unit("A", parent=root, level=UnitLevel.DISTRICT)
    make_unit("B", parent=a, level=UnitLevel.GRASSROOTS)
    path = write(
        tmp_path,
        "swap.csv",
        """\
        code,name,short_name,level,parent_code
        A,Unit A,A,grassroots,B
        B,Unit B,B,district,R
        """,
    )

    run("import_units", path)

    assert (parent_code("B"), parent_code("A")) == ("R", "B")
    assert Unit.find_problems() == ([], [], [], [], [])


def test_units_root_can_be_replaced(tmp_path):
    root = make_unit("R", level=UnitLevel.PROVINCE)
    make_unit("A", parent=root, level=UnitLevel.DISTRICT)
    path = write(
        tmp_path,
        "units.csv",
        """\
        code,name,short_name,level,parent_code
        R,Unit R,R,district,A
        A,Unit A,A,province,
        """,
    )

    run("import_units", path)

    assert (parent_code("A"), parent_code("R")) == (None, "A")
    assert Unit.get_root_nodes().count() == 1
    assert Unit.find_problems() == ([], [], [], [], [])


def test_units_second_root_beside_the_database_root_is_rejected(tmp_path):
    make_unit("TN", level=UnitLevel.PROVINCE)
    path = write(tmp_path, "units.csv", "code,name,short_name,level,parent_code\nX,X,X,bloc,\n")

    stderr = rejected("import_units", path)

    assert 'line 2: parent_code: only one unit can have no parent_code, and "TN"' in stderr
    assert list(Unit.objects.values_list("code", flat=True)) == ["TN"]


def test_units_import_does_not_touch_status_or_home_page(unit_tree, tmp_path):
    district = unit_tree.district
    path = write(
        tmp_path,
        "units.csv",
        """\
        code,name,short_name,level,parent_code
        DT,Renamed,HU,district,TN
        """,
    )
    run("import_units", path)

    district_after = Unit.objects.get(pk=district.pk)
    assert district_after.name == "Renamed"
    assert district_after.home_page_id == district.home_page_id
    assert district_after.collection_id == district.collection_id
    assert district_after.status == district.status


BAD_UNIT_FILES = {
    "unknown parent": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nDT,D,HU,district,XYZ\n",
        ['line 3: parent_code: unknown unit "XYZ"'],
    ),
    "cycle in the file": (
        "code,name,short_name,level,parent_code\n"
        "TN,T,TU,province,\nA,A,A,district,B\nB,B,B,district,A\n",
        ["line 3: parent_code: cycle in the unit tree: A -> B -> A", "line 4: parent_code: cycle"],
    ),
    "own parent": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nA,A,A,district,A\n",
        ["line 3: parent_code: a unit cannot be its own parent"],
    ),
    "second root": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nHN,H,TU,province,\n",
        ['line 3: parent_code: only one unit can have no parent_code, and "TN" is the root'],
    ),
    "duplicate code": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nTN,T2,TU,province,\n",
        ['line 3: code: duplicate value "TN" (first on line 2)'],
    ),
    "bad level": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nDT,D,HU,commune,TN\n",
        ['line 3: level: "commune" is not valid; expected one of: province, district'],
    ),
    "missing required field": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nDT,,HU,district,TN\n",
        ["line 3: name: this field is required"],
    ),
    "too long": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nDT,D,"
        + "H" * 33
        + ",district,TN\n",
        ["line 3: short_name: Ensure this value has at most 32 characters (it has 33)."],
    ),
    "missing column": (
        "code,name,short_name,level\nTN,T,TU,province\n",
        ["line 1: parent_code: missing column"],
    ),
    "unknown column": (
        "code,name,short_name,level,parent_code,colour\nTN,T,TU,province,,red\n",
        ["line 1: colour: unknown column"],
    ),
    "wrong number of values": (
        "code,name,short_name,level,parent_code\nTN,T,TU,province,\nDT,Đại Từ, Thái Nguyên,HU,"
        "district,TN\n",
        ["line 3: expected 5 values, found 6"],
    ),
}


@pytest.mark.parametrize("content, expected", BAD_UNIT_FILES.values(), ids=BAD_UNIT_FILES)
def test_bad_unit_file_is_rejected_whole(tmp_path, content, expected):
    before = db_state()

    stderr = rejected("import_units", write(tmp_path, "units.csv", content))

    for message in expected:
        assert message in stderr
    assert db_state() == before
    assert not Unit.objects.exists()


def test_units_cycle_through_the_database_is_rejected(tmp_path):
    root = make_unit("R", level=UnitLevel.PROVINCE)
    a = make_unit("A", parent=root, level=UnitLevel.DISTRICT)
    b = make_unit("B", parent=a, level=UnitLevel.GRASSROOTS)
    make_unit("C", parent=b, level=UnitLevel.BRANCH)
    before = db_state()
    path = write(
        tmp_path,
        "units.csv",
        """\
        code,name,short_name,level,parent_code
        NEW,New unit,N,district,R
        A,Unit A,A,district,C
        """,
    )

    stderr = rejected("import_units", path)

    assert "line 3: parent_code: cycle in the unit tree: A -> C -> B -> A" in stderr
    assert db_state() == before


def test_units_every_failing_line_is_listed_in_line_order(tmp_path):
    path = write(
        tmp_path,
        "units.csv",
        """\
        code,name,short_name,level,parent_code
        TN,Tỉnh,TU,province,
        DT,"Huyện
        Đại Từ",HU,nowhere,TN
        PL,Phổ Yên,TU,district,XYZ
        OK,Fine,OK,district,TN
        ,No code,NC,district,TN
        """,
    )

    stderr = rejected("import_units", path)

    # The quoted name spans lines 3-4, so the next record is on line 5.
    assert stderr.splitlines() == [
        'line 3: level: "nowhere" is not valid; expected one of: '
        "province, district, bloc, grassroots, branch",
        'line 5: parent_code: unknown unit "XYZ"',
        "line 7: code: this field is required",
    ]
    assert not Unit.objects.exists()


def test_units_bad_encoding_names_each_line(tmp_path):
    content = (
        "code,name,short_name,level,parent_code\n"
        "TN,Tinh,TU,province,\n"
        "DT,Huy\xean,HU,district,TN\n"
        "PL,Ph\xf4 Y\xean,TU,district,TN\n"
    ).encode("latin-1")

    stderr = rejected("import_units", write(tmp_path, "units.csv", content))

    assert "line 3: not valid UTF-8 (byte 0xEA at position 7)" in stderr
    assert "line 4: not valid UTF-8" in stderr
    assert "line 2" not in stderr
    assert not Unit.objects.exists()


def test_units_csv_with_bom_is_accepted(tmp_path):
    path = write(tmp_path, "units.csv", b"\xef\xbb\xbf" + UNITS_CSV.encode())

    stdout, _ = run("import_units", path)

    assert "5 created" in stdout
    assert parent_code("DT") == "TN"


def test_units_jsonl_import(tmp_path):
    lines = [
        {"code": "TN", "name": "Tỉnh ủy", "short_name": "TU", "level": "province"},
        {
            "code": "DT",
            "name": "Đại Từ",
            "short_name": "HU",
            "level": "district",
            "parent_code": "TN",
        },
    ]
    path = write(tmp_path, "units.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")

    stdout, _ = run("import_units", path)

    assert "2 created, 0 updated, 0 unchanged." in stdout
    assert parent_code("DT") == "TN"
    assert Unit.objects.get(code="TN").name == "Tỉnh ủy"


def test_units_bad_jsonl_lines_are_listed(tmp_path):
    path = write(
        tmp_path,
        "units.jsonl",
        '{"code": "TN", "name": "T", "short_name": "TU", "level": "province"}\n'
        '{"code": "DT", "name": "D",\n'
        '["not", "an", "object"]\n'
        '{"code": "PL", "name": "P", "short_name": "TU", "level": "bad", "parent_code": "TN"}\n'
        '{"code": 5, "name": "P", "short_name": "TU", "level": "district"}\n',
    )

    stderr = rejected("import_units", path)

    assert "line 2: invalid JSON" in stderr
    assert "line 3: expected a JSON object" in stderr
    assert 'line 4: level: "bad" is not valid' in stderr
    assert "line 5: code: expected a string" in stderr
    assert "line 1" not in stderr
    assert not Unit.objects.exists()


def test_unsupported_file_type_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"use \.csv, \.jsonl or \.xlsx"):
        call_command("import_units", str(write(tmp_path, "units.xls", "x")), stdout=StringIO())


# Members --------------------------------------------------------------------


@pytest.fixture
def branches(db):
    province = make_unit("TN", level=UnitLevel.PROVINCE)
    return (
        make_unit("C1", parent=province, level=UnitLevel.BRANCH),
        make_unit("C2", parent=province, level=UnitLevel.BRANCH),
    )


def test_members_import_creates_users_and_members(branches, tmp_path):
    stdout, _ = run("import_members", write(tmp_path, "members.csv", MEMBERS_CSV))

    assert "3 created, 0 updated, 0 unchanged." in stdout
    an = Member.objects.select_related("user", "branch").get(user__username="an")
    assert (an.full_name, an.branch.code, an.card_number, an.status, an.phone) == (
        "Nguyễn Văn An",
        "C1",
        "0001",
        MemberStatus.OFFICIAL,
        "0901",
    )
    assert an.user.email == "an@example.org"
    assert an.user.first_name == ""
    # Stored hashed, not as given.
    assert an.user.password != "mat-khau-1"
    assert check_password("mat-khau-1", an.user.password)
    binh = Member.objects.select_related("user").get(user__username="binh")
    assert binh.card_number is None
    assert binh.status == MemberStatus.PROBATIONARY
    assert not binh.user.has_usable_password()


def test_members_rerun_changes_nothing(branches, tmp_path):
    path = write(tmp_path, "members.csv", MEMBERS_CSV)
    run("import_members", path)
    before = db_state()

    stdout, _ = run("import_members", path)

    assert "0 created, 0 updated, 3 unchanged." in stdout
    # Same values, and the same password hashes (no re-hashing with a new salt).
    assert db_state() == before


def test_members_dry_run_writes_nothing_and_reports(branches, tmp_path):
    MemberFactory(user__username="an", branch=branches[0], card_number="0001")
    before = db_state()

    stdout, _ = run(
        "import_members", write(tmp_path, "members.csv", MEMBERS_CSV), "--dry-run", "-v", "2"
    )

    assert db_state() == before
    assert "Dry run, nothing written: 2 to create, 1 to update, 0 unchanged." in stdout
    assert "created: binh" in stdout
    assert "updated: an (password, full_name, phone)" in stdout


def test_members_status_change_sets_status_since(branches, tmp_path):
    run("import_members", write(tmp_path, "members.csv", MEMBERS_CSV))
    last_year = datetime.date(2024, 1, 1)
    Member.objects.update(status_since=last_year)
    changed = (
        MEMBERS_CSV.replace("C1,,probationary", "C2,0002,official")
        .replace("0001,official", "0001,transferred")
        .replace("0003,official", "0003,transferred")
        .replace("Lê Văn Cường", "Lê Văn Cương")
    )

    stdout, _ = run("import_members", write(tmp_path, "changed.csv", changed), "-v", "2")

    assert "0 created, 3 updated, 0 unchanged." in stdout
    assert "updated: binh (branch_code, card_number, status)" in stdout
    assert "updated: cuong (full_name, status)" in stdout
    members = {m.user.username: m for m in Member.objects.select_related("user", "branch").all()}
    binh = members["binh"]
    assert (binh.status, binh.card_number, binh.branch.code) == ("official", "0002", "C2")
    assert (members["an"].status, members["cuong"].status) == ("transferred", "transferred")
    assert members["cuong"].full_name == "Lê Văn Cương"
    assert members["an"].full_name == "Nguyễn Văn An"
    assert {m.status_since for m in members.values()} == {timezone.localdate()}
    assert Member.objects.get(user__username="binh").user.email == "binh@example.org"


def test_members_unchanged_status_keeps_status_since(branches, tmp_path):
    run("import_members", write(tmp_path, "members.csv", MEMBERS_CSV))
    last_year = datetime.date(2024, 1, 1)
    Member.objects.update(status_since=last_year)

    run("import_members", write(tmp_path, "phone.csv", MEMBERS_CSV.replace(",0902,", ",0999,")))

    binh = Member.objects.get(user__username="binh")
    assert (binh.phone, binh.status_since) == ("0999", last_year)


def test_members_existing_user_keeps_password_when_none_given(branches, tmp_path):
    user = UserFactory(username="binh", email="binh@example.org")
    old_hash = user.password

    stdout, _ = run("import_members", write(tmp_path, "members.csv", MEMBERS_CSV))

    assert "3 created" in stdout
    user.refresh_from_db()
    assert user.password == old_hash
    assert user.member.full_name == "Trần Thị Bình"
    assert User.objects.filter(username="binh").count() == 1


def test_members_new_password_replaces_the_old_one(branches, tmp_path):
    user = UserFactory(username="an", email="an@example.org")
    MemberFactory(
        user=user, full_name="Nguyễn Văn An", branch=branches[0], card_number="0001", phone="0901"
    )

    stdout, _ = run("import_members", write(tmp_path, "members.csv", MEMBERS_CSV), "-v", "2")

    assert "updated: an (password)" in stdout
    user.refresh_from_db()
    assert user.check_password("mat-khau-1")
    assert not user.check_password("secret-pass-123")


def test_members_card_numbers_can_change_hands(branches, tmp_path):
    MemberFactory(user__username="an", branch=branches[0], card_number="0003")
    MemberFactory(user__username="cuong", branch=branches[1], card_number="0001")

    run("import_members", write(tmp_path, "members.csv", MEMBERS_CSV))

    assert Member.objects.get(user__username="an").card_number == "0001"
    assert Member.objects.get(user__username="cuong").card_number == "0003"


BAD_MEMBER_FILES = {
    "duplicate username": (
        MEMBERS_CSV + "an,Another An,C2,0009,official,0909,an2@example.org,\n",
        ['line 5: username: duplicate value "an" (first on line 2)'],
    ),
    "duplicate card number": (
        MEMBERS_CSV + "dung,Dũng,C2,0003,official,0904,dung@example.org,\n",
        ['line 5: card_number: duplicate value "0003" (first on line 4)'],
    ),
    "card number of an existing member": (
        MEMBERS_CSV + "dung,Dũng,C2,7777,official,0904,dung@example.org,\n",
        ['line 5: card_number: card number "7777" already belongs to member "holder"'],
    ),
    "unknown branch": (
        MEMBERS_CSV.replace("cuong,Lê Văn Cường,C2", "cuong,Lê Văn Cường,C9"),
        ['line 4: branch_code: unknown unit "C9"'],
    ),
    "bad status": (
        MEMBERS_CSV.replace("probationary", "active"),
        ['line 3: status: "active" is not valid; expected one of: official, probationary'],
    ),
    "missing required field": (
        MEMBERS_CSV.replace("Trần Thị Bình", ""),
        ["line 3: full_name: this field is required"],
    ),
    "invalid email": (
        MEMBERS_CSV.replace("cuong@example.org", "cuong-at-example"),
        ["line 4: email: Enter a valid email address."],
    ),
    "invalid username": (
        MEMBERS_CSV.replace("binh,", "bình thường,", 1),
        ["line 3: username: Enter a valid username."],
    ),
    "missing column": (
        "username,full_name,card_number,status,phone,email\n"
        "an,An,0001,official,0901,an@example.org\n",
        ["line 1: branch_code: missing column"],
    ),
}


@pytest.mark.parametrize("content, expected", BAD_MEMBER_FILES.values(), ids=BAD_MEMBER_FILES)
def test_bad_member_file_is_rejected_whole(branches, tmp_path, content, expected):
    MemberFactory(user__username="holder", branch=branches[0], card_number="7777")
    before = db_state()

    stderr = rejected("import_members", write(tmp_path, "members.csv", content))

    for message in expected:
        assert message in stderr
    assert db_state() == before
    assert Member.objects.count() == 1


def test_members_bad_encoding_and_json_are_listed(branches, tmp_path):
    good = {
        "username": "an",
        "full_name": "An",
        "branch_code": "C1",
        "status": "official",
        "phone": "0901",
        "email": "an@example.org",
    }
    path = write(tmp_path, "members.jsonl", json.dumps(good) + "\n{oops}\n")
    stderr = rejected("import_members", path)
    assert "line 2: invalid JSON" in stderr

    latin = (
        "username,full_name,branch_code,status,phone,email\n"
        "an,Nguy\xean,C1,official,0901,a@b.org\n"
    )
    stderr = rejected("import_members", write(tmp_path, "members.csv", latin.encode("latin-1")))
    assert "line 2: not valid UTF-8" in stderr
    assert not User.objects.exists()


def test_members_jsonl_and_bom_csv_import(branches, tmp_path):
    rows = [
        {
            "username": "an",
            "full_name": "Nguyễn Văn An",
            "branch_code": "C1",
            "card_number": None,
            "status": "probationary",
            "phone": "0901",
            "email": "an@example.org",
        }
    ]
    stdout, _ = run(
        "import_members", write(tmp_path, "members.jsonl", json.dumps(rows[0], ensure_ascii=False))
    )
    assert "1 created" in stdout
    assert Member.objects.get(user__username="an").full_name == "Nguyễn Văn An"

    bom = b"\xef\xbb\xbf" + MEMBERS_CSV.encode()
    stdout, _ = run("import_members", write(tmp_path, "members.csv", bom))
    assert "2 created, 1 updated, 0 unchanged." in stdout


def test_members_import_does_not_query_per_row(branches, tmp_path, django_assert_max_num_queries):
    MemberFactory(user__username="m00000", branch=branches[0], card_number="C00000")
    lines = ["username,full_name,branch_code,card_number,status,phone,email"]
    lines += [
        f"m{n:05d},Member {n},C{n % 2 + 1},C{n:05d},official,09{n:08d},m{n}@example.org"
        for n in range(2500)
    ]
    path = write(tmp_path, "members.csv", "\n".join(lines) + "\n")

    with django_assert_max_num_queries(40):
        stdout, _ = run("import_members", path)

    assert "2499 created, 1 updated, 0 unchanged." in stdout
    assert Member.objects.count() == 2500
    with django_assert_max_num_queries(12):
        stdout, _ = run("import_members", path)
    assert "0 created, 0 updated, 2500 unchanged." in stdout

    path.write_text(path.read_text().replace(",official,", ",transferred,"))
    with django_assert_max_num_queries(15):
        stdout, _ = run("import_members", path)
    assert "0 created, 2500 updated, 0 unchanged." in stdout
    assert set(Member.objects.values_list("status", "status_since")) == {
        (MemberStatus.TRANSFERRED, timezone.localdate())
    }


# The sample files in tests/editorial/files are the documented examples.

FILES = Path(__file__).parent / "files"


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_sample_files_import(suffix):
    stdout, _ = run("import_units", FILES / f"units.{suffix}")
    assert "0 updated, 0 unchanged." in stdout
    stdout, _ = run("import_members", FILES / f"members.{suffix}")
    assert "0 updated, 0 unchanged." in stdout

    an = Member.objects.select_related("user", "branch").get(user__username="nguyenvanan")
    assert an.branch.get_parent().code == "DT-X1"
    assert an.user.check_password("Doi-mat-khau-ngay")
    assert not User.objects.get(username="tranthibinh").has_usable_password()


def test_reparenting_moves_the_units_pages_and_media(unit_tree, tmp_path):
    """A re-parent in a file is a reorganisation: the home page and collection follow."""
    grassroots = unit_tree.grassroots
    csv = (
        "code,name,short_name,level,parent_code\n"
        f"{grassroots.code},{grassroots.name},{grassroots.short_name},grassroots,PL\n"
    )
    run("import_units", write(tmp_path, "move.csv", csv))
    grassroots.refresh_from_db()
    district_2 = Unit.objects.get(code="PL")
    assert grassroots.get_parent() == district_2
    assert grassroots.home_page.get_parent().pk == district_2.home_page_id
    assert grassroots.collection.get_parent().pk == district_2.collection_id
    assert grassroots.events.filter(kind="moved", other_unit=district_2).exists()


def test_members_need_no_phone_or_email(unit_tree, tmp_path):
    csv = (
        "username,full_name,branch_code,status,phone,email\n"
        f"ba,Hoàng Văn Ba,{unit_tree.branch.code},official,,\n"
    )
    run("import_members", write(tmp_path, "no-contact.csv", csv))
    assert Member.objects.get(user__username="ba").phone == ""


def test_merged_units_take_no_new_members_or_children(unit_tree, tmp_path):
    from editorial.reorganisation import merge_units

    merge_units(unit_tree.branch_2, unit_tree.branch)
    members = (
        "username,full_name,branch_code,status,phone,email\n"
        f"ba,Hoàng Văn Ba,{unit_tree.branch_2.code},official,,\n"
    )
    stderr = rejected("import_members", write(tmp_path, "m.csv", members))
    assert f'line 2: branch_code: unit "{unit_tree.branch_2.code}" has been merged' in stderr
    units = (
        f"code,name,short_name,level,parent_code\nNEW,Tổ mới,T,branch,{unit_tree.branch_2.code}\n"
    )
    stderr = rejected("import_units", write(tmp_path, "u.csv", units))
    assert f'line 2: parent_code: unit "{unit_tree.branch_2.code}" has been merged' in stderr
    assert not Member.objects.filter(user__username="ba").exists()
