"""The monthly table of a grassroots or district unit: one row per branch
below it, and a totals row.

For the month (local time): meetings held through the app (closed as held,
started that month), their ratings by grade, the attendance rate (members
recorded present among those recorded at those meetings), the votes taken
at them, and the branch's tasks still open (given by the end of the month,
some member not done yet) and, of those, overdue (due before the end of the
month, or before today for the current month).

Five queries, whatever the number of branches: the branches, then one
grouped count each for meetings and ratings, attendance, votes and tasks.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from editorial.models import Unit, UnitLevel

from .models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingState,
    RatingGrade,
    Task,
    TaskAssignment,
    TaskStatus,
    Vote,
)

#: The units that have a monthly table: those with branches below them.
TABLE_LEVELS = (UnitLevel.DISTRICT, UnitLevel.BLOC, UnitLevel.GRASSROOTS)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text):
        """``YYYY-MM`` → Month; ValueError for anything else."""
        year, _dash, month = (text or "").strip().partition("-")
        if not (len(year) == 4 and year.isdigit() and month.isdigit() and len(month) <= 2):
            raise ValueError(text)
        datetime.date(int(year), int(month), 1)  # ValueError for month 13
        return cls(int(year), int(month))

    @classmethod
    def current(cls):
        today = timezone.localdate()
        return cls(today.year, today.month)

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self):
        return datetime.date(self.year, self.month, 1)

    def next(self):
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self):
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def bounds(self):
        """The month's start and the next month's start, as aware datetimes."""
        start = datetime.datetime.combine(self.first_day, datetime.time())
        end = datetime.datetime.combine(self.next().first_day, datetime.time())
        return timezone.make_aware(start), timezone.make_aware(end)


@dataclass
class Row:
    """One branch's figures for the month (or the totals, ``branch=None``)."""

    branch: Unit | None
    held: int = 0
    grades: dict = field(default_factory=lambda: dict.fromkeys(RatingGrade.values, 0))
    present: int = 0
    recorded: int = 0
    votes: int = 0
    tasks_open: int = 0
    tasks_overdue: int = 0

    @property
    def rated(self):
        return sum(self.grades.values())

    @property
    def attendance_rate(self):
        """Present among those recorded (0..1), or None with nobody recorded."""
        return self.present / self.recorded if self.recorded else None

    def add(self, other):
        self.held += other.held
        for grade, count in other.grades.items():
            self.grades[grade] += count
        self.present += other.present
        self.recorded += other.recorded
        self.votes += other.votes
        self.tasks_open += other.tasks_open
        self.tasks_overdue += other.tasks_overdue


@dataclass
class MonthlyTable:
    unit: Unit
    month: Month
    rows: list
    total: Row


def branches_below(unit):
    return Unit.objects.active().filter(path__startswith=unit.path, level=UnitLevel.BRANCH)


def monthly_table(unit, month):
    """The ``MonthlyTable`` of ``unit`` (a district or grassroots unit) for ``month``."""
    branches = list(branches_below(unit).order_by("path"))
    rows = {branch.pk: Row(branch) for branch in branches}
    start, end = month.bounds()
    in_month = {"starts_at__gte": start, "starts_at__lt": end}
    held = Meeting.objects.filter(branch__in=list(rows), state=MeetingState.HELD, **in_month)
    grade_counts = {
        grade: Count("id", filter=Q(rating__grade=grade)) for grade in RatingGrade.values
    }
    for figures in held.values("branch_id").annotate(held=Count("id"), **grade_counts):
        row = rows[figures["branch_id"]]
        row.held = figures["held"]
        row.grades = {grade: figures[grade] for grade in RatingGrade.values}
    attendance = (
        Attendance.objects.filter(meeting__in=held)
        .values("meeting__branch_id")
        .annotate(
            recorded=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT))
        )
    )
    for figures in attendance:
        row = rows[figures["meeting__branch_id"]]
        row.recorded, row.present = figures["recorded"], figures["present"]
    votes = Vote.objects.filter(meeting__in=held).values("meeting__branch_id")
    for figures in votes.annotate(count=Count("id")):
        rows[figures["meeting__branch_id"]].votes = figures["count"]
    _count_tasks(rows, end, min(month.next().first_day, timezone.localdate()))
    total = Row(None)
    for row in rows.values():
        total.add(row)
    return MonthlyTable(unit=unit, month=month, rows=list(rows.values()), total=total)


def _count_tasks(rows, end, due_before):
    undone = TaskAssignment.objects.filter(task=OuterRef("pk")).exclude(status=TaskStatus.DONE)
    open_tasks = Task.objects.filter(branch__in=list(rows), created_at__lt=end).filter(
        Exists(undone)
    )
    figures = open_tasks.values("branch_id").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=due_before))
    )
    for branch_figures in figures:
        row = rows[branch_figures["branch_id"]]
        row.tasks_open, row.tasks_overdue = branch_figures["open"], branch_figures["overdue"]
