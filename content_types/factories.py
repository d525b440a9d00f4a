"""Factories for tests and demo data (factory_boy): content pages placed in a
unit's page lists as an editor would place them, and questions of its bank.

A page factory adds its page as a child of the unit's list page of its type
(news list, document list, learning list), restricts it to ``audience_units``,
saves a revision and publishes it (or keeps it a draft), and returns the page
fresh from the database. The ``publish_*`` and ``make_question`` functions
are the short forms the tests call.
"""

import datetime

import factory
from wagtail.models import Page

from .models import (
    Audience,
    Difficulty,
    DocumentAttachment,
    DocumentIndexPage,
    LearningIndexPage,
    NewsArticle,
    NewsIndexPage,
    PartyDocument,
    QuestionCategory,
    Quiz,
    QuizChoice,
    QuizDrawRule,
    QuizQuestion,
)


def unit_index(unit, index_model):
    """``unit``'s list page of type ``index_model``: a child of its home page."""
    return index_model.objects.child_of(Page.objects.get(pk=unit.home_page_id)).get()


def news_index(unit):
    return unit_index(unit, NewsIndexPage)


def document_index(unit):
    return unit_index(unit, DocumentIndexPage)


def learning_index(unit):
    return unit_index(unit, LearningIndexPage)


class UnitPageFactory(factory.django.DjangoModelFactory):
    """A page under ``unit``'s list page of type ``_index_model``.

    ``audience_units`` restricts a unit audience to chosen units; ``publish``
    false keeps the page a draft, its revision saved by ``revision_user``.
    """

    class Meta:
        abstract = True

    _index_model = None

    unit = None
    audience_units = ()
    publish = True
    revision_user = None

    @classmethod
    def _create(
        cls, model_class, *, unit, audience_units=(), publish=True, revision_user=None, **fields
    ):
        page = model_class(**fields)
        unit_index(unit, cls._index_model).add_child(instance=page)
        page.audience_units.set(audience_units)
        revision = page.save_revision(user=revision_user)
        if publish:
            revision.publish()
        return model_class.objects.get(pk=page.pk)


class NewsArticleFactory(UnitPageFactory):
    class Meta:
        model = NewsArticle

    _index_model = NewsIndexPage

    title = factory.Sequence(lambda n: f"Tin {n}")
    lead = "Tóm tắt"


class DraftNewsFactory(NewsArticleFactory):
    """A news article saved as a draft, never published."""

    live = False
    publish = False


class PartyDocumentFactory(UnitPageFactory):
    """A party document; ``files`` are Wagtail documents attached to it."""

    class Meta:
        model = PartyDocument

    class Params:
        files = ()

    _index_model = DocumentIndexPage

    number = factory.Sequence(lambda n: f"{n + 1}-NQ/ĐU")
    title = factory.LazyAttribute(lambda document: f"Văn bản {document.number}")
    document_type = "NQ"
    issued_on = datetime.date(2025, 3, 1)
    attachments = factory.LazyAttribute(
        lambda document: [DocumentAttachment(document=file) for file in document.files]
    )


class QuizFactory(UnitPageFactory):
    """A quiz; ``rules`` are its draw rules as (category, difficulty, count)."""

    class Meta:
        model = Quiz

    class Params:
        rules = ()

    _index_model = LearningIndexPage

    title = "Thi tìm hiểu"
    draw_rules = factory.LazyAttribute(
        lambda quiz: [
            QuizDrawRule(category=category, difficulty=difficulty, count=count)
            for category, difficulty, count in quiz.rules
        ]
    )


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory
        django_get_or_create = ("name",)

    name = "Điều lệ Đảng"


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    """A bank question of ``unit``; ``answers`` are its choices as (text, correct)."""

    class Meta:
        model = QuizQuestion

    class Params:
        answers = (("Đúng", True), ("Sai", False), ("Không rõ", False))

    unit = None
    text = factory.Sequence(lambda n: f"Câu hỏi {n}")
    category = factory.SubFactory(QuestionCategoryFactory)
    difficulty = Difficulty.MEDIUM
    choices = factory.LazyAttribute(
        lambda question: [
            QuizChoice(text=text, is_correct=correct) for text, correct in question.answers
        ]
    )


def publish_news(unit, title, audience=Audience.PUBLIC, units=(), *, image=None, **fields):
    """A published news article of ``unit``; ``image`` is its featured image."""
    return NewsArticleFactory(
        unit=unit,
        title=title,
        audience=audience,
        audience_units=units,
        featured_image=image,
        **fields,
    )


def draft_news(unit, title, *, user=None, **fields):
    """A news article of ``unit`` saved as a draft (by ``user``), never published."""
    return DraftNewsFactory(unit=unit, title=title, revision_user=user, **fields)


def publish_document(
    unit, number, document_type="NQ", *, audience=Audience.PUBLIC, units=(), files=(), **fields
):
    """A published party document of ``unit`` with ``files`` attached."""
    return PartyDocumentFactory(
        unit=unit,
        number=number,
        document_type=document_type,
        audience=audience,
        audience_units=units,
        files=files,
        **fields,
    )


def publish_quiz(unit, rules=(), *, units=(), **fields):
    """A published quiz in ``unit``'s learning list; ``rules`` are
    (category, difficulty, count)."""
    return QuizFactory(unit=unit, rules=rules, audience_units=units, **fields)


def make_question(unit, text, category=None, difficulty=Difficulty.MEDIUM, choices=None, **fields):
    """A question in ``unit``'s bank (by default in the statute category, with
    one correct choice of three); ``choices`` are (text, correct)."""
    if category is not None:
        fields["category"] = category
    if choices:
        fields["answers"] = choices
    return QuizQuestionFactory(unit=unit, text=text, difficulty=difficulty, **fields)
