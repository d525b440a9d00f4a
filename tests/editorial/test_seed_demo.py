"""seed_demo: the demo people sign in to after `make run`, and the bulk path
behind `--size province` (run here on a scaled-down shape; the full size is
timed by tests/benchmarks/seed_province.py)."""

import re
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from editorial.demo import SIZES, DemoShape, plan_members, plan_summary, plan_units, seed, seeder
from editorial.demo.planning import _count
from editorial.factories import make_unit
from editorial.models import (
    BoardMembership,
    BoardRole,
    CommitteeRole,
    EditorialBoard,
    Member,
    MemberStatus,
    Unit,
    UnitLevel,
)
from editorial.provisioning import PLATFORM_ADMIN_GROUP

pytestmark = pytest.mark.django_db

SCALED_DOWN = DemoShape(
    districts=2, grassroots_per_district=3, branches_per_grassroots=4, members_per_branch=5
)
BOARD_TEAM_SIZE = 13


def run_seed(*args):
    out = StringIO()
    call_command("seed_demo", "--no-progress", *args, stdout=out)
    return out.getvalue()


def quiet_seed(shape):
    return seed(shape, log=lambda message: None)


def printed_table(output, heading):
    """Rows of the table printed under ``heading``: columns are 2+ spaces apart."""
    lines = output.split(heading, 1)[1].strip("\n").splitlines()
    rows = []
    for line in lines[2:]:  # header and rule
        if not line.strip():
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def counts():
    User = get_user_model()
    return {
        "units": Unit.objects.count(),
        "members": Member.objects.count(),
        "committee roles": CommitteeRole.objects.count(),
        "users": User.objects.count(),
        "user groups": User.groups.through.objects.count(),
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "collections": Collection.objects.count(),
        "groups": Group.objects.count(),
        "page permissions": GroupPagePermission.objects.count(),
        "collection permissions": GroupCollectionPermission.objects.count(),
        "boards": EditorialBoard.objects.count(),
        "board memberships": BoardMembership.objects.count(),
    }


def assert_tree_is_sound():
    assert Unit.find_problems() == ([], [], [], [], [])
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])
    siblings = defaultdict(list)
    for path, code in Unit.objects.order_by("path").values_list("path", "code"):
        siblings[path[: -Unit.steplen]].append(code)
    # node_order_by = ["code"]: the paths keep siblings in code order.
    assert all(codes == sorted(codes) for codes in siblings.values())
    assert not Member.objects.exclude(branch__level=UnitLevel.BRANCH).exists()
    cards = list(Member.objects.exclude(card_number=None).values_list("card_number", flat=True))
    assert len(cards) == len(set(cards))
    assert not Member.objects.filter(status=MemberStatus.PROBATIONARY).exclude(card_number=None)


