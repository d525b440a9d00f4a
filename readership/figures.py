"""Reading figures for committees: counts per unit, never names.

For a unit, one row per unit directly below it (and one for members attached
to the unit itself), then a total: active members with an account, those who
ever signed in, active readers (opened at least one item) in the last 7 and
30 days, those who signed in during the chosen period, and the reads (member,
item, day) in the period; plus the items most read in the period by the
unit's members. Members are counted in their current branch.

``reading_figures`` answers in four queries whatever the size of the tree:
child units of one unit share a path length, so members and reads are
grouped by the prefix of the branch's path (as the study report does).
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Left
from django.utils import timezone

from editorial.models import Member, Unit, UnitStatus
from editorial.unit_reports import row_label

from .models import ItemRead, SignInDay

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP_ITEMS = 20

FIGURES = ("accounts", "signed_in_ever", "active_7", "active_30", "signed_in", "reads")


@dataclass
class UnitFigures:
    unit: Unit
    accounts: int = 0  # active members whose account is active
    signed_in_ever: int = 0
    active_7: int = 0  # members who opened an item in the last 7 days
    active_30: int = 0
    signed_in: int = 0  # members who signed in during the period
    reads: int = 0  # (member, item, day) in the period
    # Members attached to the report's unit itself rather than to a unit below.
    direct: bool = False

    @property
    def label(self):
        return row_label(self.unit, self.direct)


@dataclass
class TopItem:
    page_id: int
    title: str
    type_name: str
    readers: int
    reads: int


@dataclass
class ReadingFigures:
    unit: Unit
    period_days: int
    since: datetime.date
    until: datetime.date
    rows: list = field(default_factory=list)
    total: UnitFigures = None
    top_items: list = field(default_factory=list)


def first_day(today, days):
    """The first day of "the last ``days`` days", today included."""
    return today - datetime.timedelta(days=days - 1)


def _read_since(day):
    return Q(Exists(ItemRead.objects.filter(user=OuterRef("user_id"), day__gte=day)))


def _member_rows(members, prefix_length, today, since):
    signed_in = Exists(SignInDay.objects.filter(user=OuterRef("user_id"), day__gte=since))
    rows = (
        members.annotate(prefix=Left("branch__path", prefix_length))
        .values("prefix")
        .annotate(
            accounts=Count("pk"),
            signed_in_ever=Count("pk", filter=Q(user__last_login__isnull=False)),
            active_7=Count("pk", filter=_read_since(first_day(today, 7))),
            active_30=Count("pk", filter=_read_since(first_day(today, 30))),
            signed_in=Count("pk", filter=Q(signed_in)),
        )
        .order_by()
    )
    return {row["prefix"]: row for row in rows}


def _type_name(app_label, model):
    found = apps.get_model(app_label, model) if app_label else None
    return str(found._meta.verbose_name) if found else ""


def top_items(reads, limit=TOP_ITEMS):
    """The items of ``reads`` with the most readers (then reads), in one query."""
    rows = (
        reads.values("page_id")
        .annotate(
            readers=Count("user", distinct=True),
            reads=Count("pk"),
            title=F("page__title"),
            app_label=F("page__content_type__app_label"),
            model=F("page__content_type__model"),
        )
        .order_by("-readers", "-reads", "page_id")[:limit]
    )
    return [
        TopItem(
            page_id=row["page_id"],
            title=row["title"],
            type_name=_type_name(row["app_label"], row["model"]),
            readers=row["readers"],
            reads=row["reads"],
        )
        for row in rows
    ]


def reading_figures(unit, *, period_days=DEFAULT_PERIOD, today=None):
    """The figures of ``unit`` and the units directly below it (see the module)."""
    today = today or timezone.localdate()
    since = first_day(today, period_days)
    prefix_length = len(unit.path) + unit.steplen
    members = Member.objects.active().in_subtree_of(unit).filter(user__is_active=True)
    member_rows = _member_rows(members, prefix_length, today, since)

    reads = ItemRead.objects.filter(
        day__gte=since, day__lte=today, user__member__in=members.values("pk")
    )
    read_counts = {
        row["prefix"]: row["reads"]
        for row in reads.annotate(prefix=Left("user__member__branch__path", prefix_length))
        .values("prefix")
        .annotate(reads=Count("pk"))
        .order_by()
    }

    children = Unit.objects.filter(
        Q(path__in=member_rows.keys())
        | Q(path__startswith=unit.path, depth=unit.depth + 1, status=UnitStatus.ACTIVE)
    ).order_by("path")
    rows = []
    for child in children:
        counts = member_rows.get(child.path, {})
        rows.append(
            UnitFigures(
                unit=child,
                reads=read_counts.get(child.path, 0),
                direct=child.pk == unit.pk,
                **{name: counts.get(name, 0) for name in FIGURES if name != "reads"},
            )
        )
    total = UnitFigures(
        unit=unit, **{name: sum(getattr(row, name) for row in rows) for name in FIGURES}
    )
    return ReadingFigures(
        unit=unit,
        period_days=period_days,
        since=since,
        until=today,
        rows=rows,
        total=total,
        top_items=top_items(reads),
    )
