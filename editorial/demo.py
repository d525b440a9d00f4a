"""Demo data: a believable province, from a handful of units to a full-size tree.

This module owns what ``manage.py seed_demo`` builds; the command only parses
its arguments. Two sizes share one generator, so the small demo is a prefix of
the province: the same codes, names and members, only fewer of them.

- Everything is deterministic (random generators seeded with unit codes), so a
  re-run plans exactly the same rows and creates only those that are missing:
  units are matched on ``code``, users on ``username``. Each phase writes in
  batches inside ``transaction.atomic()``, so an interrupted run is completed
  by running it again.
- Units are written with ``bulk_create`` and treebeard paths computed here
  (children of a parent are appended after its last child, in code order).
- Boards go through ``editorial.provisioning.provision_board`` and board users
  through ``add_board_member``: the demo's permissions are the real ones.
- DEMO ONLY: every bulk-created member gets the same password hash, computed
  once with ``make_password`` (hashing 100,000 passwords would take hours with
  PBKDF2). A shared salt is fine for throwaway demo data and nowhere else.
"""

import os
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count
from tqdm import tqdm

from .models import (
    BoardRole,
    CommitteeRole,
    CommitteeRoleKind,
    Member,
    MemberStatus,
    Unit,
    UnitLevel,
)
from .provisioning import BOARD_ROLES, add_board_member, clear_permission_cache, provision_board

BATCH_SIZE = 5000
DEFAULT_PASSWORD = "demo12345"
DEFAULT_ADMIN_PASSWORD = "admin12345"
PASSWORD_ENV = "DEMO_PASSWORD"
ADMIN_PASSWORD_ENV = "DEMO_ADMIN_PASSWORD"
ADMIN_USERNAME = "admin"
# Dates are drawn relative to a fixed day, so that re-runs plan the same rows.
REFERENCE_DATE = date(2025, 1, 1)
TERM_START = date(2020, 10, 1)

PROVINCE = {"code": "TN", "name": "Tỉnh ủy Thái Nguyên", "short_name": "TU"}

