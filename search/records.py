"""Flatten what members search (news, party documents, study modules, ready
answers) into ``SearchRecord`` rows, keyed ``page:<id>`` or ``answer:<id>``.

``refresh(keys)`` brings the rows for ``keys`` up to date with the content:
a live item is written, anything else (draft, unpublished, deleted, an alias,
a page under a Wagtail view restriction) is removed. It is what both the
outbox task and the rebuild call.
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils.html import strip_tags
from wagtail.models import Page

from content_types.models import AnswerEntry, Audience, NewsArticle, PartyDocument, StudyModule
from content_types.models.audience import PageAudience, under_view_restriction
from content_types.models.documents import AttachmentText, DocumentAttachment

from .models import Kind, SearchRecord, SearchRecordScope
from .text import folded_columns

UPDATED_FIELDS = [
    "kind",
    "object_id",
    "title",
    "number",
    "number_value",
    "url",
    "unit",
    "unit_path",
    "unit_name",
    "document_type",
    "status",
    "date",
    "locale",
    "audience",
    "text",
    "attachment_text",
]
PAGE_KINDS = {PartyDocument: Kind.DOCUMENT, NewsArticle: Kind.NEWS, StudyModule: Kind.MODULE}


def page_key(page_id):
    return f"page:{page_id}"


def answer_key(answer_id):
    return f"answer:{answer_id}"


def split_key(key):
    source, _sep, pk = key.partition(":")
    return source, int(pk)


def searchable_pages(model):
    """The pages of ``model`` search may show: live originals (an alias is found
    through its original) under no view restriction. Restricted pages stay out
    of the records, so neither back end, nor a highlight, nor a suggestion,
    nor a facet count can reveal them (``under_view_restriction`` says why
    nobody passes a restriction here)."""
    return model.objects.filter(live=True, alias_of__isnull=True).exclude(under_view_restriction())


# Stored rich text escapes "<" in its text: every "<" opens a tag.
_TAG = re.compile(r"<[^>]*>")


def _without_tags(html):
    """``strip_tags`` for stored rich text, at a fraction of its cost (it runs
    an HTML parser over every paragraph of a rebuild's 250,000 pages)."""
    return _TAG.sub("", html)


def _raw_strings(data):
    if isinstance(data, str):
        yield _without_tags(data) if "<" in data else data
    elif isinstance(data, dict):
        # A block is {"type", "value", "id"}: only its value holds text.
        yield from _raw_strings(
            data["value"] if "type" in data and "value" in data else list(data.values())
        )
    elif isinstance(data, list):
        for item in data:
            yield from _raw_strings(item)


def _stream_text(value):
    """The words of a StreamField, read from its stored JSON: no block is
    rebuilt (nor its images fetched), which keeps a full rebuild fast."""
    if not value:
        return ""
    return " ".join(text for text in _raw_strings(list(value.raw_data)) if text.strip())


def _page_fields(page):
    if isinstance(page, PartyDocument):
        return {
            "number": page.number,
            "number_value": page.number_value,
            "document_type": page.document_type,
            "status": page.status,
            "date": page.issued_on,
            "text": "\n".join(filter(None, [page.summary, _stream_text(page.body)])),
        }
    if isinstance(page, NewsArticle):
        return {"date": page.date, "text": "\n".join([page.lead, _stream_text(page.body)])}
    return {
        "date": page.first_published_at.date() if page.first_published_at else None,
        "text": _without_tags(page.intro),
    }


def _attachment_texts(page_ids):
    rows = (
        DocumentAttachment.objects.filter(
            page_id__in=page_ids,
            document__extracted_text__status=AttachmentText.Status.EXTRACTED,
        )
        .order_by("page_id", "sort_order", "pk")
        .values_list("page_id", "document__extracted_text__text")
    )
    texts = {}
    for page_id, text in rows:
        texts.setdefault(page_id, []).append(text)
    return {page_id: "\n".join(parts) for page_id, parts in texts.items()}


def _page_urls(pages):
    """Each page's URL: its parent's and its slug. ``get_url`` reverses
    Wagtail's serve URL page by page; the pages of a list share their parent,
    whose URL is worked out once."""
    if not getattr(settings, "WAGTAIL_APPEND_SLASH", True):
        return {page.pk: page.get_url() or "" for page in pages}
    parent_urls = {
        parent.path: parent.get_url()
        for parent in Page.objects.filter(
            path__in={page.path[: -Page.steplen] for page in pages}
        ).select_related("locale")
    }
    urls = {}
    for page in pages:
        parent_url = parent_urls.get(page.path[: -Page.steplen])
        urls[page.pk] = f"{parent_url}{page.slug}/" if parent_url else page.get_url() or ""
    return urls


def _build_pages(page_ids):
    """Record values and reader paths for the live, indexed pages among ``page_ids``."""
    built = {}
    if not page_ids:
        return built
    audiences = {
        row.page_id: row
        for row in PageAudience.objects.filter(page_id__in=page_ids)
        .select_related("unit")
        .prefetch_related("reader_scopes")
    }
    attachments = _attachment_texts(page_ids)
    for model, kind in PAGE_KINDS.items():
        pages = list(searchable_pages(model).filter(pk__in=page_ids).select_related("locale"))
        urls = _page_urls(pages) if pages else {}
        for page in pages:
            row = audiences.get(page.pk)
            unit = row.unit if row else None
            fields = _page_fields(page)
            values = {
                "kind": kind,
                "object_id": page.pk,
                "title": page.title,
                "number": fields.get("number", ""),
                "number_value": fields.get("number_value"),
                "url": urls[page.pk],
                "unit": unit,
                "unit_path": row.unit_path if row else "",
                "unit_name": unit.name if unit else "",
                "document_type": fields.get("document_type", ""),
                "status": fields.get("status", ""),
                "date": fields["date"],
                "locale": page.locale.language_code,
                "audience": row.audience if row else Audience.PUBLIC,
                "text": fields["text"],
                "attachment_text": attachments.get(page.pk, ""),
            }
            paths = [scope.path for scope in row.reader_scopes.all()] if row else []
            built[page_key(page.pk)] = (values, paths)
    return built


def _build_answers(answer_ids):
    built = {}
    answers = AnswerEntry.objects.filter(pk__in=answer_ids, live=True).select_related(
        "unit", "locale"
    )
    for answer in answers:
        unit = answer.unit
        values = {
            "kind": Kind.ANSWER,
            "object_id": answer.pk,
            "title": answer.question,
            "number": "",
            "number_value": None,
            "url": "",
            "unit": unit,
            "unit_path": unit.path,
            "unit_name": unit.name,
            "document_type": "",
            "status": "",
            "date": answer.updated_at.date(),
            "locale": answer.locale.language_code,
            "audience": answer.audience,
            "text": strip_tags(answer.answer),
            "attachment_text": "",
        }
        paths = [unit.path] if answer.audience == Audience.UNIT else []
        built[answer_key(answer.pk)] = (values, paths)
    return built


@transaction.atomic
def refresh(keys):
    """Write the records for ``keys`` from the content; remove those no longer searchable.

    Returns ``(written, removed)``: ``(record, reader paths)`` pairs in key
    order, ready for the engine, and the removed keys.
    """
    keys = set(keys)
    page_ids = [pk for source, pk in map(split_key, keys) if source == "page"]
    answer_ids = [pk for source, pk in map(split_key, keys) if source == "answer"]
    built = {**_build_pages(page_ids), **_build_answers(answer_ids)}
    removed = sorted(keys - set(built))
    SearchRecord.objects.filter(key__in=removed).delete()
    written = []
    for key in sorted(built):
        values, paths = built[key]
        record = SearchRecord(
            key=key,
            **folded_columns(
                values["title"] or "",
                values["number"] or "",
                values["text"] or "",
                values["attachment_text"] or "",
            ),
            **values,
        )
        written.append((record, sorted(set(paths))))
    # One upsert by key: existing rows keep their id, and nothing is read first.
    SearchRecord.objects.bulk_create(
        [record for record, _paths in written],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=[*UPDATED_FIELDS, "folded", "folded_title", "folded_number", "updated_at"],
    )
    SearchRecordScope.objects.filter(record__in=[record.pk for record, _paths in written]).delete()
    SearchRecordScope.objects.bulk_create(
        SearchRecordScope(record=record, path=path) for record, paths in written for path in paths
    )
    return written, removed


def searchable_keys():
    """Every key that should be searchable now, pages first, in id order."""
    for model in PAGE_KINDS:
        ids = searchable_pages(model).values_list("pk", flat=True)
        yield from (page_key(pk) for pk in ids.order_by("pk").iterator())
    answer_ids = AnswerEntry.objects.filter(live=True).values_list("pk", flat=True)
    yield from (answer_key(pk) for pk in answer_ids.order_by("pk").iterator())
