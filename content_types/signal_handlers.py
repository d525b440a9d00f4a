"""Keep the audience tables in step with what is published and where it sits."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.signals import page_published, post_page_move

from .localization import mirror_into_locales
from .models.audience import PageAudience
from .models.base import UnitContentPage
from .tasks import request_extraction


@receiver(page_published)
def sync_published_audience(sender, instance, **kwargs):
    if isinstance(instance, UnitContentPage):
        instance.sync_audience()
        if not instance.alias_of_id:
            # Pages published from code (not the admin) are mirrored too.
            mirror_into_locales(instance)


@receiver(post_save)
def sync_new_alias_audience(sender, instance, created=False, raw=False, **kwargs):
    """Creating an alias publishes it without a ``page_published`` signal, and a page
    with no audience row would count as public: give it its original's audience."""
    if created and not raw and isinstance(instance, UnitContentPage) and instance.alias_of_id:
        instance.sync_audience()


@receiver(post_page_move)
def resync_moved_pages(sender, instance, **kwargs):
    """A move can change the owning unit of the page and of everything below it."""
    moved = Page.objects.get(pk=instance.pk).get_descendants(inclusive=True)
    synced = PageAudience.objects.filter(page__in=moved).values_list("page_id", flat=True)
    for page in Page.objects.filter(pk__in=synced).specific():
        if isinstance(page, UnitContentPage):
            page.sync_audience()


@receiver(post_save, sender=get_document_model())
def read_saved_files(sender, instance, raw=False, **kwargs):
    """Every saved file is read for search, however it was saved (admin, API,
    shell); a file already read at the same hash is not read again."""
    if not raw and instance.file:
        request_extraction(instance)