# The 16 district-level committees. The first three make up the small demo,
# so they come first: a city, a rural district and the agencies' bloc.
# kind: how their grassroots units are named (wards/communes, or agencies);
# prefix: for a bloc, what its grassroots units beyond the named ones are called.
DISTRICTS = [
    ("Thành ủy Thái Nguyên", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Huyện ủy Đại Từ", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh", "ĐUK", UnitLevel.BLOC, "agencies", ""),
    ("Thành ủy Sông Công", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Thành ủy Phổ Yên", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Huyện ủy Định Hóa", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Phú Lương", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Đồng Hỷ", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Võ Nhai", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Phú Bình", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Đảng ủy Quân sự tỉnh", "ĐUQS", UnitLevel.BLOC, "agencies", "Ban Chỉ huy Quân sự"),
    ("Đảng ủy Công an tỉnh", "ĐUCA", UnitLevel.BLOC, "agencies", "Công an"),
    ("Đảng ủy Đại học Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Trung tâm"),
    ("Đảng ủy Bệnh viện Trung ương Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Khối"),
    (
        "Đảng ủy Công ty Cổ phần Gang thép Thái Nguyên",
        "ĐU",
        UnitLevel.BLOC,
        "agencies",
        "Xí nghiệp",
    ),
    ("Đảng ủy Công ty Điện lực Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Điện lực"),
]

# Named grassroots units of some blocs; after these, "<prefix> <place name>".
AGENCIES = {
    "Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh": [
        "Văn phòng Tỉnh ủy",
        "Văn phòng UBND tỉnh",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Xây dựng",
        "Sở Công Thương",
        "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Kho bạc Nhà nước tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Báo Thái Nguyên",
        "Đài Phát thanh - Truyền hình tỉnh",
        "Trường Chính trị tỉnh",
    ],
    "Đảng ủy Đại học Thái Nguyên": [
        "Cơ quan Đại học Thái Nguyên",
        "Trường Đại học Sư phạm",
        "Trường Đại học Y - Dược",
        "Trường Đại học Kỹ thuật Công nghiệp",
        "Trường Đại học Nông Lâm",
        "Trường Đại học Kinh tế và Quản trị Kinh doanh",
        "Trường Đại học Khoa học",
        "Trường Đại học Công nghệ Thông tin và Truyền thông",
        "Trường Ngoại ngữ",
    ],
}
AGENCY_FALLBACK_PREFIX = "Công ty Cổ phần"

PLACE_FIRST = [
    "Tân", "Phú", "Hòa", "Bình", "An", "Minh", "Quang", "Vạn", "Hùng", "Đức",
    "Yên", "Phúc", "Thanh", "Mỹ", "Hà", "Văn", "Tiên", "Khôi", "Cù", "La",
    "Ký", "Hợp", "Lục", "Bản", "Na", "Phục", "Hoàng", "Trung", "Động", "Cát",
]  # fmt: skip
PLACE_SECOND = [
    "Sơn", "Thái", "Lương", "Xuyên", "Hòa", "Thịnh", "Tiến", "Yên", "Khánh", "Lợi",
    "Linh", "Trung", "Đạt", "Thành", "Long", "Phong", "Kỳ", "Lập", "Cường", "Vân",
]  # fmt: skip
HAMLET_FIRST = ["Đồng", "Làng", "Gò", "Cầu", "Đầm", "Bãi", "Khuôn", "Na", "Bản", "Ao", "Soi"]
HAMLET_SECOND = [
    "Mới", "Lớn", "Cả", "Trên", "Dưới", "Giữa", "Tâm", "Tiến", "Chùa", "Đình",
    "Thông", "Ngọc", "Xuân", "Hội",
]  # fmt: skip
# Every fourth branch of a ward or commune is an institution's.
INSTITUTIONS = ["Trường Tiểu học", "Trạm Y tế", "Quân sự", "Trường Mầm non", "Công an"]
DEPARTMENTS = [
    "Văn phòng",
    "Phòng Tổ chức - Hành chính",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Nghiệp vụ",
    "Phòng Kỹ thuật",
    "Phòng Thanh tra",
    "Phòng Kinh doanh",
    "Phòng Tổng hợp",
]

# Family names, roughly by frequency in the northern midlands (Tày and Nùng
# names such as Ma, Nông, Triệu are common in Thái Nguyên's mountain districts).
FAMILY_NAMES = [
    ("Nguyễn", 30), ("Trần", 9), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4),
    ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 3),
    ("Lý", 1), ("Ma", 2), ("Nông", 2), ("Triệu", 1), ("Lương", 2), ("Hà", 2), ("Mông", 1),
]  # fmt: skip
MIDDLE_NAMES = {
    "m": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Mạnh", "Thanh", "Công", "Tiến"],
    "f": ["Thị", "Thị", "Thị", "Thu", "Thanh", "Minh", "Ngọc", "Phương", "Hồng", "Kim"],
}
GIVEN_NAMES = {
    "m": [
        "Hùng", "Dũng", "Cường", "Tuấn", "Hải", "Nam", "Sơn", "Thắng", "Long", "Quân",
        "Bình", "Toàn", "Tùng", "Huy", "Khánh", "Phong", "Trung", "Việt", "Thành", "Hiếu",
    ],
    "f": [
        "Hoa", "Lan", "Hương", "Hằng", "Mai", "Linh", "Thảo", "Trang", "Nga", "Hà",
        "Yến", "Nhung", "Huyền", "Thủy", "Hạnh", "Vân", "Dung", "Loan", "Phương", "Ngọc",
    ],
}  # fmt: skip
_FAMILY, _FAMILY_WEIGHTS = zip(*FAMILY_NAMES, strict=True)

