"""Importing board memberships: who holds which role on which unit's board.

A line gives a user a role on a unit's board; the board is provisioned
(home page, collection, role groups) when the unit has none yet. Memberships
are only ever added: a board member absent from the file keeps their role
(take it away in the admin's Editorial boards screen).
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from ..batching import LOOKUP_CHUNK, chunks
from ..models import BoardMembership, BoardRole, Member, Unit, UnitStatus
from ..models.members import ACTIVE_MEMBER_STATUSES
from ..provisioning import add_board_member
from .base import BaseImporter
from .reading import ImportResult, RowError


@dataclass(frozen=True)
class _Appointment:
    """One accepted line: a user, a role, a unit (with its depth, so that
    boards are provisioned parents first)."""

    label: str
    unit_pk: int
    unit_depth: int
    user_pk: int
    role: str


class BoardImporter(BaseImporter):
    """Add board memberships from ``unit_code,username,role`` lines."""

    fields = ("unit_code", "username", "role")
    required = frozenset(fields)
    choices = {"role": BoardRole}

    @cached_property
    def model_fields(self):
        user_model = get_user_model()
        return {
            "unit_code": Unit._meta.get_field("code"),
            "username": user_model._meta.get_field(user_model.USERNAME_FIELD),
        }

    def check(self, rows):
        errors = []
        for row in self.progress(rows, desc=_("Checking board roles")):
            errors.extend(self.check_values(row))
        bad = {(error.line, error.field) for error in errors}
        errors.extend(self._check_repeats(rows, bad))
        units = self._units({row.values["unit_code"] for row in rows})
        users = self._users({row.values["username"] for row in rows})
        root_pk = Unit.get_first_root_node().pk if units else None
        for row in rows:
            errors.extend(self._check_unit(row, units, bad, root_pk))
            errors.extend(self._check_user(row, users, bad))
        if errors:
            return errors

        self.boards_to_provision = []
        self._appointments = []
        self.result = ImportResult()
        held = self._held_roles(units.values())
        for row in rows:
            unit = units[row.values["unit_code"]]
            user_pk = users[row.values["username"]][0]
            role = row.values["role"]
            label = f"{unit['code']} / {row.values['username']} ({role})"
            if (unit["pk"], user_pk, role) in held:
                self.result.unchanged.append(label)
                continue
            self.result.created.append(label)
            if not unit["has_board"] and unit["code"] not in self.boards_to_provision:
                self.boards_to_provision.append(unit["code"])
            self._appointments.append(
                _Appointment(label, unit["pk"], unit["depth"], user_pk, role)
            )
        return errors

    def write(self):
        user_model = get_user_model()
        # Parents first: a unit's new home page goes under its parent's.
        ordered = sorted(self._appointments, key=lambda a: a.unit_depth)
        units = Unit.objects.in_bulk({a.unit_pk for a in ordered})
        users = user_model.objects.in_bulk({a.user_pk for a in ordered})
        for appointment in self.progress(ordered, desc=_("Writing board roles")):
            unit, user = units[appointment.unit_pk], users[appointment.user_pk]
            add_board_member(unit, user, appointment.role)

    def _check_repeats(self, rows, bad):
        """The same role for the same user on the same board, twice."""
        errors, first = [], {}
        for row in rows:
            if any((row.line, name) in bad for name in self.fields):
                continue
            key = tuple(row.values[name] for name in self.fields)
            if key in first:
                message = _("the same unit, user and role as line %(first)d") % {
                    "first": first[key]
                }
                errors.append(RowError(row.line, "role", message))
                bad.add((row.line, "role"))
            else:
                first[key] = row.line
        return errors

    @staticmethod
    def _check_unit(row, units, bad, root_pk):
        code = row.values["unit_code"]
        if not code or (row.line, "unit_code") in bad:
            return []
        unit = units.get(code)
        if unit is None:
            message = _('unknown unit "%(code)s"') % {"code": code}
        elif unit["status"] != UnitStatus.ACTIVE:
            message = _('unit "%(code)s" has been merged or dissolved') % {"code": code}
        elif row.values["role"] == BoardRole.PLATFORM_ADMIN and unit["pk"] != root_pk:
            message = _("Only the board of the top-level unit can have platform administrators.")
            return [RowError(row.line, "role", message)]
        else:
            return []
        return [RowError(row.line, "unit_code", message)]

    @staticmethod
    def _check_user(row, users, bad):
        username = row.values["username"]
        if not username or (row.line, "username") in bad:
            return []
        found = users.get(username)
        if found is None:
            message = _('unknown user "%(username)s": import them as a member first')
        elif not found[1]:
            message = _('user "%(username)s" may not sign in (inactive account)')
        elif found[2] is not None and found[2] not in ACTIVE_MEMBER_STATUSES:
            message = _('user "%(username)s" may not sign in: their party membership has ended')
        else:
            return []
        return [RowError(row.line, "username", message % {"username": username})]

    @staticmethod
    def _units(codes):
        """code -> the unit's pk, code, depth, status and whether it has a board."""
        units = {}
        for chunk in chunks(sorted(c for c in codes if c), LOOKUP_CHUNK):
            for values in Unit.objects.filter(code__in=chunk).values(
                "pk", "code", "depth", "status", "board"
            ):
                values["has_board"] = values.pop("board") is not None
                units[values["code"]] = values
        return units

    @staticmethod
    def _users(usernames):
        """username -> (pk, is_active, member status or None)."""
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        users = {}
        for chunk in chunks(sorted(u for u in usernames if u), LOOKUP_CHUNK):
            found = user_model.objects.filter(**{f"{username_field}__in": chunk})
            for pk, username, is_active in found.values_list("pk", username_field, "is_active"):
                users[username] = (pk, is_active, None)
        pks = {pk: username for username, (pk, _a, _s) in users.items()}
        for chunk in chunks(pks, LOOKUP_CHUNK):
            for user_id, status in Member.objects.filter(user_id__in=chunk).values_list(
                "user_id", "status"
            ):
                pk, is_active, _status = users[pks[user_id]]
                users[pks[user_id]] = (pk, is_active, status)
        return users

    @staticmethod
    def _held_roles(units):
        """(unit pk, user pk, role) of the memberships the file's units' boards have."""
        held = set()
        for chunk in chunks([unit["pk"] for unit in units if unit["has_board"]], LOOKUP_CHUNK):
            held.update(
                BoardMembership.objects.filter(board__unit_id__in=chunk).values_list(
                    "board__unit_id", "user_id", "role"
                )
            )
        return held
