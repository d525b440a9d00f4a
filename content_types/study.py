"""The rules of resolution study: lesson progress, module completion, the report.

What the reader API (and the plain reader site) call:

- ``open_lesson(user, lesson)`` when a member opens a lesson: stores the first
  time only, refuses members who are not active, lessons they may not read and
  modules that have not opened yet.
- ``complete_lesson(user, lesson)`` when the app saw the member reach the end of
  the lesson (read to the bottom, or listened to the recording to its end).
  It is shown to the member but is not part of the completion rule.
- ``module_progress(user, module)``: the member's lessons opened, final quiz
  passed, completion date.

The completion rule (``update_completion``): a member completes a module when
they have opened every live lesson of it and, if the module names a final
quiz, have a submitted passed attempt of that quiz. ``ModuleCompletion``
mirrors the rule: it is written when the rule comes to hold (dated when it did:
the last lesson opened or the first pass, whichever came later) and removed
when it no longer holds, e.g. after an editor adds a lesson. Publishing,
unpublishing, moving or deleting a lesson, and publishing a module (its final
quiz may have changed), recompute the whole module in bulk.

The report (``completion_report``) counts completions per child unit of a unit
in a constant number of queries, whatever the size of the tree.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Left
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext
from django_tasks import task
from wagtail.signals import page_published, page_unpublished, post_page_move

from editorial.models import Member, Unit, UnitStatus
from editorial.permissions import board_roles, is_active_user, is_platform_admin
from editorial.spreadsheets import append_row

from .models.audience import Audience, PageAudience, readable_by, reader_branch_path
from .models.quizzes import QuizAttempt
from .models.study import LessonProgress, ModuleCompletion, StudyLesson, StudyModule
from .quizzes import attempt_submitted

# --- Progress ----------------------------------------------------------------


def active_member(user):
    """The user's ``Member`` record, or PermissionDenied: only active party
    members study (and are counted)."""
    if reader_branch_path(user) is None:
        raise PermissionDenied(gettext("Only active party members can study modules."))
    return user.member


def readable_for_user(user):
    return readable_by(reader_branch_path(user))


def _lock(member):
    """Apply one member's progress one event at a time: an offline phone may
    send several lessons at once, and each must see the others to apply the
    completion rule. Held until the surrounding transaction ends."""
    list(Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))


def _readable_live_module(user, module):
    """Http404 unless the module is published and the user may read it: a
    module the member may not read does not exist for them."""
    if module.pk is None or not (
        StudyModule.objects.live().filter(pk=module.pk).filter(readable_for_user(user)).exists()
    ):
        raise Http404(gettext("No such study module."))


def _check_open(module, now):
    if module.opens_on and timezone.localdate(now) < module.opens_on:
        raise ValidationError(
            gettext("This module opens on %(date)s.")
            % {"date": formats.date_format(module.opens_on, "SHORT_DATE_FORMAT")},
            code="not_open",
        )


def _lesson_for_study(user, lesson, now):
    """The member and the lesson's module, after every refusal open_lesson makes."""
    member = active_member(user)
    module = lesson.module
    readable = (
        StudyLesson.objects.live().filter(pk=lesson.pk).filter(readable_for_user(user)).exists()
    )
    if module is None or not module.live or not readable:
        raise Http404(gettext("No such lesson."))
    _check_open(module, now)
    return member, module


def open_lesson(user, lesson, *, now=None):
    """Record that ``user`` opened ``lesson``; returns the ``LessonProgress``.

    Idempotent: opening again keeps the first ``opened_at``. Raises
    PermissionDenied for users who are not active members, Http404 for a
    lesson that is not published or that the member may not read (as the
    reader site does), and ValidationError (code ``not_open``) before the
    module's opening date: progress counts from the day the module opens,
    although editors may publish it earlier. Lessons may still be opened after
    the due date; late completions count.
    """
    now = now or timezone.now()
    member, module = _lesson_for_study(user, lesson, now)
    with transaction.atomic():
        _lock(member)
        progress, created = LessonProgress.objects.get_or_create(
            member=member, lesson=lesson, defaults={"module": module, "opened_at": now}
        )
        if created:
            update_completion(member, module)
    return progress


