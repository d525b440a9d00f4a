"""Background work for content: reading the text of attached files, and
indexing pages written in bulk.

Run by django-tasks (Wagtail's task framework): in-process at once with the
immediate backend, by a worker with the database backend. Tasks take ids,
not objects, and are safe to run again: each run replaces what the last one
stored.
"""

import logging
from collections import defaultdict
from contextlib import contextmanager

from asgiref.local import Local
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from modelsearch.backends import get_search_backends_with_name
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index

from editorial.batching import chunks

from .extraction import extract_text
from .models.documents import AttachmentText, PartyDocument
from .models.study import StudyModule
from .quizzes import close_expired_attempts
from .signals import pages_bulk_written
from .study import refresh_module_completions

logger = logging.getLogger(__name__)


@task()
def extract_attachment_text(document_id):
    """Read a document's file into its ``AttachmentText`` and reindex the pages
    that attach it. Unreadable files are flagged, not removed."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return None
    try:
        with document.open_file() as fileobj:
            result = extract_text(fileobj)
    except OSError as error:
        logger.warning("Cannot open document %s: %s", document_id, error)
        status, text, problem = AttachmentText.Status.UNREADABLE, "", "file missing"
    else:
        status = (
            AttachmentText.Status.EXTRACTED
            if result.readable
            else AttachmentText.Status.UNREADABLE
        )
        text, problem = result.text, result.problem
    AttachmentText.objects.update_or_create(
        document=document,
        defaults={
            "status": status,
            "text": text,
            "problem": problem,
            "source_hash": document.file_hash,
            "extracted_at": timezone.now(),
        },
    )
    for page in PartyDocument.objects.filter(attachments__document=document).distinct():
        index.insert_or_update_object(page)
    return status


def request_extraction(document, force=False):
    """Queue reading ``document`` unless its current file was already read.

    Marks the row pending first, so that the admin shows the file is waiting
    while a worker is busy.
    """
    row = AttachmentText.objects.filter(document=document).first()
    fresh = (
        row is not None
        and row.status != AttachmentText.Status.PENDING
        and document.file_hash
        and row.source_hash == document.file_hash
    )
    if fresh and not force:
        return None
    AttachmentText.objects.update_or_create(
        document=document, defaults={"status": AttachmentText.Status.PENDING}
    )
    return extract_attachment_text.enqueue(document.pk)


def requeue_waiting_files():
    """Queue the reading of every file still waiting for it whose task is no
    longer queued or running (it failed, or was lost): no file stays
    "waiting to be read" for ever. Returns how many were queued again."""
    queued = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path=extract_attachment_text.module_path,
    ).values_list("args_kwargs", flat=True)
    queued_ids = {row["args"][0] for row in queued if row.get("args")}
    waiting = AttachmentText.objects.filter(status=AttachmentText.Status.PENDING)
    document_ids = list(
        waiting.exclude(document_id__in=queued_ids).values_list("document_id", flat=True)
    )
    for document_id in document_ids:
        extract_attachment_text.enqueue(document_id)
    return len(document_ids)


_reading_deferred = Local()


@contextmanager
def deferred_file_reading():
    """Saved files are not read while this lasts (in this thread): a bulk
    writer queues their reading itself once its transaction has committed.
    Like Wagtail's ``disable_reference_index_auto_update``."""
    _reading_deferred.value = True
    try:
        yield
    finally:
        del _reading_deferred.value


def file_reading_deferred():
    """Whether saved files wait for their writer to queue their reading."""
    return getattr(_reading_deferred, "value", False)


# Deferred indexing of pages written in bulk (the archive import)

#: Pages fetched and sent to a search backend at a time.
INDEX_BATCH_SIZE = 500


def _page_ids_by_model(page_ids):
    """Group page ids by their specific model, in a query per chunk of ids."""
    by_content_type = defaultdict(list)
    ids = sorted(set(page_ids))
    for start in range(0, len(ids), INDEX_BATCH_SIZE * 4):
        chunk = ids[start : start + INDEX_BATCH_SIZE * 4]
        rows = Page.objects.filter(pk__in=chunk).values_list("pk", "content_type_id")
        for pk, content_type_id in rows:
            by_content_type[content_type_id].append(pk)
    for content_type_id, pks in by_content_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            yield model, pks


@task()
def index_pages(page_ids):
    """Index ``page_ids`` in every auto-updated search backend, a batch at a time.

    What bulk writers queue instead of Wagtail's index update on each page
    save. A backend reached over the network (OpenSearch) logs its failures
    and goes on, as Wagtail's own signal handler does; the database backend
    raises. Returns the number of pages sent. Then, whatever happened here,
    sends ``pages_bulk_written`` for the other indexes (search's outbox).
    """
    try:
        return _index_in_backends(page_ids)
    finally:
        pages_bulk_written.send(sender=Page, page_ids=page_ids)


def _index_in_backends(page_ids):
    backends = list(get_search_backends_with_name(with_auto_update=True))
    sent = 0
    for model, pks in _page_ids_by_model(page_ids):
        if not issubclass(model, index.Indexed):
            continue
        for chunk in chunks(pks, INDEX_BATCH_SIZE):
            pages = list(model.get_indexed_objects().filter(pk__in=chunk))
            for name, backend in backends:
                try:
                    backend.add_bulk(model, pages)
                except Exception:
                    logger.exception("Cannot index %d %s pages in %s", len(pages), model, name)
                    if not backend.catch_indexing_errors:
                        raise
            sent += len(pages)
    return sent


@task()
def update_page_references(page_ids):
    """Record what ``page_ids`` link to (documents, pages) in Wagtail's
    reference index, which the admin's "usage" screens read."""
    for model, pks in _page_ids_by_model(page_ids):
        if not ReferenceIndex.is_indexed(model):
            continue
        for chunk in chunks(pks, INDEX_BATCH_SIZE):
            for page in model.objects.filter(pk__in=chunk):
                ReferenceIndex.create_or_update_for_object(page)


# Study completions


@task()
def refresh_module_completions_task(module_id):
    """Re-apply the study completion rule to every member of one module
    (``content_types.study.refresh_module_completions``); returns ``(added,
    removed)``, or None when the module is gone by then."""
    module = StudyModule.objects.filter(pk=module_id).first()
    if module is None:
        return None
    return refresh_module_completions(module)


# Quiz attempts whose time ran out


@task()
def close_expired_quiz_attempts():
    """Close and score, on their saved answers, the quiz attempts whose time
    ran out without a submission, so rankings count them; returns how many
    were closed. Scheduled every few minutes (docs/operations.md); safe to run
    again."""
    return close_expired_attempts()
