"""Background work for content: reading the text of attached files.

Run by django-tasks (Wagtail's task framework): in-process at once with the
immediate backend, by a worker with the database backend. Tasks take ids,
not objects, and are safe to run again: each run replaces what the last one
stored.
"""

import logging

from django.utils import timezone
from django_tasks import task
from wagtail.documents import get_document_model
from wagtail.search import index

from .extraction import extract_text

logger = logging.getLogger(__name__)


@task()
def extract_attachment_text(document_id):
    """Read a document's file into its ``AttachmentText`` and reindex the pages
    that attach it. Unreadable files are flagged, not removed."""
    from .models.documents import AttachmentText, PartyDocument

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
    from .models.documents import AttachmentText

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
