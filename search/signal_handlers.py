"""Every change that alters what search shows becomes an outbox row.

Connected by ``register_signal_handlers()``, called from ``AppConfig.ready()``,
each receiver with its senders (Wagtail sends page signals with the page's
specific class).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from content_types.models import AnswerEntry
from content_types.models.audience import PageAudience
from content_types.models.documents import AttachmentText, DocumentAttachment
from content_types.signals import pages_bulk_written
from editorial.models import Unit

from .records import PAGE_KINDS, answer_key, page_key
from .service import unit_names
from .tasks import queue_changes

SEARCHABLE_PAGES = tuple(PAGE_KINDS)


def searchable_page_models():
    """The concrete page types search shows (and their subclasses)."""
    return [model for model in get_page_models() if issubclass(model, SEARCHABLE_PAGES)]


def page_changed(sender, instance, **kwargs):
    if isinstance(instance, SEARCHABLE_PAGES):
        queue_changes([page_key(instance.pk)])


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, SEARCHABLE_PAGES):
        queue_changes([page_key(instance.pk)])


def page_moved(sender, instance, **kwargs):
    """A move can change the owning unit of the page and of all below it."""
    moved = Page.objects.get(pk=instance.pk).get_descendants(inclusive=True)
    queue_changes(page_key(pk) for pk in moved.values_list("pk", flat=True))


def audience_changed(sender, instance, **kwargs):
    queue_changes([page_key(instance.page_id)])


def view_restriction_changed(sender, instance, raw=False, **kwargs):
    """A restriction added or lifted hides or shows the page and everything below it.

    Aliases are never indexed, so the restricted subtree is all there is to
    refresh. After a page delete cascades to its restriction, the subtree is
    gone and ``page_deleted`` has queued it already.
    """
    if raw:
        return
    restricted = Page.objects.filter(pk=instance.page_id).first()
    if restricted is not None:
        subtree = restricted.get_descendants(inclusive=True)
        queue_changes(page_key(pk) for pk in subtree.values_list("pk", flat=True))


def attachment_read(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pages = DocumentAttachment.objects.filter(document_id=instance.document_id)
    queue_changes(page_key(pk) for pk in pages.values_list("page_id", flat=True).distinct())


def answer_changed(sender, instance, **kwargs):
    queue_changes([answer_key(instance.pk)])


def bulk_written(sender, page_ids, **kwargs):
    """Pages written in bulk (the archive import) sent no save signals."""
    queue_changes(page_key(pk) for pk in page_ids)


def register_signal_handlers():
    for model in searchable_page_models():
        page_published.connect(page_changed, sender=model, dispatch_uid="search_page_published")
        page_unpublished.connect(
            page_changed, sender=model, dispatch_uid="search_page_unpublished"
        )
        post_delete.connect(page_deleted, sender=model, dispatch_uid="search_page_deleted")
    # Moving any page (a unit's home, a list) can move searchable pages below it.
    for model in get_page_models():
        post_page_move.connect(page_moved, sender=model, dispatch_uid="search_page_moved")
    for signal in (post_save, post_delete):
        signal.connect(audience_changed, sender=PageAudience, dispatch_uid="search_audience")
        signal.connect(
            view_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid="search_view_restriction",
        )
        # Results and facets name units: a renamed unit is renamed there too.
        signal.connect(unit_names.clear, sender=Unit, dispatch_uid="search_unit_names")
    post_save.connect(attachment_read, sender=AttachmentText, dispatch_uid="search_attachment")
    published.connect(answer_changed, sender=AnswerEntry, dispatch_uid="search_answer_published")
    unpublished.connect(
        answer_changed, sender=AnswerEntry, dispatch_uid="search_answer_unpublished"
    )
    post_delete.connect(answer_changed, sender=AnswerEntry, dispatch_uid="search_answer_deleted")
    pages_bulk_written.connect(bulk_written, sender=Page, dispatch_uid="search_bulk_written")
