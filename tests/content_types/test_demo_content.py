from django.core.management import call_command

from content_types.models import (
    AnswerEntry,
    Audience,
    NewsArticle,
    PageAudience,
    Quiz,
    QuizQuestion,
    StudyModule,
)
from content_types.models.documents import PartyDocument


def test_demo_content_publishes_news_of_each_audience_once(unit_tree):
    call_command("seed_demo_content", stdout=None)
    count = NewsArticle.objects.live().count()
    assert count > 0
    audiences = set(PageAudience.objects.values_list("audience", flat=True))
    assert audiences == {Audience.PUBLIC, Audience.MEMBERS, Audience.UNIT}
    call_command("seed_demo_content", stdout=None)
    assert NewsArticle.objects.count() == count
    vietnamese = PartyDocument.objects.filter(locale__language_code="vi")
    assert vietnamese.count() == 2
    # Every page is mirrored into English, and two news items are translated.
    assert PartyDocument.objects.filter(locale__language_code="en").count() == 2
    english = NewsArticle.objects.filter(locale__language_code="en")
    assert english.count() == count // 2
    translated = english.filter(alias_of__isnull=True)
    assert translated.count() == 2
    titles = sorted(title.split(" – ")[0] for title in translated.values_list("title", flat=True))
    assert titles == [
        "Conference on the Resolution on digital transformation",
        "This month's branch meeting schedule",
    ]
    plan = vietnamese.get(document_type="KH")
    assert plan.number == f"121-KH/{unit_tree.district.short_name}"
    assert [r.kind for r in plan.relations.all()] == ["implements"]


def test_demo_content_has_each_type_once_and_lessons_read_by_the_module_audience(unit_tree):
    call_command("seed_demo_content", stdout=None)
    call_command("seed_demo_content", stdout=None)
    assert AnswerEntry.objects.filter(live=True).count() == 3
    assert QuizQuestion.objects.filter(unit=unit_tree.province).count() == 8
    quiz = Quiz.objects.live().get(locale__language_code="vi")
    module = StudyModule.objects.live().get(locale__language_code="vi")
    assert module.final_quiz == quiz
    assert [d.document.document_type for d in module.taught_documents.all()] == ["NQ"]
    lessons = list(module.lessons())
    assert len(lessons) == 3
    assert {PageAudience.objects.get(page=lesson).audience for lesson in lessons} == {
        Audience.MEMBERS
    }
