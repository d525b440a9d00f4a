"""Audio follows what is published: made on publish (when the words or the
recording changed), dropped on unpublish and delete, its file removed once no
page plays it. Connected by ``register_signal_handlers()`` from ``ready()``."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.signals import page_published, page_unpublished

from content_types.models import StudyLesson

from .making import discard_audio, remove_unused_file
from .models import PageAudio
from .script import SPOKEN_PAGE_TYPES
from .tasks import request_audio


def audio_on_publish(sender, instance, **kwargs):
    if settings.READALOUD_ON_PUBLISH:
        request_audio(instance)


def audio_for_new_alias(sender, instance, created=False, raw=False, **kwargs):
    """Creating an alias (a page mirrored into another language) publishes it
    without ``page_published``; its later updates send it."""
    if created and not raw and instance.alias_of_id and instance.live:
        audio_on_publish(sender, instance)


def audio_on_unpublish(sender, instance, **kwargs):
    discard_audio(instance.pk)


def file_after_row_deleted(sender, instance, **kwargs):
    remove_unused_file(instance.file.name)


def recording_replaced(sender, instance, created=False, raw=False, **kwargs):
    """A new file uploaded over a lesson's recording: its audio changes."""
    if created or raw or not settings.READALOUD_ON_PUBLISH:
        return
    for lesson in StudyLesson.objects.live().filter(audio=instance):
        request_audio(lesson)


def register_signal_handlers():
    for model in SPOKEN_PAGE_TYPES:
        page_published.connect(audio_on_publish, sender=model, dispatch_uid="readaloud_publish")
        page_unpublished.connect(
            audio_on_unpublish, sender=model, dispatch_uid="readaloud_unpublish"
        )
        post_save.connect(audio_for_new_alias, sender=model, dispatch_uid="readaloud_new_alias")
    post_delete.connect(
        file_after_row_deleted, sender=PageAudio, dispatch_uid="readaloud_row_deleted"
    )
    post_save.connect(
        recording_replaced, sender=get_document_model(), dispatch_uid="readaloud_recording"
    )