# Members beyond the two branch officers; weights in per mille.
STATUS_WEIGHTS = [
    (MemberStatus.OFFICIAL, 880),
    (MemberStatus.PROBATIONARY, 70),
    (MemberStatus.TRANSFERRED, 20),
    (MemberStatus.DECEASED, 15),
    (MemberStatus.STRUCK_OFF, 10),
    (MemberStatus.EXPELLED, 5),
]
_STATUSES, _STATUS_WEIGHTS = zip(*STATUS_WEIGHTS, strict=True)
# So that every demo shows each kind of record: in each grassroots unit's first
# branch, member 4 is probationary (no card yet) and member 5 has died; member 5
# of its second branch was expelled. Keyed by (branch position, member position).
FORCED_STATUSES = {
    (1, 4): MemberStatus.PROBATIONARY,
    (1, 5): MemberStatus.DECEASED,
    (2, 5): MemberStatus.EXPELLED,
}
OFFICES = {1: CommitteeRoleKind.SECRETARY, 2: CommitteeRoleKind.DEPUTY_SECRETARY}

# The editorial team: (which unit, role). Units are picked in the second
# district (Đại Từ) so that every level, down to a branch, has a board team.
BOARD_TEAM = [
    ("province", BoardRole.EDITOR),
    ("province", BoardRole.REVIEWER),
    ("province", BoardRole.APPROVER),
    ("province", BoardRole.PLATFORM_ADMIN),
    ("district", BoardRole.EDITOR),
    ("district", BoardRole.REVIEWER),
    ("district", BoardRole.APPROVER),
    ("grassroots", BoardRole.EDITOR),
    ("grassroots", BoardRole.REVIEWER),
    ("grassroots", BoardRole.APPROVER),
    ("branch", BoardRole.EDITOR),
    ("branch", BoardRole.REVIEWER),
    ("branch", BoardRole.APPROVER),
]
TEAM_UNIT_CODES = {
    "province": "TN",
    "district": "TN-02",
    "grassroots": "TN-02-001",
    "branch": "TN-02-001-01",
}
# Board users are members too, of the first branch in their unit's subtree.
TEAM_BRANCH_CODES = {
    "province": "TN-01-001-01",
    "district": "TN-02-001-01",
    "grassroots": "TN-02-001-01",
    "branch": "TN-02-001-01",
}
# Shown after the logins: a member who can sign in, and two who cannot (see
# FORCED_STATUSES). Every size has these branches and members.
SAMPLE_MEMBERS = [
    ("tn-02-001-01-001", "branch secretary"),
    ("tn-02-001-01-004", "probationary, no card yet"),
    ("tn-02-001-01-005", None),
    ("tn-02-001-02-005", None),
]
# Board users' card numbers live outside the generated range (districts 01-16).
TEAM_CARD_PREFIX = "99"


@dataclass(frozen=True)
class DemoShape:
    """How big a tree to build. Each count is per parent: a number, or an
    inclusive (low, high) range drawn for each parent from a generator seeded
    with the parent's code (so the count of a unit's children never changes)."""

    districts: int
    grassroots_per_district: int | tuple[int, int]
    branches_per_grassroots: int | tuple[int, int]
    members_per_branch: int | tuple[int, int]

    def __post_init__(self):
        # The widths of the zero-padded code segments bound the counts.
        limits = {
            "districts": (self.districts, len(DISTRICTS)),
            "grassroots_per_district": (self.grassroots_per_district, 999),
            "branches_per_grassroots": (self.branches_per_grassroots, 99),
            "members_per_branch": (self.members_per_branch, 999),
        }
        for name, (value, limit) in limits.items():
            low, high = value if isinstance(value, tuple) else (value, value)
            if not 1 <= low <= high <= limit:
                raise ValueError(f"{name} must lie between 1 and {limit}, got {value!r}")
        if self.districts < 2:
            raise ValueError("districts must be at least 2: the board team works in the second")


SIZES = {
    "small": DemoShape(
        districts=3,
        grassroots_per_district=(2, 3),
        branches_per_grassroots=2,
        members_per_branch=6,
    ),
    # About 600 grassroots units, 5,100 branches and 102,000 members.
    "province": DemoShape(
        districts=16,
        grassroots_per_district=(25, 50),
        branches_per_grassroots=(4, 13),
        members_per_branch=(10, 30),
    ),
}


