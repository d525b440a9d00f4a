"""Importing units and members from CSV or JSONL files.

This module owns reading, validation and the upsert; the ``import_units`` and
``import_members`` commands only wire it to the command line. A file is checked
in full before anything is written: every failing line is reported, and a file
with any error writes nothing. Rows are matched on ``code`` (units) or
``username`` (members), so re-running a file changes nothing.
"""

import codecs
import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from .models import Member, MemberStatus, Unit, UnitLevel, UnitStatus
from .reorganisation import move_unit

BATCH_SIZE = 1000
# bulk_update builds one CASE WHEN per field over the whole batch.
UPDATE_BATCH_SIZE = 500
# Keeps `IN (...)` lookups well under SQLite's bound-parameter limit.
LOOKUP_CHUNK = 2000


class ImportFileError(Exception):
    """The file cannot be read at all (missing, or not .csv / .jsonl)."""


@dataclass(frozen=True)
class RowError:
    """One problem on one line; ``field`` is None for whole-line problems."""

    line: int
    field: str | None
    message: str

    def __str__(self):
        if self.field:
            return _("line %(line)d: %(field)s: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Row:
    line: int
    values: dict[str, str]


@dataclass
class ImportResult:
    """What an import did, or would do: keys created, updated (with the fields
    that change) and left unchanged, in file order."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _decode_lines(data):
    """Split bytes into text lines, reporting each line that is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    raw_lines = data.splitlines(keepends=True)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return [raw.decode("utf-8") for raw in raw_lines], []
    lines, errors = [], []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            message = _(
                "not valid UTF-8 (byte 0x%(byte)02X at position %(position)d); "
                "save the file as UTF-8"
            ) % {"byte": raw[exc.start], "position": exc.start + 1}
            errors.append(RowError(number, None, message))
    return lines, errors


def read_rows(path, fields, required_columns):
    """Read a .csv or .jsonl file into rows holding exactly ``fields``.

    Returns ``(rows, errors)``. Problems with the file as a whole (encoding,
    CSV header) leave no rows; a bad line only drops that line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise ImportFileError(
            _("unsupported file type %(suffix)s: use .csv or .jsonl") % {"suffix": suffix or '""'}
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            _("cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from exc
    lines, errors = _decode_lines(data)
    if errors:
        return [], errors
    if suffix == ".csv":
        return _read_csv(lines, fields, required_columns)
    return _read_jsonl(lines, fields)


def _read_csv(lines, fields, required_columns):
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return [], [RowError(1, None, _("the file is empty; expected a header row"))]
    errors = []
    for name in sorted(set(required_columns) - set(header), key=fields.index):
        errors.append(RowError(1, name, _("missing column")))
    seen = set()
    for name in header:
        if name not in fields:
            errors.append(RowError(1, name or '""', _("unknown column")))
        elif name in seen:
            errors.append(RowError(1, name, _("duplicate column")))
        seen.add(name)
    if errors:
        return [], errors
    rows = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, None, _("cannot read CSV: %(error)s") % {"error": exc}))
            break
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            message = _("expected %(expected)d values, found %(found)d") % {
                "expected": len(header),
                "found": len(values),
            }
            errors.append(RowError(line, None, message))
            continue
        row = dict.fromkeys(fields, "")
        row.update(zip(header, values, strict=True))
        rows.append(Row(line, row))
    return rows, errors


def _read_jsonl(lines, fields):
    rows, errors = [], []
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            message = _("invalid JSON: %(error)s (column %(column)d)") % {
                "error": exc.msg,
                "column": exc.colno,
            }
            errors.append(RowError(line, None, message))
            continue
        if not isinstance(obj, dict):
            errors.append(RowError(line, None, _("expected a JSON object")))
            continue
        row = dict.fromkeys(fields, "")
        line_errors = []
        for key, value in obj.items():
            if key not in fields:
                line_errors.append(RowError(line, key, _("unknown field")))
            elif value is None:
                continue
            elif not isinstance(value, str):
                line_errors.append(RowError(line, key, _("expected a string")))
            else:
                row[key] = value
        errors.extend(line_errors)
        if not line_errors:
            rows.append(Row(line, row))
    return rows, errors


class BaseImporter:
    """Read, check and upsert one file. Call ``validate()``; if it returns no
    errors, ``result`` says what would change and ``apply()`` writes it."""

    fields = ()
    required = frozenset()  # must be non-empty on every row
    optional_columns = frozenset()  # may be left out of a CSV header
    choices = {}  # field -> TextChoices
    model_fields = {}  # field -> model field whose validators check it
    unstripped = frozenset()  # kept exactly as given (passwords)

    def __init__(self, path, *, progress_file=None):
        self.path = Path(path)
        self.progress_file = progress_file
        self.errors = None
        self.result = None

    def validate(self):
        """Check the whole file; return every RowError, in line order."""
        required_columns = [name for name in self.fields if name not in self.optional_columns]
        rows, errors = read_rows(self.path, self.fields, required_columns)
        for row in rows:
            for name, value in row.values.items():
                if name not in self.unstripped:
                    row.values[name] = value.strip()
        if rows or not errors:
            errors.extend(self.check(rows))
        self.errors = sorted(errors, key=lambda error: error.line)
        return self.errors

    def apply(self):
        """Write the validated file in one transaction; return the ImportResult."""
        if self.errors is None:
            self.validate()
        if self.errors:
            raise ValueError("apply() called on a file with errors")
        with transaction.atomic():
            self.write()
        return self.result

    def check(self, rows):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError

    def check_values(self, row):
        """Per-field checks; return the errors (each names its field)."""
        errors = []
        for name in self.fields:
            value = row.values[name]
            if not value:
                if name in self.required:
                    errors.append(RowError(row.line, name, _("this field is required")))
                continue
            if "\x00" in value:
                errors.append(RowError(row.line, name, _("contains a NUL character")))
                continue
            if name in self.model_fields:
                try:
                    self.model_fields[name].run_validators(value)
                except ValidationError as exc:
                    errors.extend(RowError(row.line, name, m) for m in exc.messages)
            if name in self.choices and value not in self.choices[name].values:
                message = _('"%(value)s" is not valid; expected one of: %(choices)s') % {
                    "value": value,
                    "choices": ", ".join(self.choices[name].values),
                }
                errors.append(RowError(row.line, name, message))
        return errors

    def check_unique_key(self, rows, name, errors, bad):
        """Map value -> first row for ``name``, reporting repeats."""
        first = {}
        for row in rows:
            value = row.values[name]
            if not value or (row.line, name) in bad:
                continue
            if value in first:
                message = _('duplicate value "%(value)s" (first on line %(first)d)') % {
                    "value": value,
                    "first": first[value].line,
                }
                errors.append(RowError(row.line, name, message))
                bad.add((row.line, name))
            else:
                first[value] = row
        return first

    def progress(self, items, *, desc=""):
        """Wrap a list in a progress bar when asked for one (and it is not empty)."""
        if self.progress_file is None or not items:
            return items
        return tqdm(items, desc=desc, file=self.progress_file, leave=False)


@dataclass
class _ExistingUnit:
    pk: int
    name: str
    short_name: str
    level: str
    parent_code: str
    active: bool


class UnitImporter(BaseImporter):
    """Upsert units by code. Creates, renames and re-parents; leaves status,
    home page and collection alone."""

    fields = ("code", "name", "short_name", "level", "parent_code")
    required = frozenset({"code", "name", "short_name", "level"})
    choices = {"level": UnitLevel}
    model_fields = {
        "code": Unit._meta.get_field("code"),
        "name": Unit._meta.get_field("name"),
        "short_name": Unit._meta.get_field("short_name"),
        "parent_code": Unit._meta.get_field("code"),
    }

    def check(self, rows):
        errors = []
        for row in self.progress(rows, desc=_("Checking units")):
            errors.extend(self.check_values(row))
        bad = {(error.line, error.field) for error in errors}
        existing = self._existing_units()
        by_code = self.check_unique_key(rows, "code", errors, bad)
        file_rows = [row for row in rows if by_code.get(row.values["code"]) is row]

        parents = {code: unit.parent_code for code, unit in existing.items()}
        parents.update({row.values["code"]: row.values["parent_code"] for row in file_rows})
        for row in file_rows:
            code, parent = row.values["code"], row.values["parent_code"]
            if not parent or (row.line, "parent_code") in bad:
                continue
            if parent == code:
                message = _("a unit cannot be its own parent")
            elif parent not in by_code and parent not in existing:
                message = _('unknown unit "%(code)s"') % {"code": parent}
            elif parent in existing and not existing[parent].active:
                message = _('unit "%(code)s" has been merged or dissolved') % {"code": parent}
            elif cycle := _find_cycle(code, parents):
                message = _("cycle in the unit tree: %(cycle)s") % {"cycle": " -> ".join(cycle)}
            else:
                continue
            errors.append(RowError(row.line, "parent_code", message))
        errors.extend(self._check_single_root(file_rows, existing, by_code))
        if errors:
            return errors

        self._existing = existing
        self._order = sorted(file_rows, key=lambda r: (_depth(r.values["code"], parents), r.line))
        self.result = ImportResult()
        for row in file_rows:
            code = row.values["code"]
            if code not in existing:
                self.result.created.append(code)
            elif changed := self._changed_fields(row, existing[code]):
                self.result.updated[code] = changed
            else:
                self.result.unchanged.append(code)
        return errors

    def write(self):
        for row in self.progress(self._order, desc=_("Writing units")):
            values = row.values
            code, parent_code = values["code"], values["parent_code"]
            fields = {name: values[name] for name in ("name", "short_name", "level")}
            current = self._existing.get(code)
            if current is None:
                # Parents come first, and treebeard shifts paths as it inserts:
                # fetch the parent afresh rather than reusing an instance.
                if parent_code:
                    Unit.objects.get(code=parent_code).add_child(code=code, **fields)
                else:
                    Unit.add_root(code=code, **fields)
                continue
            changed = self.result.updated.get(code, [])
            if {"name", "short_name", "level"} & set(changed):
                Unit.objects.filter(pk=current.pk).update(**fields)
            if "parent_code" in changed:
                # Through reorganisation, so pages, media and history follow the unit.
                unit = Unit.objects.get(pk=current.pk)
                if parent_code:
                    move_unit(unit, Unit.objects.get(code=parent_code))
                else:
                    unit.move(Unit.get_first_root_node(), "sorted-sibling")

    @staticmethod
    def _check_single_root(file_rows, existing, by_code):
        """One unit only may have no parent: the site's root page is the root
        unit's home page (see editorial.provisioning)."""
        roots = [c for c, unit in existing.items() if not unit.parent_code and c not in by_code]
        new_roots = [row for row in file_rows if not row.values["parent_code"]]
        if not roots and new_roots:
            roots.append(new_roots.pop(0).values["code"])
        message = _('only one unit can have no parent_code, and "%(root)s" is the root')
        return [
            RowError(row.line, "parent_code", message % {"root": roots[0]}) for row in new_roots
        ]

    @staticmethod
    def _existing_units():
        units = Unit.objects.values_list(
            "pk", "code", "name", "short_name", "level", "path", "status"
        )
        code_by_path = {row[5]: row[1] for row in units}
        steplen = Unit.steplen
        return {
            code: _ExistingUnit(
                pk,
                name,
                short_name,
                level,
                code_by_path.get(path[:-steplen], ""),
                status == UnitStatus.ACTIVE,
            )
            for pk, code, name, short_name, level, path, status in units
        }

    @staticmethod
    def _changed_fields(row, current):
        return [
            name
            for name in ("name", "short_name", "level", "parent_code")
            if row.values[name] != getattr(current, name)
        ]


def _find_cycle(code, parents):
    """The cycle through ``code`` in the final parent map, or None."""
    chain, seen = [code], {code}
    parent = parents.get(code)
    while parent:
        if parent == code:
            return [*chain, code]
        if parent in seen:
            return None  # a cycle above this unit: its own lines report it
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return None


def _depth(code, parents):
    depth = 1
    while code := parents.get(code):
        depth += 1
    return depth


@dataclass
class _MemberPlan:
    row: Row
    user_pk: int | None = None
    branch_id: int | None = None
    email: str = ""
    password: str = ""  # the stored hash
    new_password: bool = False
    member: dict | None = None  # current Member values, None when there is none
    member_changes: list[str] = field(default_factory=list)


class MemberImporter(BaseImporter):
    """Upsert members, and their users, by username."""

    fields = (
        "username",
        "full_name",
        "branch_code",
        "card_number",
        "status",
        "phone",
        "email",
        "password",
    )
    # Many elderly members have no e-mail address, and some no phone.
    required = frozenset({"username", "full_name", "branch_code", "status"})
    optional_columns = frozenset({"card_number", "password"})
    choices = {"status": MemberStatus}
    unstripped = frozenset({"password"})
    _member_values = (
        "pk",
        "user_id",
        "full_name",
        "branch_id",
        "card_number",
        "status",
        "status_since",
        "phone",
    )

    @cached_property
    def model_fields(self):
        user_model = get_user_model()
        return {
            "username": user_model._meta.get_field(user_model.USERNAME_FIELD),
            "email": user_model._meta.get_field("email"),
            "full_name": Member._meta.get_field("full_name"),
            "branch_code": Unit._meta.get_field("code"),
            "card_number": Member._meta.get_field("card_number"),
            "phone": Member._meta.get_field("phone"),
        }

    def check(self, rows):
        errors = []
        for row in self.progress(rows, desc=_("Checking members")):
            errors.extend(self.check_values(row))
        bad = {(error.line, error.field) for error in errors}
        by_username = self.check_unique_key(rows, "username", errors, bad)
        self.check_unique_key(rows, "card_number", errors, bad)

        units = dict(Unit.objects.active().values_list("code", "pk"))
        inactive = set(
            Unit.objects.exclude(status=UnitStatus.ACTIVE).values_list("code", flat=True)
        )
        owner_field = f"user__{get_user_model().USERNAME_FIELD}"
        card_owners = {}
        cards = {row.values["card_number"] for row in rows if row.values["card_number"]}
        for chunk in _chunks(cards, LOOKUP_CHUNK):
            card_owners.update(
                Member.objects.filter(card_number__in=chunk).values_list(
                    "card_number", owner_field
                )
            )
        for row in rows:
            branch, card = row.values["branch_code"], row.values["card_number"]
            if branch and (row.line, "branch_code") not in bad and branch not in units:
                if branch in inactive:
                    message = _('unit "%(code)s" has been merged or dissolved') % {"code": branch}
                else:
                    message = _('unknown unit "%(code)s"') % {"code": branch}
                errors.append(RowError(row.line, "branch_code", message))
            owner = card_owners.get(card)
            # A card held by a member who is in the file with another card is
            # being handed over, not clashing.
            clashes = owner not in (None, row.values["username"]) and owner not in by_username
            if clashes and (row.line, "card_number") not in bad:
                message = _('card number "%(card)s" already belongs to member "%(owner)s"')
                message %= {"card": card, "owner": owner}
                errors.append(RowError(row.line, "card_number", message))
        if errors:
            return errors

        file_rows = list(by_username.values())
        self._plans = self._plan(file_rows, units)
        return errors

    def _plan(self, rows, units):
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        users, members = {}, {}
        for chunk in _chunks([row.values["username"] for row in rows], LOOKUP_CHUNK):
            found = user_model.objects.filter(**{f"{username_field}__in": chunk})
            users.update(
                (username, (pk, email, password))
                for pk, username, email, password in found.values_list(
                    "pk", username_field, "email", "password"
                )
            )
        for chunk in _chunks([pk for pk, _email, _password in users.values()], LOOKUP_CHUNK):
            for values in Member.objects.filter(user_id__in=chunk).values(*self._member_values):
                members[values["user_id"]] = values

        self.result = ImportResult()
        plans = []
        for row in self.progress(rows, desc=_("Comparing members")):
            values = row.values
            plan = _MemberPlan(row)
            plan.branch_id = units[values["branch_code"]]
            changes = []
            if values["username"] in users:
                plan.user_pk, plan.email, plan.password = users[values["username"]]
                if plan.email != values["email"]:
                    changes.append("email")
                # Hashing is slow: only compare when a password is given.
                if values["password"] and not check_password(values["password"], plan.password):
                    plan.new_password = True
                    changes.append("password")
                plan.member = members.get(plan.user_pk)
            if plan.member is not None:
                target = {
                    "full_name": values["full_name"],
                    "branch_code": plan.branch_id,
                    "card_number": values["card_number"] or None,
                    "status": values["status"],
                    "phone": values["phone"],
                }
                current = dict(plan.member, branch_code=plan.member["branch_id"])
                plan.member_changes = [n for n, v in target.items() if current[n] != v]
                changes += plan.member_changes
                if changes:
                    self.result.updated[values["username"]] = changes
                else:
                    self.result.unchanged.append(values["username"])
            else:
                self.result.created.append(values["username"])
            plans.append(plan)
        return plans

    def write(self):
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        today = timezone.localdate()

        new_users = [
            user_model(
                **{username_field: plan.row.values["username"]},
                email=plan.row.values["email"],
                # make_password(None) is an unusable password.
                password=make_password(plan.row.values["password"] or None),
            )
            for plan in self.progress(
                [plan for plan in self._plans if plan.user_pk is None], desc=_("New users")
            )
        ]
        self._bulk(user_model.objects.bulk_create, new_users, _("Creating users"))
        created_pks = {}
        for chunk in _chunks([getattr(u, username_field) for u in new_users], LOOKUP_CHUNK):
            found = user_model.objects.filter(**{f"{username_field}__in": chunk})
            created_pks.update(found.values_list(username_field, "pk"))

        user_updates = []
        for plan in self._plans:
            values = plan.row.values
            if plan.user_pk is None:
                plan.user_pk = created_pks[values["username"]]
                continue
            changes = {}
            if plan.email != values["email"]:
                changes["email"] = values["email"]
            if plan.new_password:
                changes["password"] = make_password(values["password"])
            if changes:
                user_updates.append((plan.user_pk, changes))
        self._update(user_model, user_updates, _("Updating users"))

        # Free the card numbers that change hands first, so that swapping two
        # members' cards never meets the unique constraint half-way.
        released = [
            (plan.member["pk"], {"card_number": None})
            for plan in self._plans
            if "card_number" in plan.member_changes and plan.member["card_number"]
        ]
        self._update(Member, released, _("Releasing card numbers"))

        new_members, member_updates = [], []
        for plan in self._plans:
            values = plan.row.values
            target = {
                "full_name": values["full_name"],
                "branch_id": plan.branch_id,
                "card_number": values["card_number"] or None,
                "status": values["status"],
                "phone": values["phone"],
            }
            if plan.member is None:
                new_members.append(Member(user_id=plan.user_pk, **target))
            elif plan.member_changes:
                changes = {
                    name: value for name, value in target.items() if value != plan.member[name]
                }
                if "status" in changes:
                    changes["status_since"] = today
                member_updates.append((plan.member["pk"], changes))
        self._bulk(Member.objects.bulk_create, new_members, _("Creating members"))
        self._update(Member, member_updates, _("Updating members"))

    def _bulk(self, write, objects, desc):
        batches = list(_chunks(objects, BATCH_SIZE))
        for batch in self.progress(batches, desc=desc):
            write(batch)

    def _update(self, model, updates, desc):
        """Apply ``(pk, {field: value})`` updates in few queries.

        Rows given the same values (a status or branch change shared by many
        members) share one UPDATE; the rest go through bulk_update, grouped by
        the fields they change, since bulk_update's cost is per field per row.
        """
        same_values = defaultdict(list)
        for pk, changes in updates:
            same_values[tuple(sorted(changes.items()))].append(pk)
        singles = defaultdict(list)
        shared = []
        for items, pks in same_values.items():
            if len(pks) == 1:
                singles[tuple(name for name, _value in items)].append(
                    model(pk=pks[0], **dict(items))
                )
            else:
                shared.extend((dict(items), chunk) for chunk in _chunks(pks, LOOKUP_CHUNK))
        for changes, pks in self.progress(shared, desc=desc):
            model.objects.filter(pk__in=pks).update(**changes)
        for fields, objects in singles.items():
            self._bulk(
                lambda batch, fields=fields: model.objects.bulk_update(
                    batch, fields, batch_size=UPDATE_BATCH_SIZE
                ),
                objects,
                desc,
            )