def complete_lesson(user, lesson, *, now=None):
    """Record that the member reached the end of ``lesson`` (the app decides:
    scrolled to the bottom, or played the recording to the end).

    Opens the lesson first if needed, so the same refusals apply. The first
    ``completed_at`` is kept. Informative only: the module's completion rule
    asks for every lesson *opened*, as the issue states.
    """
    now = now or timezone.now()
    progress = open_lesson(user, lesson, now=now)
    if progress.completed_at is None:
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        progress.refresh_from_db(fields=["completed_at"])
    return progress


def _first_pass(member, quiz_id):
    return QuizAttempt.objects.filter(
        member=member, quiz_id=quiz_id, passed=True, submitted_at__isnull=False
    ).aggregate(first=Min("submitted_at"))["first"]


def update_completion(member, module):
    """Apply the completion rule to one member and module; returns the
    ``ModuleCompletion`` or None.

    An existing completion keeps its date while the rule holds. A module with
    neither live lessons nor a final quiz asks nothing, so nobody completes it.
    """
    lesson_ids = list(module.lessons().values_list("pk", flat=True))
    quiz_id = module.final_quiz_id
    met_at = None
    if lesson_ids or quiz_id:
        opened = LessonProgress.objects.filter(member=member, lesson_id__in=lesson_ids).aggregate(
            count=Count("pk"), last=Max("opened_at")
        )
        passed_at = _first_pass(member, quiz_id) if quiz_id else None
        if opened["count"] == len(lesson_ids) and (passed_at or not quiz_id):
            met_at = max(moment for moment in (opened["last"], passed_at) if moment)
    if met_at is None:
        ModuleCompletion.objects.filter(member=member, module=module).delete()
        return None
    completion, _created = ModuleCompletion.objects.get_or_create(
        member=member, module=module, defaults={"completed_at": met_at}
    )
    return completion


@transaction.atomic
def refresh_module_completions(module):
    """Re-apply the rule to every member of one module at once (a fixed number
    of queries); returns ``(added, removed)``."""
    lesson_ids = list(module.lessons().values_list("pk", flat=True))
    quiz_id = module.final_quiz_id
    met = {}
    if lesson_ids:
        rows = (
            LessonProgress.objects.filter(lesson_id__in=lesson_ids)
            .values("member_id")
            .annotate(count=Count("lesson_id"), last=Max("opened_at"))
            .filter(count=len(lesson_ids))
            .order_by()
        )
        met = {row["member_id"]: row["last"] for row in rows}
    if quiz_id:
        passes = dict(
            QuizAttempt.objects.filter(quiz_id=quiz_id, passed=True, submitted_at__isnull=False)
            .values("member_id")
            .annotate(first=Min("submitted_at"))
            .order_by()
            .values_list("member_id", "first")
        )
        if lesson_ids:
            met = {who: max(at, passes[who]) for who, at in met.items() if who in passes}
        else:
            met = passes
    existing = set(
        ModuleCompletion.objects.filter(module=module).values_list("member_id", flat=True)
    )
    stale = existing - met.keys()
    removed = 0
    if stale:
        removed, _detail = ModuleCompletion.objects.filter(
            module=module, member_id__in=stale
        ).delete()
    new = [
        ModuleCompletion(member_id=member, module=module, completed_at=at)
        for member, at in met.items()
        if member not in existing
    ]
    ModuleCompletion.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new), removed


@task()
def refresh_module_completions_task(module_id):
    module = StudyModule.objects.filter(pk=module_id).first()
    if module is None:
        return None
    return refresh_module_completions(module)


def _refresh_after_commit(module_id):
    # After commit: a module being deleted together with its lessons is gone
    # by then and is skipped, instead of getting new completion rows.
    transaction.on_commit(lambda: refresh_module_completions_task.enqueue(module_id))


def _parent_module_id(lesson_path):
    return (
        StudyModule.objects.filter(path=lesson_path[: -StudyLesson.steplen])
        .values_list("pk", flat=True)
        .first()
    )