class DemoSeedError(Exception):
    """The database holds data the demo cannot be seeded beside."""


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    kind: str  # how its children are named: city, rural, agencies, ward, commune, agency
    prefix: str = ""  # for agencies: what unnamed grassroots units are called

    @property
    def depth(self):
        return self.code.count("-") + 1


@dataclass(frozen=True)
class MemberPlan:
    username: str
    full_name: str
    branch_code: str
    card_number: str | None
    status: str
    joined_on: date
    official_on: date | None
    status_since: date | None
    phone: str
    office: str | None = None


@dataclass
class PhaseResult:
    name: str
    created: int = 0
    existing: int = 0
    seconds: float = 0.0


@dataclass
class Login:
    username: str
    password: str
    role: str
    unit: str
    note: str = ""


@dataclass
class SeedReport:
    phases: list[PhaseResult] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    refused: list[Login] = field(default_factory=list)

    @property
    def seconds(self):
        return sum(phase.seconds for phase in self.phases)

    @property
    def created(self):
        return sum(phase.created for phase in self.phases)

    @property
    def existing(self):
        return sum(phase.existing for phase in self.phases)


# Planning: pure functions of the shape, no database.


def _count(spec, key):
    return spec if isinstance(spec, int) else random.Random(key).randint(*spec)


def _places(key):
    """Every two-syllable place name, in an order fixed by ``key``."""
    names = [f"{a} {b}" for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    random.Random(key).shuffle(names)
    return names


def _grassroots(district, count):
    places = _places(f"places:{district.code}")
    agencies = AGENCIES.get(district.name, [])
    for position in range(1, count + 1):
        code = f"{district.code}-{position:03d}"
        place = places[position - 1]
        if district.kind == "agencies":
            if position <= len(agencies):
                body = agencies[position - 1]
            else:
                body = f"{district.prefix or AGENCY_FALLBACK_PREFIX} {place}"
            name, kind = f"Đảng bộ {body}", "agency"
        elif district.kind == "city" and position % 4:
            name, kind = f"Đảng bộ phường {place}", "ward"
        elif district.kind == "rural" and position == 1:
            name, kind = f"Đảng bộ thị trấn {place}", "commune"
        else:
            name, kind = f"Đảng bộ xã {place}", "commune"
        yield UnitPlan(code, name, "ĐU", UnitLevel.GRASSROOTS, district.code, kind)


def _branches(grassroots, count):
    hamlets = [f"{a} {b}" for a in HAMLET_FIRST for b in HAMLET_SECOND]
    random.Random(f"hamlets:{grassroots.code}").shuffle(hamlets)
    residential = 0
    for position in range(1, count + 1):
        code = f"{grassroots.code}-{position:02d}"
        if grassroots.kind == "agency":
            department = DEPARTMENTS[(position - 1) % len(DEPARTMENTS)]
            round_ = (position - 1) // len(DEPARTMENTS)
            name = f"Chi bộ {department}" + (f" {round_ + 1}" if round_ else "")
        elif position % 4 == 0:
            name = f"Chi bộ {INSTITUTIONS[(position // 4 - 1) % len(INSTITUTIONS)]}"
        else:
            residential += 1
            if grassroots.kind == "ward":
                name = f"Chi bộ tổ dân phố {residential}"
            else:
                name = f"Chi bộ xóm {hamlets[residential - 1]}"
        yield UnitPlan(code, name, "CB", UnitLevel.BRANCH, grassroots.code, "branch")


def plan_units(shape):
    """The units of the demo tree, parents before children and each level in code order."""
    root = UnitPlan(
        PROVINCE["code"],
        PROVINCE["name"],
        PROVINCE["short_name"],
        UnitLevel.PROVINCE,
        None,
        "province",
    )
    districts = [
        UnitPlan(f"{root.code}-{i:02d}", name, short, level, root.code, kind, prefix)
        for i, (name, short, level, kind, prefix) in enumerate(
            DISTRICTS[: shape.districts], start=1
        )
    ]
    grassroots = [
        unit
        for district in districts
        for unit in _grassroots(
            district, _count(shape.grassroots_per_district, f"grassroots:{district.code}")
        )
    ]
    branches = [
        unit
        for parent in grassroots
        for unit in _branches(
            parent, _count(shape.branches_per_grassroots, f"branches:{parent.code}")
        )
    ]
    return [root, *districts, *grassroots, *branches]


def vietnamese_name(rng):
    sex = rng.choice("mf")
    family = rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]
    return f"{family} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"


