"""The moderation report: steps waiting per unit and level, with their age.

Scoped like the other reports: board members see their boards' subtrees,
platform administrators everything. A fixed number of queries whatever the
number of units or waiting items.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q
from django.utils import timezone
from wagtail.models import Page, TaskState

from editorial.models import Unit, UnitLevel
from editorial.permissions import report_scope

from .models import Promotion, UnitTaskState

ITEM_LIMIT = 200


@dataclass
class UnitRow:
    unit: Unit
    count: int
    oldest: datetime

    @property
    def age_days(self):
        return (timezone.now() - self.oldest).days


@dataclass
class ModerationReport:
    rows: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    items: list = field(default_factory=list)
    total: int = 0


def moderation_report(user, unit=None):
    paths = [unit.path] if unit is not None else report_scope(user)
    condition = Q()
    for prefix in paths:
        condition |= Q(unit__path__startswith=prefix)
    waiting = UnitTaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).filter(condition)
    report = ModerationReport()
    if not paths:
        return report
    counts = list(
        waiting.values("unit").annotate(count=Count("pk"), oldest=Min("started_at")).order_by()
    )
    units = Unit.objects.in_bulk([row["unit"] for row in counts])
    report.rows = sorted(
        (UnitRow(units[row["unit"]], row["count"], row["oldest"]) for row in counts),
        key=lambda row: row.unit.path,
    )
    report.total = sum(row.count for row in report.rows)
    by_level = {}
    for row in report.rows:
        level = by_level.setdefault(row.unit.level, {"count": 0, "oldest": row.oldest})
        level["count"] += row.count
        level["oldest"] = min(level["oldest"], row.oldest)
    now = timezone.now()
    report.levels = [
        {
            "level": label,
            "count": by_level[value]["count"],
            "age_days": (now - by_level[value]["oldest"]).days,
        }
        for value, label in UnitLevel.choices
        if value in by_level
    ]
    report.items = _items(waiting, now)
    return report


def _items(waiting, now):
    """The oldest waiting steps, with their page (or the promoted page) in two queries."""
    states = list(
        waiting.select_related("task", "unit", "workflow_state__requested_by").order_by(
            "started_at"
        )[:ITEM_LIMIT]
    )
    page_ct = ContentType.objects.get_for_model(Page).pk
    ids = {True: set(), False: set()}
    for state in states:
        ids[state.workflow_state.base_content_type_id == page_ct].add(
            int(state.workflow_state.object_id)
        )
    pages = Page.objects.in_bulk(ids[True])
    promotions = Promotion.objects.select_related("page").in_bulk(ids[False])
    items = []
    for state in states:
        object_id = int(state.workflow_state.object_id)
        is_page = state.workflow_state.base_content_type_id == page_ct
        obj = pages.get(object_id) if is_page else promotions.get(object_id)
        page = obj if is_page else getattr(obj, "page", None)
        items.append(
            {
                "promotion": None if is_page else obj,
                "page": page,
                "title": page.get_admin_display_title() if page else "—",
                "task": state.task.name,
                "unit": state.unit,
                "requested_by": state.workflow_state.requested_by,
                "age_days": (now - state.started_at).days,
                "started_at": state.started_at,
            }
        )
    return items
