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
from django.db.models.functions import Left
from django.utils import timezone

from editorial.models import Member, Unit, UnitStatus
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


def _under_any(field_name, paths):
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


def completion_report(unit, *, modules=None):
    """Per child unit of ``unit`` (and a total for ``unit``): active members,
    and per module the members expected to study it (those who may read it)
    and those who completed it.

    ``modules`` defaults to ``report_modules(unit)``. Five queries whatever the
    size of the tree: child units of one unit share a path length, so members
    and completions are grouped by the prefix of their branch's path.
    """
    modules = list(report_modules(unit) if modules is None else modules)
    module_ids = [module.pk for module in modules]
    readers = _reader_paths(module_ids)
    prefix_length = len(unit.path) + unit.steplen

    expected_counts = {
        f"expected_{module_id}": Count("pk", filter=_under_any("branch__path", paths))
        for module_id, paths in readers.items()
        if paths
    }
    member_rows = (
        Member.objects.active()
        .in_subtree_of(unit)
        .annotate(prefix=Left("branch__path", prefix_length))
        .values("prefix")
        .annotate(members=Count("pk"), **expected_counts)
        .order_by()
    )
    member_rows = {row["prefix"]: row for row in member_rows}

    done = Q(module_id__in=[pk for pk in module_ids if pk not in readers])
    for module_id, paths in readers.items():
        if paths:
            done |= Q(module_id=module_id) & _under_any("member__branch__path", paths)
    completed = {}
    if module_ids:
        completion_rows = (
            ModuleCompletion.objects.filter(done)
            .filter(member__in=Member.objects.active().in_subtree_of(unit))
            .annotate(prefix=Left("member__branch__path", prefix_length))
            .values("prefix", "module_id")
            .annotate(count=Count("pk"))
            .order_by()
        )
        completed = {(row["prefix"], row["module_id"]): row["count"] for row in completion_rows}

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
