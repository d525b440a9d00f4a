"""Page details for reader apps: the listing item (``summaries``) plus the body.

Details render the StreamField body as structured JSON, with rich text
expanded and links made absolute.
"""

import re

from django.urls import reverse
from wagtail.rich_text import expand_db_html

from content_types.blocks import (
    READABLE_PAGE_IDS,
    READABLE_PAGES,
    readable_links,
    rich_text_page_ids,
    unlink_pages,
)
from content_types.models import (
    Audience,
    NewsArticle,
    PageAudience,
    PartyDocument,
    Quiz,
    StudyLesson,
    StudyModule,
)
from readaloud.models import PageAudio
from readaloud.script import SPOKEN_PAGE_TYPES

from .locales import is_fallback
from .summaries import Items, row_of_page
from .visibility import readable_pages

_RELATIVE_LINK = re.compile(r'(href|src)="/(?!/)')


def absolute_links(html, request):
    base = request.build_absolute_uri("/")
    return _RELATIVE_LINK.sub(lambda match: f'{match.group(1)}="{base}', html)


def reader_rich_text(html, request, readable_ids):
    """Stored rich text as HTML for readers: absolute links, and no link to a
    page outside ``readable_ids`` (its address would name it)."""
    return absolute_links(expand_db_html(unlink_pages(html, readable_ids)), request)


def stream_json(stream_value, request):
    """A StreamField as ``[{"type", "id", "value"}]``; rich text as HTML with absolute links.

    Links to pages the caller may not read are left out (a document block
    becomes null, a rich-text link its bare text); the linked pages are
    checked in one query for the whole body.
    """
    context = {"request": request, READABLE_PAGES: readable_pages(request.user)}
    readable = readable_links(stream_value, context)
    context[READABLE_PAGE_IDS] = readable
    blocks = []
    for child in stream_value:
        if child.block_type == "paragraph":
            value = reader_rich_text(child.value.source, request, readable)
        else:
            value = child.block.get_api_representation(child.value, context=context)
            if child.block_type == "image" and value:
                value["url"] = request.build_absolute_uri(value["url"])
                value["thumbnail"] = request.build_absolute_uri(value["thumbnail"])
        blocks.append({"type": child.block_type, "id": child.id, "value": value})
    return blocks


def page_detail(page, request, files):
    """The detail: the listing item plus the body and the type's own fields."""
    unit = PageAudience.objects.filter(page_id=page.pk).select_related("unit").first()
    images = {}
    if isinstance(page, NewsArticle) and page.featured_image_id:
        images = {page.featured_image_id: page.featured_image}
    item = Items(request).item(row_of_page(page, unit.unit if unit else None), images)
    item["audience"] = unit.audience if unit else Audience.PUBLIC
    if isinstance(page, NewsArticle | PartyDocument | StudyLesson):
        item["body"] = stream_json(page.body, request)
    if isinstance(page, SPOKEN_PAGE_TYPES):
        item["audio"] = audio_summary(
            PageAudio.objects.filter(page_id=page.pk).select_related("recording").first(),
            request,
        )
    if isinstance(page, StudyLesson):
        item["estimated_minutes"] = page.estimated_minutes
        item.update(lesson_place(page))
    if isinstance(page, NewsArticle):
        item.update(source_name=page.source_name, source_url=page.source_url)
    elif isinstance(page, PartyDocument):
        item.update(
            issuing_body=page.issuing_body,
            signer=page.signer,
            effective_on=page.effective_on.isoformat() if page.effective_on else None,
            attachments=[
                {
                    "id": attachment.document_id,
                    "title": attachment.title or attachment.document.title,
                    "url": request.build_absolute_uri(attachment.document.url),
                    "file_size": attachment.document.file_size,
                }
                for attachment in page.attachments.select_related("document")
                if attachment.document_id in files
            ],
            relations=document_relations(page, request),
        )
    elif hasattr(page, "intro"):
        linked = rich_text_page_ids(page.intro)
        final_quiz = getattr(page, "final_quiz_id", None)
        if final_quiz:
            linked.add(final_quiz)
        readable = set(
            readable_pages(request.user).filter(pk__in=linked).values_list("pk", flat=True)
            if linked
            else ()
        )
        item["intro"] = reader_rich_text(page.intro, request, readable)
        if isinstance(page, Quiz):
            item.update(quiz_facts(page))
        elif isinstance(page, StudyModule):
            item.update(module_facts(page, final_quiz if final_quiz in readable else None))
    return item