class TestSmallDemo:
    def test_builds_a_province_with_a_board_at_every_level(self):
        run_seed()

        province = Unit.objects.get(code="TN")
        assert (province.name, province.short_name, province.is_root()) == (
            "Tỉnh ủy Thái Nguyên",
            "TU",
            True,
        )
        districts = list(province.get_children())
        assert len(districts) == 3
        assert "ĐUK" in {d.short_name for d in districts}
        for district in districts:
            assert 2 <= district.get_children_count() <= 3
            for grassroots in district.get_children():
                assert grassroots.level == UnitLevel.GRASSROOTS
                assert grassroots.get_children_count() == 2
        assert_tree_is_sound()

        boarded = Unit.objects.filter(board__isnull=False)
        assert set(boarded.values_list("level", flat=True)) == {
            UnitLevel.PROVINCE,
            UnitLevel.DISTRICT,
            UnitLevel.BLOC,
            UnitLevel.GRASSROOTS,
            UnitLevel.BRANCH,
        }
        assert not Unit.objects.exclude(level=UnitLevel.BRANCH).filter(board__isnull=True)
        for unit in boarded:
            assert unit.board.role_groups.count() == 3
            assert unit.collection_id
            if not unit.is_root():
                # Pages and collections mirror the unit tree.
                assert unit.home_page.get_parent().pk == unit.get_parent().home_page_id
        assert Site.objects.get(is_default_site=True).root_page_id == province.home_page_id

        for role in BoardRole:
            for level in (UnitLevel.PROVINCE, UnitLevel.GRASSROOTS, UnitLevel.BRANCH):
                if role != BoardRole.PLATFORM_ADMIN:
                    assert BoardMembership.objects.filter(
                        role=role, board__unit__level=level
                    ).exists()
        admins = BoardMembership.objects.filter(role=BoardRole.PLATFORM_ADMIN)
        assert [m.board.unit_id for m in admins] == [province.pk]

    def test_members_have_varied_statuses(self):
        run_seed()

        statuses = set(Member.objects.values_list("status", flat=True))
        assert {
            MemberStatus.OFFICIAL,
            MemberStatus.PROBATIONARY,
            MemberStatus.DECEASED,
            MemberStatus.EXPELLED,
        } <= statuses
        assert Member.objects.filter(status=MemberStatus.PROBATIONARY, card_number=None).exists()
        assert CommitteeRole.objects.filter(unit__level=UnitLevel.BRANCH).exists()

    def test_printed_logins_sign_in(self):
        output = run_seed()

        logins = printed_table(output, "Sign in at http://127.0.0.1:8000/admin/ with:")
        assert len(logins) >= BOARD_TEAM_SIZE + 1
        roles = {}
        for username, password, role, _unit in logins:
            user = authenticate(username=username, password=password)
            assert user is not None, username
            roles[role] = user
        assert roles["superuser"].is_superuser
        assert roles["platform_admin"].groups.filter(name=PLATFORM_ADMIN_GROUP).exists()
        for role in (BoardRole.EDITOR, BoardRole.REVIEWER, BoardRole.APPROVER):
            user = roles[role]
            assert user.has_perm("wagtailadmin.access_admin")
            # Board users are members of a branch, and active ones.
            assert user.member.is_active_member
            assert user.member.branch.level == UnitLevel.BRANCH

    def test_deceased_and_expelled_members_cannot_sign_in(self):
        output = run_seed()

        refused = printed_table(output, "cannot sign in:")
        assert {status for _u, _p, status, _unit in refused} == {"Đã từ trần", "Đã khai trừ"}
        for username, password, _status, _unit in refused:
            user = get_user_model().objects.get(username=username)
            assert user.check_password(password)  # the password is right...
            assert authenticate(username=username, password=password) is None  # ...still no
        for member in Member.objects.exclude(
            status__in=[MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY]
        ).select_related("user")[:20]:
            assert authenticate(username=member.user.username, password="demo12345") is None

    def test_running_twice_changes_nothing(self):
        run_seed()
        before = counts()

        output = run_seed("--size", "small")

        assert counts() == before
        assert "nothing was created" in output
        assert "units: nothing to create, all" in output

    def test_password_comes_from_the_environment(self, monkeypatch):
        run_seed()
        monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")

        output = run_seed()

        logins = printed_table(output, "with:")
        team = [row for row in logins if row[2] != "superuser"]
        assert {row[1] for row in team} == {"another-demo-pass"}
        for username, password, _role, _unit in team:
            assert authenticate(username=username, password=password) is not None

    def test_refuses_a_tree_with_another_top_unit(self):
        make_unit("HN", level=UnitLevel.PROVINCE, name="Thành ủy Hà Nội")

        with pytest.raises(CommandError, match="already has a top-level unit"):
            run_seed()
        assert Unit.objects.count() == 1

    def test_dry_run_writes_nothing(self):
        output = run_seed("--dry-run", "--size", "province")

        assert "member" in output
        assert not Unit.objects.exists()


