"""The audio a page is read aloud with: made by the worker, or recorded by a person.

One ``PageAudio`` row per live page that has something to say (news, lessons,
documents). A generated file is named by the hash of what it says and the
voice (``audio/<hash>.ogg``), so pages that say the same words (a page and
its mirror in another language, a republish with no change) share one file
and nothing is made twice; a file no row names any more is removed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string

#: Where generated audio is stored under ``MEDIA_ROOT`` (``api.media`` serves it
#: behind the audience of the pages that use it).
AUDIO_FOLDER = "audio"


class AudioState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    MADE = "made", _("Made")
    FAILED = "failed", _("Failed")


class AudioSource(models.TextChoices):
    GENERATED = "generated", _("Generated")
    RECORDED = "recorded", _("Recorded")


class PageAudioQuerySet(models.QuerySet):
    def playable(self):
        return self.filter(state=AudioState.MADE)

    def file_in_use(self, name):
        """Whether any row still plays the generated file ``name``."""
        return bool(name) and self.filter(file=name).exists()


class PageAudio(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="audio_track"
    )
    state = models.CharField(
        _("state"), max_length=8, choices=AudioState.choices, default=AudioState.QUEUED
    )
    source = models.CharField(
        _("source"), max_length=9, choices=AudioSource.choices, default=AudioSource.GENERATED
    )
    # What the file says: the hash of the spoken script and the voice, or of
    # the recording's file.
    spoken_hash = models.CharField(max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=AUDIO_FOLDER, max_length=200, blank=True)
    recording = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("recording"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    bytes = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)
    # Any change readers may need to fetch again (sync reports it).
    changed_at = models.DateTimeField(_("changed at"), auto_now=True, db_index=True)

    objects = PageAudioQuerySet.as_manager()

    class Meta:
        verbose_name = _("page audio")
        verbose_name_plural = _("page audio")

    def __str__(self):
        return f"{self.page_id}: {self.get_state_display()}"

    @property
    def playable(self):
        return self.state == AudioState.MADE and bool(self.file or self.recording_id)