def document_relations(document, request):
    """The documents this one amends, replaces, implements or guides, and those
    that do so to it, that the caller may read (three queries). The label reads
    from this document: "Amends 05-NQ/TU", "Amended by 619-BC/ĐUK"."""
    related = document.related_documents()
    readable = set(
        readable_pages(request.user)
        .filter(pk__in=[other.pk for _label, other, _kind in related])
        .values_list("pk", flat=True)
    )
    return [
        {
            "id": other.pk,
            "label": str(label),
            "kind": kind,
            "number": other.number,
            "title": other.title,
        }
        for label, other, kind in related
        if other.pk in readable
    ]


def _iso(value):
    return value.isoformat() if value else None


def corrections_shown(quiz):
    """When a member sees the answers of their attempt: once they submit it,
    or for a contest once it closes (``content_types.quizzes.corrections``)."""
    return "after_close" if quiz.is_contest else "after_submit"


def quiz_facts(quiz):
    """What the app shows before a quiz starts, the same for every reader.

    The caller's own standing (status, attempts used) is per user, so it is
    not in the detail (cached per audience): ``GET /api/quizzes/<id>/attempts/``.
    """
    return {
        "time_limit_minutes": quiz.time_limit_minutes,
        "opens_at": _iso(quiz.opens_at),
        "closes_at": _iso(quiz.closes_at),
        "attempts_allowed": quiz.attempts_allowed,
        "pass_mark": quiz.pass_mark,
        "is_contest": quiz.is_contest,
        "required_role": quiz.required_role or None,
        "question_count": quiz.question_count,
        "corrections": corrections_shown(quiz),
    }


def lesson_place(lesson):
    """A lesson's module (``{id, title}``) and the next published lesson's id
    (null after the last), so an app opened on the lesson alone, from search
    or a link, can lead on; two queries. Its readers are the module's."""
    module = lesson.get_parent()
    next_lesson = (
        StudyLesson.objects.child_of(module)
        .live()
        .filter(path__gt=lesson.path)
        .order_by("path")
        .values_list("pk", flat=True)
        .first()
    )
    return {"module": {"id": module.pk, "title": module.title}, "next_lesson": next_lesson}


def module_facts(module, final_quiz_id):
    """A study module's schedule and size; ``final_quiz_id`` is None unless the
    caller may read the module's final quiz."""
    return {
        "estimated_minutes": module.estimated_minutes,
        "opens_on": _iso(module.opens_on),
        "due_on": _iso(module.due_on),
        "final_quiz": final_quiz_id,
        "lessons_count": module.lessons().count(),
    }


def audio_summary(row, request):
    """The page's read-aloud audio, or None while it is being made (or failed).

    ``url`` is a file behind the page's own audience: generated audio under
    ``/media/audio/`` (``api.media``), a recording at its document address."""
    if row is None or not row.playable:
        return None
    file_url = row.recording.url if row.recording_id else row.file.url
    return {
        "url": request.build_absolute_uri(file_url),
        "duration_seconds": row.duration_seconds,
        "source": row.source,
        "bytes": row.bytes,
    }


def translations_of(page, request):
    """The item in the other languages the caller may read, one entry per language."""
    others = (
        readable_pages(request.user)
        .filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .select_related("locale")
        .only("pk", "alias_of_id", "locale__language_code")
        .order_by("locale__language_code")
    )
    return [
        {
            "locale": other.locale.language_code,
            "id": other.pk,
            "fallback": is_fallback(other, other.locale.language_code),
            "detail_url": request.build_absolute_uri(
                reverse("api_v2:pages:detail", args=[other.pk])
            ),
        }
        for other in others
    ]
