"""The study completion report: per child unit of a unit, its active members
and, per module, the members expected to study it and those who completed it
(``ModuleCompletion``: every lesson read to the end, and the final quiz passed
if the module has one; see ``completion``).

``completion_report`` counts in a constant number of queries, whatever the
size of the tree. The admin view and its XLSX export live in
``content_types.views.study_report`` (the unit and who may see it:
``editorial.unit_reports``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from editorial.models import Member, Unit, UnitStatus
from editorial.models.members import ACTIVE_MEMBER_STATUSES
from editorial.unit_reports import row_label

from ..models.audience import Audience, PageAudience
from ..models.study import ModuleCompletion, StudyModule


@dataclass
class ModuleFigures:
    """One module in one row: members expected to study it, and those done."""

    expected: int = 0
    completed: int = 0

    @property
    def rate(self):
        """Completed over expected, 0..1; None when nobody is expected."""
        return self.completed / self.expected if self.expected else None


@dataclass
class ReportRow:
    unit: Unit
    members: int = 0
    figures: list[ModuleFigures] = field(default_factory=list)
    # Members attached to the report's unit itself rather than to a unit below.
    direct: bool = False

    @property
    def label(self):
        return row_label(self.unit, self.direct)


@dataclass
class CompletionReport:
    unit: Unit
    modules: list
    rows: list[ReportRow]
    total: ReportRow
    generated_at: datetime.datetime


def report_modules(unit):
    """The published modules a unit's members study: its own and its ancestors'
    (members study what the province and their district assign)."""
    return (
        StudyModule.objects.live()
        .filter(audience_row__unit_path__in=unit.ancestor_paths())
        .order_by(F("opens_on").desc(nulls_last=True), "title", "pk")
    )


def _reader_paths(module_ids):
    """``{module_id: [path, ...]}`` for the modules only some units may read.

    Modules missing from the result are read by every member (public or
    members' audience, or not published). One query.
    """
    rows = PageAudience.objects.filter(page_id__in=module_ids, audience=Audience.UNIT).values_list(
        "page_id", "reader_scopes__path"
    )
    paths = {}
    for module_id, path in rows:
        paths.setdefault(module_id, [])
        if path:
            paths[module_id].append(path)
    return paths


def _under_any(path, prefixes):
    return any(path.startswith(prefix) for prefix in prefixes)


def completion_report(unit, *, modules=None):
    """Per child unit of ``unit`` (and a total for ``unit``): active members,
    and per module the members expected to study it (those who may read it)
    and those who completed it.

    ``modules`` defaults to ``report_modules(unit)``. Five queries whatever the
    size of the tree, each reading the members once: active members are
    counted per branch, completions per branch and module, and the branches
    are summed into the child unit above them (child units of one unit share a
    path length) with the readers' rule applied per branch, in Python.
    """
    modules = list(report_modules(unit) if modules is None else modules)
    module_ids = [module.pk for module in modules]
    readers = _reader_paths(module_ids)
    prefix_length = len(unit.path) + unit.steplen

    def readable(module_id, path):
        return module_id not in readers or _under_any(path, readers[module_id])

    branches = (
        Member.objects.active()
        .in_subtree_of(unit)
        .values_list("branch__path")
        .annotate(members=Count("pk"))
        .order_by()
    )
    member_rows = {}
    for path, members in branches:
        row = member_rows.setdefault(path[:prefix_length], {"members": 0})
        row["members"] += members
        for module_id in module_ids:
            if module_id in readers and readable(module_id, path):
                key = f"expected_{module_id}"
                row[key] = row.get(key, 0) + members

    completed = {}
    if module_ids:
        completion_rows = (
            ModuleCompletion.objects.filter(
                module_id__in=module_ids,
                member__status__in=ACTIVE_MEMBER_STATUSES,
                member__branch__path__startswith=unit.path,
            )
            .values_list("member__branch__path", "module_id")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for path, module_id, count in completion_rows:
            if readable(module_id, path):
                key = (path[:prefix_length], module_id)
                completed[key] = completed.get(key, 0) + count

    children = Unit.objects.filter(
        Q(path__in=member_rows.keys())
        | Q(path__startswith=unit.path, depth=unit.depth + 1, status=UnitStatus.ACTIVE)
    ).order_by("path")

    def figures_for(prefix, members):
        row = member_rows.get(prefix, {})
        return [
            ModuleFigures(
                expected=(
                    members if module.pk not in readers else row.get(f"expected_{module.pk}", 0)
                ),
                completed=completed.get((prefix, module.pk), 0),
            )
            for module in modules
        ]

    rows = []
    for child in children:
        members = member_rows.get(child.path, {}).get("members", 0)
        rows.append(
            ReportRow(
                unit=child,
                members=members,
                figures=figures_for(child.path, members),
                direct=child.pk == unit.pk,
            )
        )
    total = ReportRow(
        unit=unit,
        members=sum(row.members for row in rows),
        figures=[
            ModuleFigures(
                expected=sum(row.figures[index].expected for row in rows),
                completed=sum(row.figures[index].completed for row in rows),
            )
            for index in range(len(modules))
        ],
    )
    return CompletionReport(
        unit=unit, modules=modules, rows=rows, total=total, generated_at=timezone.now()
    )
