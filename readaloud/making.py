"""Making a page's audio, and keeping only the files someone still plays.

``make_audio`` is what the worker runs (``tasks.make_page_audio``) and what
``manage.py make_audio`` runs in the foreground: it reads the page as it is
live now, and either points at the lesson's recording (a person's voice wins)
or makes the generated file, reusing one that says the same words in the same
voice. A failure is stored on the row with its reason, for the editors.
"""

import logging

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from content_types.models import StudyLesson

from .models import AUDIO_FOLDER, AudioSource, AudioState, PageAudio
from .script import SPOKEN_PAGE_TYPES, page_script, script_hash
from .synthesis import SpeechError, probe, speak_to_file

logger = logging.getLogger(__name__)


def recording_of(page):
    """The recording an editor attached to the page, if any."""
    if isinstance(page, StudyLesson) and page.audio_id:
        return page.audio
    return None


def recording_hash(recording):
    return f"recording:{recording.pk}:{recording.file_hash or recording.file.name}"


def spoken_hash(page):
    """What the page's audio must say now: decides whether it is current."""
    recording = recording_of(page)
    return recording_hash(recording) if recording else script_hash(page_script(page))


def is_current(row, page):
    return row.state == AudioState.MADE and row.spoken_hash == spoken_hash(page)


def spoken_pages():
    """Live pages that are read aloud, specific."""
    return Page.objects.live().type(*SPOKEN_PAGE_TYPES)


def remove_unused_file(name):
    """Delete the generated file ``name`` if no row plays it, once the
    transaction has committed (a rolled-back change keeps its file)."""

    def remove():
        if not PageAudio.objects.file_in_use(name):
            default_storage.delete(name)

    if name:
        transaction.on_commit(remove)


def discard_audio(page_id):
    """The page is no longer read (unpublished, deleted, not a spoken type)."""
    for row in PageAudio.objects.filter(page_id=page_id):
        row.delete()  # post_delete removes the file once unused


def make_audio(page_id, *, force=False):
    """Make (or confirm) the audio of live page ``page_id``; returns its row,
    or None when the page is not read aloud. ``force``: make the file again
    even when it is current (a "remake audio" from the admin)."""
    page = spoken_pages().filter(pk=page_id).specific().first()
    if page is None:
        discard_audio(page_id)
        return None
    row, _created = PageAudio.objects.get_or_create(page_id=page_id)
    before = row.file.name
    try:
        recording = recording_of(page)
        if recording is not None:
            _use_recording(row, recording)
        else:
            _use_generated(row, page_script(page), force=force)
    except SpeechError as error:
        logger.warning("Cannot make the audio of page %s: %s", page_id, error)
        row.state, row.problem = AudioState.FAILED, str(error)
        row.save()
        return row
    row.state, row.problem, row.made_at = AudioState.MADE, "", timezone.now()
    row.save()
    if before != row.file.name:
        remove_unused_file(before)
    return row


def _use_recording(row, recording):
    try:
        path = recording.file.path
    except (NotImplementedError, ValueError) as error:
        raise SpeechError(_("The recording's file cannot be opened.")) from error
    duration, has_audio = probe(path)
    if not has_audio or duration <= 0:
        raise SpeechError(_("The recording has no sound that can be played."))
    row.source, row.recording, row.file = AudioSource.RECORDED, recording, ""
    row.spoken_hash = recording_hash(recording)
    row.duration_seconds, row.bytes = round(duration, 2), recording.get_file_size()


def _use_generated(row, segments, *, force):
    if not segments:
        raise SpeechError(_("There is nothing to read aloud."))
    digest = script_hash(segments)
    name = f"{AUDIO_FOLDER}/{digest}.ogg"
    row.source, row.recording, row.spoken_hash = AudioSource.GENERATED, None, digest
    if default_storage.exists(name) and not force:
        # Made before, for this page or another that says the same words.
        duration, _audio = probe(default_storage.path(name))
        size = default_storage.size(name)
    else:
        with speak_to_file(segments) as made, made.path.open("rb") as fileobj:
            default_storage.delete(name)
            name = default_storage.save(name, File(fileobj))
        duration, size = made.duration_seconds, made.bytes
    row.file.name = name
    row.duration_seconds, row.bytes = round(duration, 2), size
