"""Keep the audience tables in step with what is published and where it sits,
have saved files read for search, and keep study completions in step with
the lessons and final quizzes they count.

Connected by ``register_signal_handlers()``, called from ``AppConfig.ready()``,
each receiver with its senders (Wagtail sends page signals with the page's
specific class).
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from editorial.models import Unit
from editorial.signals import homes_wanted

from .archive.homes import write_unit_homes
from .localization import mirror_into_locales
from .models.audience import PageAudience, PageListing, refresh_privacy
from .models.base import UnitContentPage
from .models.documents import DocumentAttachment
from .models.feeds import touch_feeds
from .models.quiz_attempts import QuizAttempt
from .models.study import StudyLesson, StudyModule
from .signals import attempt_submitted
from .study import complete_with_final_quiz, lesson_module_id, move_lesson_progress
from .tasks import file_reading_deferred, refresh_module_completions_task, request_extraction


def content_page_models():
    """The concrete page types that carry an owning unit and an audience."""
    return [model for model in get_page_models() if issubclass(model, UnitContentPage)]


def sync_published_audience(sender, instance, **kwargs):
    if isinstance(instance, UnitContentPage):
        instance.sync_audience()
        if not instance.alias_of_id:
            # Pages published from code (not the admin) are mirrored too.
            mirror_into_locales(instance)


def sync_new_alias_audience(sender, instance, created=False, raw=False, **kwargs):
    """Creating an alias publishes it without a ``page_published`` signal, and a page
    with no audience row would count as public: give it its original's audience."""
    if created and not raw and isinstance(instance, UnitContentPage) and instance.alias_of_id:
        instance.sync_audience()


def resync_moved_pages(sender, instance, **kwargs):
    """A move can change the owning unit of the page and of everything below it."""
    moved = Page.objects.get(pk=instance.pk).get_descendants(inclusive=True)
    synced = PageAudience.objects.filter(page__in=moved).values_list("page_id", flat=True)
    for page in Page.objects.filter(pk__in=synced).specific():
        if isinstance(page, UnitContentPage):
            page.sync_audience()


# Feed versions (models/feeds.py): publishing a content page stamps its
# owner's feeds in ``sync_audience``; these stamp the other changes.


def page_owner_paths(page_ids):
    """The owning units' paths of pages; a page with no owner (a unit's home,
    a list) counts as owned everywhere ("")."""
    owned = dict(
        PageAudience.objects.filter(page_id__in=page_ids).values_list("page", "unit_path")
    )
    return {owned.get(pk, "") for pk in page_ids}


def page_withdrawn(sender, instance, **kwargs):
    """Unpublished, or a live page deleted: its owner's listings change (and
    the reader index no longer lists it)."""
    if kwargs.get("signal") is page_unpublished:
        PageAudience.objects.filter(page_id=instance.pk).update(live=False)
    elif not instance.live:
        return
    touch_feeds(page_owner_paths([instance.pk]))


def other_page_published(sender, instance, **kwargs):
    """A page that is not unit content (a unit's home, a list) shows in
    unscoped listings and breadcrumbs everywhere."""
    if not isinstance(instance, UnitContentPage):
        touch_feeds(everywhere=True)


def changed_everywhere(sender, instance=None, raw=False, **kwargs):
    """A move can change listings anywhere."""
    if not raw:
        touch_feeds(everywhere=True)


def restriction_changed(sender, instance, raw=False, **kwargs):
    """A view restriction hides (or, removed, shows again) the pages at and
    below its page, and their aliases, in every listing."""
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        subtree = Page.objects.filter(path__startswith=page.path).values("pk")
        affected = Page.objects.filter(Q(pk__in=subtree) | Q(alias_of__in=subtree))
        refresh_privacy(list(affected.values_list("pk", flat=True)))
    touch_feeds(everywhere=True)