def _days_before(day, rng, low, high):
    return day - timedelta(days=rng.randint(low, high))


def _member(rng, *, username, branch_code, card_number, status, office=None):
    """One member's record; draws from ``rng`` in a fixed order."""
    full_name = vietnamese_name(rng)
    phone = f"09{rng.randint(0, 99_999_999):08d}"
    if status == MemberStatus.PROBATIONARY:
        joined_on = _days_before(REFERENCE_DATE, rng, 30, 360)
        official_on = None
        card_number = None  # the card comes with official membership
    else:
        joined_on = _days_before(REFERENCE_DATE, rng, 2 * 365, 45 * 365)
        official_on = joined_on + timedelta(days=365)
    status_since = None
    if status not in (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY):
        status_since = official_on + timedelta(
            days=rng.randint(0, (REFERENCE_DATE - official_on).days)
        )
    return MemberPlan(
        username=username,
        full_name=full_name,
        branch_code=branch_code,
        card_number=card_number,
        status=status,
        joined_on=joined_on,
        official_on=official_on,
        status_since=status_since,
        phone=phone,
        office=office,
    )


def plan_branch_members(branch_code, count):
    """A branch's members. Member n depends only on members 1..n-1, so a
    branch with fewer members holds a prefix of a larger one's."""
    rng = random.Random(f"members:{branch_code}")
    segments = branch_code.split("-")  # TN, district, grassroots, branch
    branch_position = int(segments[-1])
    digits = "".join(segments[1:])
    for position in range(1, count + 1):
        drawn = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
        if position in OFFICES:
            status = MemberStatus.OFFICIAL
        else:
            status = FORCED_STATUSES.get((branch_position, position), drawn)
        yield _member(
            rng,
            username=f"{branch_code.lower()}-{position:03d}",
            branch_code=branch_code,
            card_number=f"{digits}{position:03d}",
            status=status,
            office=OFFICES.get(position),
        )


def plan_members(shape, units):
    for unit in units:
        if unit.level == UnitLevel.BRANCH:
            yield from plan_branch_members(
                unit.code, _count(shape.members_per_branch, f"members:{unit.code}")
            )


def team_username(unit_code, role):
    if role == BoardRole.PLATFORM_ADMIN:
        return f"{unit_code.lower()}-admin"
    return f"{unit_code.lower()}-{role}"


def plan_team():
    """(username, unit code, role, member record) of each board user."""
    team = []
    for index, (where, role) in enumerate(BOARD_TEAM, start=1):
        unit_code = TEAM_UNIT_CODES[where]
        username = team_username(unit_code, role)
        member = _member(
            random.Random(f"team:{username}"),
            username=username,
            branch_code=TEAM_BRANCH_CODES[where],
            card_number=f"{TEAM_CARD_PREFIX}{index:08d}",
            status=MemberStatus.OFFICIAL,
        )
        team.append((username, unit_code, role, member))
    return team


# Writing.


