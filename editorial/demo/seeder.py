"""Writing a planned demo tree to the database.

- A re-run creates only the rows that are missing: units are matched on
  ``code``, users on ``username``. Each phase writes in batches inside
  ``transaction.atomic()``, so an interrupted run is completed by running it
  again.
- Units are written with ``bulk_create`` and treebeard paths computed here
  (children of a parent are appended after its last child, in code order).
- Boards go through ``editorial.provisioning.provision_boards`` and board users
  through ``add_board_member``: the demo's permissions are the real ones.
- Users and members go in with PostgreSQL's ``COPY`` (``batching.copy_rows``), with
  ``bulk_create`` on other databases; boards' pages are not sent to the search
  backend one save at a time (``batching.indexing_paused``).
- DEMO ONLY: every bulk-created member gets the same password hash, computed
  once with ``make_password`` (hashing 100,000 passwords would take hours with
  PBKDF2). A shared salt is fine for throwaway demo data and nowhere else.
"""

import os
import sys
import time
from collections import Counter, defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count
from tqdm import tqdm

from ..batching import can_copy, copy_rows, indexing_paused
from ..models import CommitteeRole, Member, Unit, UnitLevel
from ..provisioning import BOARD_ROLES, add_board_member, clear_permission_cache, provision_boards
from .data import SAMPLE_MEMBERS, TEAM_BRANCH_CODES, TEAM_UNIT_CODES
from .planning import plan_members, plan_team, plan_units
from .report import Login, PhaseResult, SeedReport

BATCH_SIZE = 5000
# Members per transaction when they are copied in (PostgreSQL).
COPY_BATCH_SIZE = 25000
DEFAULT_PASSWORD = "demo12345"
DEFAULT_ADMIN_PASSWORD = "admin12345"
PASSWORD_ENV = "DEMO_PASSWORD"
ADMIN_PASSWORD_ENV = "DEMO_ADMIN_PASSWORD"
ADMIN_USERNAME = "admin"
TERM_START = date(2020, 10, 1)


class DemoSeedError(Exception):
    """The database holds data the demo cannot be seeded beside."""


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
        with self.bar(len(todo), "boards") as bar, indexing_paused():
            provision_boards(todo, progress=bar.update)
        result.created += len(todo)
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
        size = COPY_BATCH_SIZE if can_copy() else BATCH_SIZE
        with self.bar(len(missing), "members") as bar:
            for start in range(0, len(missing), size):
                batch = missing[start : start + size]
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
        if can_copy():
            copy_rows(self.User, new_users)
            created = []
        else:
            created = self.User.objects.bulk_create(new_users)
        if not created or any(user.pk is None for user in created):  # no ids returned
            created = self.User.objects.filter(username__in=[u.username for u in new_users])
        users.update((user.username, user.pk) for user in created)
        members = [
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
        ]
        if can_copy():
            copy_rows(Member, members)
        else:
            members = Member.objects.bulk_create(members)
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
