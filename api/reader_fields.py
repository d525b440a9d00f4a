"""``?fields=`` fields that depend on the caller, for study modules and quizzes.

Wagtail serialises a model's fields as stored: rich text as database HTML
(which names every linked page by id) and a foreign key as the related
object. A reader must not learn of a page they may not read that way, so
these fields apply the same rule as the compact detail
(``representation.page_detail``): rich text with absolute links and no link
to a page outside the caller's readable pages (``READABLE_PAGES`` in the
serialiser context, see ``ReaderPagesAPIViewSet.get_serializer_context``),
and a final quiz only when the caller may read it.
"""

from rest_framework import serializers
from wagtail.api.conf import APIField

from content_types.blocks import READABLE_PAGES, rich_text_page_ids

from .representation import corrections_shown, reader_rich_text


def _readable_ids(context, ids):
    pages = context.get(READABLE_PAGES)
    if pages is None or not ids:
        return set()
    return set(pages.filter(pk__in=ids).values_list("pk", flat=True))


class ReaderRichTextField(serializers.Field):
    """Rich text as readers get it in the detail."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        readable = _readable_ids(self.context, rich_text_page_ids(value or ""))
        return reader_rich_text(value or "", self.context["request"], readable)


class ReadableQuizField(serializers.Field):
    """A module's final quiz id, or null when the caller may not read it."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="final_quiz_id", **kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return value if value in _readable_ids(self.context, {value}) else None


class LessonsCountField(serializers.Field):
    """A module's published lessons (a lesson is read by its module's readers)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, module):
        return module.lessons().count()


class CorrectionsShownField(serializers.Field):
    """When answers are shown: ``after_submit``, or ``after_close`` (contests)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, quiz):
        return corrections_shown(quiz)


class OptionalChoiceField(serializers.Field):
    """A choice left blank as null, as in the detail."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


def intro_field():
    return APIField("intro", serializer=ReaderRichTextField())


LESSON_FIELDS = ["body", "estimated_minutes"]

MODULE_FIELDS = [
    intro_field(),
    "estimated_minutes",
    "opens_on",
    "due_on",
    APIField("final_quiz", serializer=ReadableQuizField()),
    APIField("lessons_count", serializer=LessonsCountField()),
]

QUIZ_FIELDS = [
    intro_field(),
    "time_limit_minutes",
    "opens_at",
    "closes_at",
    "attempts_allowed",
    "pass_mark",
    "is_contest",
    APIField("required_role", serializer=OptionalChoiceField()),
    APIField("question_count", serializer=serializers.IntegerField(read_only=True)),
    APIField("corrections", serializer=CorrectionsShownField()),
]
