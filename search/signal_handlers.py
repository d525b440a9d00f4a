"""Every change that alters what search shows becomes an outbox row."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tasks.signals import task_finished
from wagtail.models import Page, PageViewRestriction
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

from . import outbox
from .records import PAGE_KINDS, answer_key, page_key

SEARCHABLE_PAGES = tuple(PAGE_KINDS)


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    if isinstance(instance, SEARCHABLE_PAGES):
        outbox.queue([page_key(instance.pk)])


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, SEARCHABLE_PAGES):
        outbox.queue([page_key(instance.pk)])


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    """A move can change the owning unit of the page and of all below it."""
    moved = Page.objects.get(pk=instance.pk).get_descendants(inclusive=True)
    outbox.queue(page_key(pk) for pk in moved.values_list("pk", flat=True))


@receiver(post_save, sender=PageAudience)
@receiver(post_delete, sender=PageAudience)
def audience_changed(sender, instance, **kwargs):
    outbox.queue([page_key(instance.page_id)])


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
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
        outbox.queue(page_key(pk) for pk in subtree.values_list("pk", flat=True))


@receiver(post_save, sender=AttachmentText)
def attachment_read(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pages = DocumentAttachment.objects.filter(document_id=instance.document_id)
    outbox.queue(page_key(pk) for pk in pages.values_list("page_id", flat=True).distinct())


@receiver(published, sender=AnswerEntry)
@receiver(unpublished, sender=AnswerEntry)
def answer_changed(sender, instance, **kwargs):
    outbox.queue([answer_key(instance.pk)])


@receiver(post_delete, sender=AnswerEntry)
def answer_deleted(sender, instance, **kwargs):
    outbox.queue([answer_key(instance.pk)])


@receiver(task_finished)
def bulk_indexed(sender, task_result, **kwargs):
    """Pages written in bulk (the archive import) are indexed by ``index_pages``."""
    if task_result.task.module_path == "content_types.tasks.index_pages" and task_result.args:
        outbox.queue(page_key(pk) for pk in task_result.args[0])
