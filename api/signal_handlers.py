"""Write the sync log: every publish, unpublish and delete of a page."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from content_types.models import PageAudience

from .models import ChangeKind, PageChange


def _record(page, kind):
    row = PageAudience.objects.filter(page_id=page.pk).prefetch_related("reader_scopes").first()
    PageChange.objects.create(
        page_id=page.pk,
        kind=kind,
        content_type=page.content_type.model_class()._meta.label if page.content_type_id else "",
        audience=row.audience if row else "public",
        reader_paths=[scope.path for scope in row.reader_scopes.all()] if row else [],
    )


@receiver(page_published)
def log_published(sender, instance, **kwargs):
    _record(instance, ChangeKind.PUBLISHED)


@receiver(page_unpublished)
def log_unpublished(sender, instance, **kwargs):
    _record(instance, ChangeKind.UNPUBLISHED)


@receiver(pre_delete, sender=Page)
def log_deleted(sender, instance, **kwargs):
    # Before the delete cascades, while the audience row still exists. A page
    # that was never live was never synced: no tombstone.
    if instance.first_published_at is not None:
        _record(instance, ChangeKind.DELETED)
