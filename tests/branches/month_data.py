"""A month of branch life written straight to the tables, for the monthly
table's tests: per branch, meetings held (rated), attendance, a vote and tasks."""

import datetime

from django.utils import timezone

from branches.models import (
    Attendance,
    Meeting,
    MeetingRating,
    MeetingState,
    Task,
    TaskAssignment,
    Vote,
)
from editorial.factories import MemberFactory, make_unit
from editorial.models import UnitLevel

NOVEMBER = datetime.datetime(2026, 11, 12, 19, 30)


def at(moment):
    return timezone.make_aware(moment)


def held_meeting(branch, rater_unit, *, grade=None, present=(), absent=(), starts=NOVEMBER):
    meeting = Meeting.objects.create(
        branch=branch,
        title="Sinh hoạt chi bộ",
        starts_at=at(starts),
        place="Nhà văn hoá",
        state=MeetingState.HELD,
        minutes="Biên bản",
    )
    if grade:
        MeetingRating.objects.create(meeting=meeting, grade=grade, unit=rater_unit)
    for member in present:
        Attendance.objects.create(meeting=meeting, member=member, status="present")
    for member in absent:
        Attendance.objects.create(meeting=meeting, member=member, status="unexcused")
    return meeting


def task(branch, members, *, due_on=None, done=(), created=NOVEMBER):
    item = Task.objects.create(branch=branch, title="Thu đảng phí", due_on=due_on)
    Task.objects.filter(pk=item.pk).update(created_at=at(created))
    for member in members:
        status = "done" if member in done else "todo"
        TaskAssignment.objects.create(task=item, member=member, status=status)
    return item


def busy_branch(grassroots, code):
    """A branch under ``grassroots`` with a month's life: one rated meeting
    with two present and one absent, one vote, one open overdue task."""
    branch = make_unit(code, parent=grassroots, level=UnitLevel.BRANCH)
    members = [MemberFactory(branch=branch) for _ in range(3)]
    meeting = held_meeting(
        branch, grassroots, grade="tot", present=members[:2], absent=members[2:]
    )
    Vote.objects.create(meeting=meeting, question="Thông qua nghị quyết", state="closed")
    task(branch, members[:1], due_on=datetime.date(2026, 11, 20))
    return branch