class _Seeder:
    def __init__(self, shape, *, progress, log, password, admin_password):
        self.shape = shape
        self.progress = progress
        self.log = log
        self.password = password
        self.admin_password = admin_password
        self.report = SeedReport()
        self.User = get_user_model()
        self._hashes = {}
        self._checked = {}

    def bar(self, total, desc):
        return tqdm(
            total=total,
            desc=desc,
            unit=desc.removesuffix("s"),
            file=sys.stderr,
            disable=not self.progress,
            leave=False,
            dynamic_ncols=True,
        )

    def hash_of(self, raw):
        """One hash per password per run: the demo's bulk rows all share it."""
        if raw not in self._hashes:
            self._hashes[raw] = make_password(raw)
        return self._hashes[raw]

    def ensure_password(self, user, raw):
        """Give ``user`` the password ``raw`` unless they already have it.

        Checks are cached by stored hash, so users sharing a hash cost one check."""
        key = (user.password, raw)
        if key not in self._checked:
            self._checked[key] = check_password(raw, user.password)
        if not self._checked[key]:
            user.password = self.hash_of(raw)
            user.save(update_fields=["password"])

    def phase(self, name):
        result = PhaseResult(name)
        self.report.phases.append(result)
        return result

    def run(self):
        clear_permission_cache()
        units = plan_units(self.shape)
        root = self.seed_units(units)
        self.seed_boards(root, units)
        self.seed_members(root, units)
        self.seed_team()
        return self.report

    # Units

    def seed_units(self, units):
        result = self.phase("units")
        started = time.perf_counter()
        root = self._ensure_root(units[0], result)
        by_depth = defaultdict(list)
        for unit in units[1:]:
            by_depth[unit.depth].append(unit)
        missing_total = sum(
            len(plans) - self._existing_count(root, depth, plans)
            for depth, plans in by_depth.items()
        )
        with self.bar(missing_total, "units") as bar:
            for depth in sorted(by_depth):
                self._seed_level(root, depth, by_depth[depth], result, bar)
        result.seconds = time.perf_counter() - started
        self._log_phase(result)
        return root

    def _ensure_root(self, plan, result):
        root = Unit.objects.filter(code=plan.code, depth=1).first()
        if root is not None:
            result.existing += 1
            return root
        other = Unit.get_root_nodes().first()
        if other is not None:
            raise DemoSeedError(
                f"The unit tree already has a top-level unit ({other.code}: {other.name}); "
                f"the demo province {plan.code} would be a second one. Seed an empty database."
            )
        result.created += 1
        return Unit.add_root(
            code=plan.code, name=plan.name, short_name=plan.short_name, level=plan.level
        )

    @staticmethod
    def _existing_count(root, depth, plans):
        codes = set(
            Unit.objects.filter(path__startswith=root.path, depth=depth).values_list(
                "code", flat=True
            )
        )
        return sum(plan.code in codes for plan in plans)

    def _seed_level(self, root, depth, plans, result, bar):
        """Append the level's missing units under their parents, in batches."""
        parents = {
            code: (pk, path)
            for code, pk, path in Unit.objects.filter(
                path__startswith=root.path, depth=depth - 1
            ).values_list("code", "pk", "path")
        }
        existing = set()
        children = Counter()  # parent path -> number of children
        last_position = {}  # parent path -> last step in use
        for code, path in Unit.objects.filter(path__startswith=root.path, depth=depth).values_list(
            "code", "path"
        ):
            existing.add(code)
            parent_path = path[: -Unit.steplen]
            children[parent_path] += 1
            step = Unit._str2int(path[-Unit.steplen :])
            last_position[parent_path] = max(step, last_position.get(parent_path, 0))
        missing = [plan for plan in plans if plan.code not in existing]
        result.existing += len(plans) - len(missing)
        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start : start + BATCH_SIZE]
            new_units, touched = [], {}
            for plan in batch:
                parent_pk, parent_path = parents[plan.parent_code]
                position = last_position.get(parent_path, 0) + 1
                last_position[parent_path] = position
                children[parent_path] += 1
                touched[parent_pk] = parent_path
                new_units.append(
                    Unit(
                        code=plan.code,
                        name=plan.name,
                        short_name=plan.short_name,
                        level=plan.level,
                        path=Unit._get_path(parent_path, depth, position),
                        depth=depth,
                        numchild=0,
                    )
                )
            with transaction.atomic():
                Unit.objects.bulk_create(new_units)
                Unit.objects.bulk_update(
                    [Unit(pk=pk, numchild=children[path]) for pk, path in touched.items()],
                    ["numchild"],
                    batch_size=1000,
                )
            result.created += len(batch)
            bar.update(len(batch))

    # Boards

    def seed_boards(self, root, units):
        """Boards for every unit above branch level, and the team's branch."""
        result = self.phase("boards")
        started = time.perf_counter()
        codes = [u.code for u in units if u.level != UnitLevel.BRANCH]
        codes.append(TEAM_UNIT_CODES["branch"])
        wanted = (
            Unit.objects.filter(path__startswith=root.path, code__in=codes)
            .annotate(role_group_count=Count("board__role_groups"))
            .order_by("depth", "path")  # a parent's home page before its children's
        )
        todo = []
        for unit in wanted:
            provisioned = (
                unit.home_page_id
                and unit.collection_id
                and unit.role_group_count == len(BOARD_ROLES)
            )
            if provisioned:
                result.existing += 1
            else:
                todo.append(unit)
        with self.bar(len(todo), "boards") as bar:
            for unit in todo:
                provision_board(unit)  # atomic on its own
                result.created += 1
                bar.update()
        result.seconds = time.perf_counter() - started
        self._log_phase(result)

    # Members

    def seed_members(self, root, units):
        result = self.phase("members")
        started = time.perf_counter()
        branches = dict(
            Unit.objects.filter(path__startswith=root.path, level=UnitLevel.BRANCH).values_list(
                "code", "pk"
            )
        )
        prefix = f"{root.code.lower()}-"
        users = dict(
            self.User.objects.filter(username__startswith=prefix).values_list("username", "pk")
        )
        with_member = set(
            Member.objects.filter(user__username__startswith=prefix).values_list(
                "user_id", flat=True
            )
        )
        plans = list(plan_members(self.shape, units))
        missing = [p for p in plans if users.get(p.username) not in with_member]
        result.existing = len(plans) - len(missing)
        offices = set(
            CommitteeRole.objects.filter(unit__path__startswith=root.path).values_list(
                "member__user_id", "unit_id", "role"
            )
        )
        with self.bar(len(missing), "members") as bar:
            for start in range(0, len(missing), BATCH_SIZE):
                batch = missing[start : start + BATCH_SIZE]
                with transaction.atomic():
                    self._write_members(batch, users, branches, offices)
                result.created += len(batch)
                bar.update(len(batch))
        result.seconds = time.perf_counter() - started
        self._log_phase(result)

    def _write_members(self, batch, users, branches, offices):
        new_users = [
            self.User(
                username=plan.username,
                first_name=plan.full_name,  # Vietnamese order: the whole name reads right
                password=self.hash_of(self.password),  # DEMO ONLY: one shared hash
            )
            for plan in batch
            if plan.username not in users
        ]
        created = self.User.objects.bulk_create(new_users)
        if any(user.pk is None for user in created):  # a backend that returns no ids
            created = self.User.objects.filter(username__in=[u.username for u in new_users])
        users.update((user.username, user.pk) for user in created)
        members = Member.objects.bulk_create(
            Member(
                user_id=users[plan.username],
                full_name=plan.full_name,
                branch_id=branches[plan.branch_code],
                card_number=plan.card_number,
                status=plan.status,
                status_since=plan.status_since,
                joined_on=plan.joined_on,
                official_on=plan.official_on,
                phone=plan.phone,
            )
            for plan in batch
        )
        office_plans = {users[p.username]: p for p in batch if p.office}
        if not office_plans:
            return
        member_ids = {m.user_id: m.pk for m in members if m.pk is not None}
        if len(member_ids) < len(members):
            member_ids = dict(
                Member.objects.filter(user_id__in=office_plans).values_list("user_id", "pk")
            )
        CommitteeRole.objects.bulk_create(
            CommitteeRole(
                member_id=member_ids[user_id],
                unit_id=branches[plan.branch_code],
                role=plan.office,
                started_on=TERM_START,
            )
            for user_id, plan in office_plans.items()
            if (user_id, branches[plan.branch_code], plan.office) not in offices
        )

    # Board users, the superuser and sample logins

    def seed_team(self):
        result = self.phase("users")
        started = time.perf_counter()
        codes = {*TEAM_UNIT_CODES.values(), *TEAM_BRANCH_CODES.values()}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        admin, created = self.User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
        )
        result.created += created
        result.existing += not created
        self.ensure_password(admin, self.admin_password)
        self.report.logins.append(
            Login(ADMIN_USERNAME, self.admin_password, "superuser", "(all units)")
        )
        for username, unit_code, role, plan in plan_team():
            unit = units[unit_code]
            with transaction.atomic():
                user, created = self.User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": plan.full_name,
                        "email": f"{username}@example.org",
                        "password": self.hash_of(self.password),
                    },
                )
                self.ensure_password(user, self.password)
                Member.objects.get_or_create(
                    user=user,
                    defaults={
                        "full_name": plan.full_name,
                        "branch": units[plan.branch_code],
                        "card_number": plan.card_number,
                        "status": plan.status,
                        "joined_on": plan.joined_on,
                        "official_on": plan.official_on,
                        "phone": plan.phone,
                    },
                )
                add_board_member(unit, user, role)
            result.created += created
            result.existing += not created
            self.report.logins.append(Login(username, self.password, role, unit.name))
        self._sample_members()
        result.seconds = time.perf_counter() - started
        self._log_phase(result)

    def _sample_members(self):
        """An ordinary member who can sign in, and records that cannot."""
        found = {
            m.user.username: m
            for m in Member.objects.select_related("user", "branch").filter(
                user__username__in=[username for username, _note in SAMPLE_MEMBERS]
            )
        }
        for username, note in SAMPLE_MEMBERS:
            member = found.get(username)
            if member is None:
                continue
            self.ensure_password(member.user, self.password)
            table = self.report.logins if member.is_active_member else self.report.refused
            table.append(
                Login(
                    username,
                    self.password,
                    "member",
                    member.branch.name,
                    note or str(member.get_status_display()),
                )
            )

    def _log_phase(self, result):
        if result.created:
            what = f"created {result.created}, {result.existing} already there"
        else:
            what = f"nothing to create, all {result.existing} already there"
        self.log(f"{result.name}: {what} ({result.seconds:.1f}s)")


