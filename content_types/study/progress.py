"""A member's progress in resolution study: opening and finishing lessons,
and their progress in a module.

What the reader API (and the plain reader site) call:

- ``open_lesson(user, lesson)`` when a member opens a lesson (they started
  it): stores the first time only, refuses members who are not active,
  lessons they may not read and modules that have not opened yet.
- ``complete_lesson(user, lesson)`` when the app saw the member reach the end of
  the lesson (read to the bottom, or listened to the recording to its end):
  the lesson counts as read, which is what the completion rule asks.
- ``module_progress(user, module)``: the member's lessons opened and read,
  final quiz passed, completion date.

Refusals raise ``content_types.errors.ServiceError`` with a stable code:
``not_member`` (not an active party member), ``not_found`` (not published,
or not readable by the member: it does not exist for them) and ``not_open``
(before the module's opening date).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from ..errors import ErrorCode, ServiceError
from ..models.audience import readable_for, reader_branch_path
from ..models.study import LessonProgress, ModuleCompletion, StudyLesson, StudyModule
from .completion import first_pass, lock_member, update_completion


def active_member(user):
    """The user's ``Member`` record; ServiceError ``not_member`` unless they
    are an active party member: only they study (and are counted)."""
    if reader_branch_path(user) is None:
        raise ServiceError(
            ErrorCode.NOT_MEMBER, gettext("Only active party members can study modules.")
        )
    return user.member


def _readable_live_module(user, module):
    """ServiceError ``not_found`` unless the module is published and the user
    may read it: a module the member may not read does not exist for them."""
    if module.pk is None or not (
        StudyModule.objects.live().filter(pk=module.pk).filter(readable_for(user)).exists()
    ):
        raise ServiceError(ErrorCode.NOT_FOUND, gettext("No such study module."))


def _check_open(module, now):
    if module.opens_on and timezone.localdate(now) < module.opens_on:
        raise ServiceError(
            ErrorCode.NOT_OPEN,
            gettext("This module opens on %(date)s.")
            % {"date": formats.date_format(module.opens_on, "SHORT_DATE_FORMAT")},
        )


def _lesson_for_study(user, lesson, now):
    """The member and the lesson's module, after every refusal open_lesson makes."""
    member = active_member(user)
    module = lesson.module
    readable = StudyLesson.objects.live().filter(pk=lesson.pk).filter(readable_for(user)).exists()
    if module is None or not module.live or not readable:
        raise ServiceError(ErrorCode.NOT_FOUND, gettext("No such lesson."))
    _check_open(module, now)
    return member, module


def open_lesson(user, lesson, *, now=None):
    """Record that ``user`` opened (started) ``lesson``; returns the
    ``LessonProgress``.

    Idempotent: opening again keeps the first ``opened_at``. Opening alone
    completes nothing: a lesson counts once read to the end
    (``complete_lesson``). Raises ServiceError ``not_member`` for users who
    are not active members, ``not_found`` for a lesson that is not published
    or that the member may not read (as the reader site does), and
    ``not_open`` before the module's opening date: progress counts from the
    day the module opens, although editors may publish it earlier. Lessons
    may still be opened after the due date; late completions count.
    """
    now = now or timezone.now()
    member, module = _lesson_for_study(user, lesson, now)
    progress, _created = LessonProgress.objects.get_or_create(
        member=member, lesson=lesson, defaults={"module": module, "opened_at": now}
    )
    return progress


def complete_lesson(user, lesson, *, now=None):
    """Record that the member reached the end of ``lesson`` (the app decides:
    scrolled to the bottom, or played the recording to the end): the lesson
    counts as read, and the module's completion rule is applied.

    Opens the lesson too if needed (same refusals as ``open_lesson``). The
    first ``opened_at`` and ``completed_at`` are kept, so sending it again
    (an offline phone's retry) changes nothing.
    """
    now = now or timezone.now()
    member, module = _lesson_for_study(user, lesson, now)
    with transaction.atomic():
        lock_member(member)
        progress, created = LessonProgress.objects.get_or_create(
            member=member,
            lesson=lesson,
            defaults={"module": module, "opened_at": now, "completed_at": now},
        )
        if not created and progress.completed_at is None:
            progress.completed_at = now
            progress.save(update_fields=["completed_at"])
            created = True
        if created:
            update_completion(member, module)
    return progress


@dataclass(frozen=True)
class LessonState:
    lesson_id: int
    title: str
    opened_at: datetime.datetime | None
    completed_at: datetime.datetime | None


@dataclass(frozen=True)
class ModuleProgress:
    """One member's progress in one module, as "my module progress" shows it."""

    module_id: int
    lessons: list[LessonState]
    final_quiz_id: int | None
    quiz_passed: bool | None  # None when the module has no final quiz
    completed_at: datetime.datetime | None
    opens_on: datetime.date | None
    due_on: datetime.date | None

    @property
    def lessons_total(self):
        return len(self.lessons)

    @property
    def lessons_opened(self):
        """Lessons started (opened at least once)."""
        return sum(1 for lesson in self.lessons if lesson.opened_at)

    @property
    def lessons_completed(self):
        """Lessons read to the end: what the completion rule counts."""
        return sum(1 for lesson in self.lessons if lesson.completed_at)

    @property
    def is_complete(self):
        return self.completed_at is not None


def module_progress(user, module):
    """The member's progress in ``module``, in at most seven queries whatever
    the number of lessons.

    Same refusals as open_lesson: ServiceError ``not_member`` for non-members,
    ``not_found`` for a module that is not published or not readable by them.
    """
    member = active_member(user)
    _readable_live_module(user, module)
    lessons = list(module.lessons().values_list("pk", "title"))
    progress = {
        row[0]: row[1:]
        for row in LessonProgress.objects.filter(
            member=member, lesson_id__in=[pk for pk, _title in lessons]
        ).values_list("lesson_id", "opened_at", "completed_at")
    }
    quiz_passed = None
    if module.final_quiz_id:
        quiz_passed = first_pass(member, module.final_quiz_id) is not None
    completion = ModuleCompletion.objects.filter(member=member, module=module).first()
    return ModuleProgress(
        module_id=module.pk,
        lessons=[LessonState(pk, title, *progress.get(pk, (None, None))) for pk, title in lessons],
        final_quiz_id=module.final_quiz_id,
        quiz_passed=quiz_passed,
        completed_at=completion.completed_at if completion else None,
        opens_on=module.opens_on,
        due_on=module.due_on,
    )


def reader_progress(user, module):
    """``module_progress`` for the reader site, or None where it has none to
    show (anonymous readers, editors who are not members, previews)."""
    if module.pk is None or reader_branch_path(user) is None:
        return None
    try:
        return module_progress(user, module)
    except ServiceError:
        return None
