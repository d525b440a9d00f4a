"""Recompute every study module's completions under the new rule.

Until now a member completed a module by *opening* every published lesson
(and passing the final quiz if there is one); the rule is now every lesson
*read to the end* (``LessonProgress.completed_at``). The stored
``ModuleCompletion`` rows mirror the rule and feed the committee's study
report, so they are recomputed here: members who only opened the lessons lose
their completion, and the date of the others becomes when the rule came to
hold (the last lesson read to the end, or the first pass, whichever came
later). The same computation as ``content_types.study.completion.
refresh_module_completions``, written against the historical models.

Going back leaves the rows as they are: the old code recomputes a module's
completions whenever an editor changes it.
"""

from django.db import migrations
from django.db.models import Count, Max, Min


def recompute_completions(apps, schema_editor):
    StudyModule = apps.get_model("content_types", "StudyModule")
    StudyLesson = apps.get_model("content_types", "StudyLesson")
    LessonProgress = apps.get_model("content_types", "LessonProgress")
    ModuleCompletion = apps.get_model("content_types", "ModuleCompletion")
    QuizAttempt = apps.get_model("content_types", "QuizAttempt")
    for module in StudyModule.objects.order_by("pk").iterator():
        lesson_ids = list(
            StudyLesson.objects.filter(
                path__startswith=module.path, depth=module.depth + 1, live=True
            ).values_list("pk", flat=True)
        )
        met = {}
        if lesson_ids:
            rows = (
                LessonProgress.objects.filter(lesson_id__in=lesson_ids, completed_at__isnull=False)
                .values("member_id")
                .annotate(count=Count("lesson_id"), last=Max("completed_at"))
                .filter(count=len(lesson_ids))
                .order_by()
            )
            met = {row["member_id"]: row["last"] for row in rows}
        if module.final_quiz_id:
            passes = dict(
                QuizAttempt.objects.filter(
                    quiz_id=module.final_quiz_id, passed=True, submitted_at__isnull=False
                )
                .values("member_id")
                .annotate(first=Min("submitted_at"))
                .order_by()
                .values_list("member_id", "first")
            )
            if lesson_ids:
                met = {who: max(at, passes[who]) for who, at in met.items() if who in passes}
            else:
                met = passes
        ModuleCompletion.objects.filter(module_id=module.pk).delete()
        ModuleCompletion.objects.bulk_create(
            [
                ModuleCompletion(member_id=member, module_id=module.pk, completed_at=at)
                for member, at in met.items()
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content_types", "0011_translatable_snippets"),
    ]

    operations = [
        migrations.RunPython(recompute_completions, migrations.RunPython.noop, elidable=True),
    ]