def seed(shape, *, progress=False, log=print, password=None, admin_password=None):
    """Build (or complete) the demo tree of ``shape``; returns a SeedReport."""
    seeder = _Seeder(
        shape,
        progress=progress,
        log=log,
        password=password or os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD,
        admin_password=admin_password
        or os.environ.get(ADMIN_PASSWORD_ENV)
        or DEFAULT_ADMIN_PASSWORD,
    )
    return seeder.run()


def plan_summary(shape):
    """Counts of what ``shape`` plans, by level, for --dry-run."""
    units = plan_units(shape)
    counts = Counter(unit.level for unit in units)
    counts["member"] = sum(1 for _plan in plan_members(shape, units))
    counts["board"] = sum(1 for unit in units if unit.level != UnitLevel.BRANCH) + 1
    return counts


def format_table(headers, rows):
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


def format_report(report, base_url="http://127.0.0.1:8000/admin/"):
    phases = format_table(
        ["phase", "created", "existing", "seconds"],
        [
            [p.name, p.created, p.existing, f"{p.seconds:.1f}"]
            for p in [
                *report.phases,
                PhaseResult("total", report.created, report.existing, report.seconds),
            ]
        ],
    )
    logins = format_table(
        ["username", "password", "role", "unit"],
        [[x.username, x.password, x.role, x.unit] for x in report.logins],
    )
    parts = [phases, "", f"Sign in at {base_url} with:", "", logins]
    if report.refused:
        refused = format_table(
            ["username", "password", "status", "unit"],
            [[x.username, x.password, x.note, x.unit] for x in report.refused],
        )
        parts += ["", "These records keep their password but cannot sign in:", "", refused]
    if not report.created:
        parts.insert(0, "Demo data already complete: nothing was created.\n")
    return "\n".join(parts)
