"""Planning: pure functions of a shape, no database.

Everything is deterministic (random generators seeded with unit codes), so a
re-run plans exactly the same rows; a branch with fewer members holds a prefix
of a larger one's, and a smaller shape plans a prefix of a larger one's tree.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from ..models import BoardRole, MemberStatus, UnitLevel
from .data import (
    AGENCIES,
    AGENCY_FALLBACK_PREFIX,
    BOARD_TEAM,
    DEPARTMENTS,
    DISTRICTS,
    FAMILY_NAMES,
    FORCED_STATUSES,
    GIVEN_NAMES,
    HAMLET_FIRST,
    HAMLET_SECOND,
    INSTITUTIONS,
    MIDDLE_NAMES,
    OFFICES,
    PLACE_FIRST,
    PLACE_SECOND,
    PROVINCE,
    STATUS_WEIGHTS,
    TEAM_BRANCH_CODES,
    TEAM_CARD_PREFIX,
    TEAM_UNIT_CODES,
)

# Dates are drawn relative to a fixed day, so that re-runs plan the same rows.
REFERENCE_DATE = date(2025, 1, 1)

_FAMILY, _FAMILY_WEIGHTS = zip(*FAMILY_NAMES, strict=True)
_STATUSES, _STATUS_WEIGHTS = zip(*STATUS_WEIGHTS, strict=True)


@dataclass(frozen=True)
class DemoShape:
    """How big a tree to build. Each count is per parent: a number, or an
    inclusive (low, high) range drawn for each parent from a generator seeded
    with the parent's code (so the count of a unit's children never changes)."""

    districts: int
    grassroots_per_district: int | tuple[int, int]
    branches_per_grassroots: int | tuple[int, int]
    members_per_branch: int | tuple[int, int]
    # Generated archive items (``content_types``' seed_demo_archive), in all.
    news: int = 0
    documents: int = 0

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
    # The city of issue 19: 30 district-level units, 1,500 grassroots units,
    # 15,773 branches, 473,875 members, 200,000 news items and 50,000
    # documents (for benchmarks).
    "city": DemoShape(
        districts=30,
        grassroots_per_district=50,
        branches_per_grassroots=(5, 16),
        members_per_branch=(20, 40),
        news=200_000,
        documents=50_000,
    ),
}


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


def plan_summary(shape):
    """Counts of what ``shape`` plans, by level, for --dry-run."""
    units = plan_units(shape)
    counts = Counter(unit.level for unit in units)
    counts["member"] = sum(1 for _plan in plan_members(shape, units))
    counts["board"] = sum(1 for unit in units if unit.level != UnitLevel.BRANCH) + 1
    for kind in ("news", "documents"):
        if getattr(shape, kind):
            counts[kind] = getattr(shape, kind)
    return counts