@receiver(page_published, sender=StudyLesson)
@receiver(page_unpublished, sender=StudyLesson)
@receiver(post_delete, sender=StudyLesson)
def lessons_changed(sender, instance, **kwargs):
    """Adding a lesson uncompletes the members who have not opened it; removing
    one may complete members who had opened all the others."""
    module_id = _parent_module_id(instance.path)
    if module_id:
        _refresh_after_commit(module_id)


@receiver(page_published, sender=StudyModule)
def module_published(sender, instance, **kwargs):
    # The final quiz may have been set, changed or removed.
    _refresh_after_commit(instance.pk)


@receiver(post_page_move, sender=StudyLesson)
def lesson_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A lesson moved to another module counts there, no longer in the first."""
    if parent_page_before.pk == parent_page_after.pk:
        return
    LessonProgress.objects.filter(lesson_id=instance.pk).update(module_id=parent_page_after.pk)
    for module_id in (parent_page_before.pk, parent_page_after.pk):
        _refresh_after_commit(module_id)


@receiver(attempt_submitted)
def final_quiz_submitted(sender, attempt, **kwargs):
    """A passed final quiz may complete the modules that name it."""
    if not attempt.passed or attempt.submitted_at is None:
        return
    modules = list(StudyModule.objects.filter(final_quiz_id=attempt.quiz_id))
    if not modules:
        return
    with transaction.atomic():
        _lock(attempt.member)
        for module in modules:
            update_completion(attempt.member, module)


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
        return sum(1 for lesson in self.lessons if lesson.opened_at)

    @property
    def is_complete(self):
        return self.completed_at is not None


def module_progress(user, module):
    """The member's progress in ``module``, in at most seven queries whatever
    the number of lessons.

    Same refusals as open_lesson: PermissionDenied for non-members, Http404 for
    a module that is not published or not readable by them.
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
        quiz_passed = _first_pass(member, module.final_quiz_id) is not None
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
    except (PermissionDenied, Http404):
        return None


# --- The completion report --------------------------------------------------


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
        # A branch's own report lists its members as its only row: no remark.
        if self.direct and self.unit.numchild:
            return gettext("%(unit)s (members attached directly)") % {"unit": self.unit.name}
        return self.unit.name


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


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def completion_report_xlsx(report):
    """The report as an XLSX workbook (bytes): one header row, one row per child
    unit, a total row; rates are numbers formatted as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Study completion")[:31]
    header = [gettext("Unit"), gettext("Code"), gettext("Active members")]
    for module in report.modules:
        header += [
            gettext("%(module)s: members expected") % {"module": module.title},
            gettext("%(module)s: completed") % {"module": module.title},
            gettext("%(module)s: rate") % {"module": module.title},
        ]
    # Every row goes through append_row: unit names and module titles are
    # typed by editors and must never become formulas.
    for cell in append_row(sheet, header):
        cell.font = Font(bold=True)

    def append(row, label):
        values = [label, row.unit.code, row.members]
        for figures in row.figures:
            values += [figures.expected, figures.completed, figures.rate]
        cells = append_row(sheet, values)
        for offset in range(len(row.figures)):
            cells[3 + 3 * offset + 2].number_format = "0.0%"
        return cells

    for row in report.rows:
        append(row, row.label)
    for cell in append(report.total, gettext("Total: %(unit)s") % {"unit": report.unit.name}):
        cell.font = Font(bold=True)
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["A"].width = 40
    for column in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Who may see the report -------------------------------------------------


def default_report_unit(user):
    """The unit the report opens on: the user's highest board unit, or the top
    of the tree for platform admins; None for users who may see no report."""
    if not is_active_user(user):
        return None
    if is_platform_admin(user):
        return Unit.objects.active().filter(depth=1).order_by("path").first()
    roles = board_roles(user)
    if not roles:
        return None
    _role, _path, unit_id = min(roles, key=lambda role: (len(role[1]), role[1]))
    return Unit.objects.filter(pk=unit_id).first()
