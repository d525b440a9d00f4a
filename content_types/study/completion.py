"""The completion rule of resolution study, for one member or a whole module.

A member completes a module when they have read every live lesson of it to
the end (``LessonProgress.completed_at``: the app saw them reach its bottom or
listen to its recording to the end; merely opening a lesson only starts it)
and, if the module names a final quiz, have a submitted passed attempt of
that quiz. ``ModuleCompletion`` mirrors the rule: it is written when the rule
comes to hold (dated when it did: the last lesson read to the end or the
first pass, whichever came later) and removed when it no longer holds, e.g.
after an editor adds a lesson.

``update_completion`` applies the rule to one member as they study;
``refresh_module_completions`` applies it to every member of a module at once
after the module changes (publishing, unpublishing, moving or deleting a
lesson; publishing the module, whose final quiz may have changed). The
receivers in ``content_types.signal_handlers`` decide when, and queue
``content_types.tasks.refresh_module_completions_task``.
"""

from django.db import transaction
from django.db.models import Count, Max, Min

from editorial.models import Member

from ..models.quiz_attempts import QuizAttempt
from ..models.study import LessonProgress, ModuleCompletion, StudyLesson, StudyModule


def lock_member(member):
    """Apply one member's progress one event at a time: an offline phone may
    send several lessons at once, and each must see the others to apply the
    completion rule. Held until the surrounding transaction ends."""
    list(Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))


def first_pass(member, quiz_id):
    """When ``member`` first submitted a passed attempt of the quiz, or None."""
    return QuizAttempt.objects.filter(
        member=member, quiz_id=quiz_id, passed=True, submitted_at__isnull=False
    ).aggregate(first=Min("submitted_at"))["first"]


def read_lessons(lesson_ids):
    """The progress rows of lessons read to the end, among ``lesson_ids``:
    what the rule counts."""
    return LessonProgress.objects.filter(lesson_id__in=lesson_ids, completed_at__isnull=False)


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
        read = (
            read_lessons(lesson_ids)
            .filter(member=member)
            .aggregate(count=Count("pk"), last=Max("completed_at"))
        )
        passed_at = first_pass(member, quiz_id) if quiz_id else None
        if read["count"] == len(lesson_ids) and (passed_at or not quiz_id):
            met_at = max(moment for moment in (read["last"], passed_at) if moment)
    if met_at is None:
        ModuleCompletion.objects.filter(member=member, module=module).delete()
        return None
    completion, _created = ModuleCompletion.objects.get_or_create(
        member=member, module=module, defaults={"completed_at": met_at}
    )
    return completion


def complete_with_final_quiz(attempt):
    """A submitted ``attempt`` that passed may complete the modules naming its
    quiz as their final quiz: apply the rule to its member in each of them."""
    if not attempt.passed or attempt.submitted_at is None:
        return
    if getattr(attempt, "quiz_ends_a_module", None) is False:
        return  # read with the attempt (content_types.quizzes.storage): no module to look up
    # Most quizzes end no module: a narrow query says so (no page columns).
    module_ids = list(
        StudyModule.objects.filter(final_quiz_id=attempt.quiz_id).values_list("pk", flat=True)
    )
    if not module_ids:
        return
    modules = list(StudyModule.objects.filter(pk__in=module_ids))
    with transaction.atomic():
        lock_member(attempt.member)
        for module in modules:
            update_completion(attempt.member, module)


@transaction.atomic
def refresh_module_completions(module):
    """Re-apply the rule to every member of one module at once (a fixed number
    of queries); returns ``(added, removed)``."""
    lesson_ids = list(module.lessons().values_list("pk", flat=True))
    quiz_id = module.final_quiz_id
    met = {}
    if lesson_ids:
        rows = (
            read_lessons(lesson_ids)
            .values("member_id")
            .annotate(count=Count("lesson_id"), last=Max("completed_at"))
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


def lesson_module_id(lesson):
    """The id of the module above ``lesson`` in the tree, or None; read from
    its path, so it still answers for a lesson being deleted."""
    return (
        StudyModule.objects.filter(path=lesson.path[: -StudyLesson.steplen])
        .values_list("pk", flat=True)
        .first()
    )


def move_lesson_progress(lesson, module):
    """Progress in a lesson moved to another module counts there, no longer
    in the first (the caller refreshes both modules' completions)."""
    LessonProgress.objects.filter(lesson_id=lesson.pk).update(module_id=module.pk)