def listing_changed(sender, instance, raw=False, **kwargs):
    """A promotion listed in (or taken off) a unit's feed."""
    if raw:
        return
    # By id: when the unit itself is being deleted, its row may be gone.
    path = Unit.objects.filter(pk=instance.unit_id).values_list("path", flat=True).first()
    touch_feeds([path or ""])
    if kwargs.get("created"):
        # Promoted into a feed, the page is new there: sync sends it again.
        PageAudience.objects.filter(page_id=instance.page_id).update(
            last_published_at=timezone.now()
        )


def read_saved_files(sender, instance, raw=False, **kwargs):
    """Every saved file is read for search, however it was saved (admin, API,
    shell); a file already read at the same hash is not read again. A bulk
    writer (``tasks.deferred_file_reading``) queues the reading itself."""
    if not raw and instance.file and not file_reading_deferred():
        request_extraction(instance)


def read_attached_file(sender, instance, raw=False, **kwargs):
    """A file attached to a party document is read (unless already read at its hash)."""
    if not raw:
        request_extraction(instance.document)


# Study progress


def refresh_completions_after_commit(module_id):
    """Queue the module's completion refresh once the transaction commits: a
    module being deleted together with its lessons is gone by then and is
    skipped, instead of getting new completion rows."""
    transaction.on_commit(lambda: refresh_module_completions_task.enqueue(module_id))


def lessons_changed(sender, instance, **kwargs):
    """Adding a lesson uncompletes the members who have not opened it; removing
    one may complete members who had opened all the others."""
    module_id = lesson_module_id(instance)
    if module_id:
        refresh_completions_after_commit(module_id)


def module_published(sender, instance, **kwargs):
    """The final quiz may have been set, changed or removed."""
    refresh_completions_after_commit(instance.pk)


def lesson_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A lesson moved to another module counts there, no longer in the first."""
    if parent_page_before.pk == parent_page_after.pk:
        return
    move_lesson_progress(instance, parent_page_after)
    for module_id in (parent_page_before.pk, parent_page_after.pk):
        refresh_completions_after_commit(module_id)


def final_quiz_submitted(sender, attempt, **kwargs):
    """A passed final quiz may complete the modules that name it."""
    complete_with_final_quiz(attempt)


def register_signal_handlers():
    for model in content_page_models():
        page_published.connect(
            sync_published_audience, sender=model, dispatch_uid="content_types_sync_audience"
        )
        post_save.connect(
            sync_new_alias_audience, sender=model, dispatch_uid="content_types_alias_audience"
        )
    # Moving any page (a unit's home, a list) can move content pages below it.
    for model in get_page_models():
        post_page_move.connect(
            resync_moved_pages, sender=model, dispatch_uid="content_types_resync_moved"
        )
        post_page_move.connect(
            changed_everywhere, sender=model, dispatch_uid="content_types_feeds_moved"
        )
        page_unpublished.connect(
            page_withdrawn, sender=model, dispatch_uid="content_types_feeds_unpublished"
        )
        page_published.connect(
            other_page_published, sender=model, dispatch_uid="content_types_feeds_published"
        )
    pre_delete.connect(page_withdrawn, sender=Page, dispatch_uid="content_types_feeds_deleted")
    homes_wanted.connect(write_unit_homes, sender=Unit, dispatch_uid="content_types_unit_homes")
    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid="content_types_feeds_restricted",
        )
        signal.connect(
            listing_changed, sender=PageListing, dispatch_uid="content_types_feeds_listed"
        )
    post_save.connect(
        read_saved_files, sender=get_document_model(), dispatch_uid="content_types_read_files"
    )
    post_save.connect(
        read_attached_file, sender=DocumentAttachment, dispatch_uid="content_types_read_attached"
    )
    # Study progress
    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(
            lessons_changed, sender=StudyLesson, dispatch_uid="content_types_study_lessons"
        )
    page_published.connect(
        module_published, sender=StudyModule, dispatch_uid="content_types_study_module"
    )
    post_page_move.connect(
        lesson_moved, sender=StudyLesson, dispatch_uid="content_types_study_lesson_moved"
    )
    attempt_submitted.connect(
        final_quiz_submitted, sender=QuizAttempt, dispatch_uid="content_types_study_final_quiz"
    )