class TestBulkPath:
    """The code behind --size province, on a tree small enough for the suite."""

    def test_builds_a_sound_tree(self):
        report = quiet_seed(SCALED_DOWN)

        assert_tree_is_sound()
        province = Unit.objects.get(code="TN")
        assert (province.depth, province.numchild) == (1, 2)
        by_level = defaultdict(list)
        for unit in Unit.objects.all():
            by_level[unit.level].append(unit)
        assert len(by_level[UnitLevel.GRASSROOTS]) == 6
        assert len(by_level[UnitLevel.BRANCH]) == 24
        assert {u.depth for u in by_level[UnitLevel.BRANCH]} == {4}
        assert {u.numchild for u in by_level[UnitLevel.GRASSROOTS]} == {4}
        assert {u.numchild for u in by_level[UnitLevel.BRANCH]} == {0}
        assert Member.objects.count() == 24 * 5 + BOARD_TEAM_SIZE
        # province + 2 districts + 6 grassroots + the team's branch
        assert EditorialBoard.objects.count() == 10
        assert report.created > 0

    def test_re_running_is_idempotent(self):
        quiet_seed(SCALED_DOWN)
        before = counts()

        report = quiet_seed(SCALED_DOWN)

        assert counts() == before
        assert report.created == 0

    def test_a_larger_run_completes_a_smaller_one(self):
        """What an interrupted run leaves (some units and members) is completed
        in place, into exactly the rows the larger shape plans."""
        quiet_seed(
            DemoShape(
                districts=2,
                grassroots_per_district=2,
                branches_per_grassroots=2,
                members_per_branch=2,
            )
        )

        quiet_seed(SCALED_DOWN)

        assert_tree_is_sound()
        units = plan_units(SCALED_DOWN)
        assert set(Unit.objects.values_list("code", "name", "level")) == {
            (u.code, u.name, u.level) for u in units
        }
        planned = {
            (m.username, m.full_name, m.status, m.card_number, m.branch_code)
            for m in plan_members(SCALED_DOWN, units)
        }
        stored = set(
            Member.objects.values_list(
                "user__username", "full_name", "status", "card_number", "branch__code"
            )
        )
        assert planned <= stored
        assert len(stored) == len(planned) + BOARD_TEAM_SIZE
        assert EditorialBoard.objects.count() == 10

    def test_the_same_shape_plans_the_same_data(self):
        first = [(u.code, u.name) for u in plan_units(SCALED_DOWN)]
        assert first == [(u.code, u.name) for u in plan_units(SCALED_DOWN)]

    def test_shape_counts_must_fit_the_codes(self):
        with pytest.raises(ValueError, match="branches_per_grassroots"):
            DemoShape(
                districts=2,
                grassroots_per_district=1,
                branches_per_grassroots=100,
                members_per_branch=1,
            )


class TestCitySize:
    """The shape of issue 19's city (plans only: no database)."""

    def test_plans_the_city_counts(self):
        shape = SIZES["city"]
        units = plan_units(shape)
        levels = defaultdict(int)
        for unit in units:
            levels[unit.level] += 1
        branches = [u for u in units if u.level == UnitLevel.BRANCH]

        assert levels[UnitLevel.DISTRICT] + levels[UnitLevel.BLOC] == 30
        assert levels[UnitLevel.GRASSROOTS] == 1500
        assert len(branches) == 15_773
        members = sum(_count(shape.members_per_branch, f"members:{u.code}") for u in branches)
        assert members == 473_875
        assert (shape.news, shape.documents) == (200_000, 50_000)
        names = [u.name for u in units if u.depth == 2]
        assert len(set(names)) == 30

    def test_dry_run_counts_the_archive(self):
        shape = DemoShape(
            districts=2,
            grassroots_per_district=1,
            branches_per_grassroots=1,
            members_per_branch=1,
            news=40,
            documents=10,
        )
        summary = plan_summary(shape)
        assert (summary["news"], summary["documents"]) == (40, 10)
        assert "news" not in plan_summary(SCALED_DOWN)

    def test_smaller_sizes_plan_a_prefix_of_the_city(self):
        """The 14 new districts come after the province's 16."""
        city = [(u.code, u.name) for u in plan_units(SIZES["city"]) if u.depth <= 2]
        province = [(u.code, u.name) for u in plan_units(SIZES["province"]) if u.depth <= 2]
        assert city[: len(province)] == province
        assert (SIZES["province"].news, SIZES["small"].news) == (0, 0)


def test_without_copy_the_members_are_bulk_created(monkeypatch):
    """SQLite (make run) has no COPY: the same rows through bulk_create."""
    monkeypatch.setattr(seeder, "can_copy", lambda: False)
    quiet_seed(SCALED_DOWN)

    assert_tree_is_sound()
    planned = {
        (m.username, m.full_name, m.status, m.card_number, m.branch_code)
        for m in plan_members(SCALED_DOWN, plan_units(SCALED_DOWN))
    }
    stored = set(
        Member.objects.values_list(
            "user__username", "full_name", "status", "card_number", "branch__code"
        )
    )
    assert planned <= stored
    assert CommitteeRole.objects.count() == 24 * 2
