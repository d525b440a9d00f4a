"""Importing units, upserted by code."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Unit, UnitLevel, UnitStatus
from ..reorganisation import move_unit
from .base import BaseImporter
from .reading import ImportResult, RowError


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
