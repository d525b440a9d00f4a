"""Tasks inside a branch: the committee assigns, members report back.

The branch's secretary or deputy gives a task (title, details, due date) to
one or more members on the branch's roll; each gets a "task assigned"
notification. An assignee updates their own status (to do, doing, done)
and reports with text or a photo. Overdue assignments are reminded once
(``remind_overdue``, a daily periodic job).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .errors import BranchError, BranchErrorCode
from .guards import not_found, require_secretary
from .models import NotificationKind, Task, TaskAssignment, TaskStatus
from .notifying import notify


def _invalid(field, message):
    return BranchError(BranchErrorCode.INVALID, message, field=field)


def task_link(assignment):
    return f"/api/tasks/{assignment.pk}/"


@transaction.atomic
def assign_task(member, branch, *, title, member_ids, details="", due_on=None):
    """A task of ``branch`` given to the members ``member_ids`` (on its roll)."""
    require_secretary(member, branch)
    title = (title or "").strip()
    if not title:
        raise _invalid("title", _("Give the task a title."))
    member_ids = list(dict.fromkeys(member_ids or ()))
    if not member_ids:
        raise _invalid("members", _("Choose at least one member."))
    assignees = list(roles.roll(branch).filter(pk__in=member_ids).select_related("user"))
    if len(assignees) != len(member_ids):
        raise _invalid("members", _("Every assignee must be on the branch's roll."))
    if due_on is not None and due_on < timezone.localdate():
        raise _invalid("due_on", _("The due date has already passed."))
    task = Task.objects.create(
        branch=branch, title=title, details=details or "", due_on=due_on, created_by=member.user
    )
    assignments = TaskAssignment.objects.bulk_create(
        TaskAssignment(task=task, member=assignee) for assignee in assignees
    )
    due = _("Due on %(date)s.") % {"date": due_on.strftime("%d/%m/%Y")} if due_on else ""
    for assignment, assignee in zip(assignments, assignees, strict=True):
        notify(
            [assignee.user],
            NotificationKind.TASK_ASSIGNED,
            _("New task: %(title)s") % {"title": title},
            body=due,
            link=task_link(assignment),
        )
    return task


def update_assignment(member, assignment, *, status=None, report=None, report_photo=None):
    """The assignee's own update: status, report text, report photo."""
    if member is None or assignment.member_id != member.pk:
        raise not_found()
    fields = []
    if status is not None:
        if status not in TaskStatus.values:
            raise _invalid("status", _("The status is todo, doing or done."))
        assignment.status = status
        fields.append("status")
    if report is not None:
        assignment.report = report.strip()
        fields.append("report")
    if report_photo is not None:
        assignment.report_photo = report_photo
        fields.append("report_photo")
    if fields:
        assignment.save(update_fields=[*fields, "updated_at"])
    return assignment


def overdue(today=None):
    """Assignments not done whose task's due date has passed."""
    today = today or timezone.localdate()
    return TaskAssignment.objects.exclude(status=TaskStatus.DONE).filter(task__due_on__lt=today)


def remind_overdue(today=None):
    """Remind each overdue assignee once; returns how many were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    waiting = overdue(today).filter(reminded_on__isnull=True)
    waiting = waiting.select_related("task", "member__user")
    for assignment in waiting.iterator(chunk_size=500):
        with transaction.atomic():
            notify(
                [assignment.member.user],
                NotificationKind.TASK_OVERDUE,
                _("Overdue task: %(title)s") % {"title": assignment.task.title},
                body=_("It was due on %(date)s.")
                % {"date": assignment.task.due_on.strftime("%d/%m/%Y")},
                link=task_link(assignment),
            )
            TaskAssignment.objects.filter(pk=assignment.pk).update(reminded_on=today)
        reminded += 1
    return reminded
