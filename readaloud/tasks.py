"""Audio is made by the worker: queued when a page is published, and again
when its queue entry was lost."""

import datetime

from django.utils import timezone
from django_tasks import task

from .making import is_current, make_audio
from .models import AudioState, PageAudio

#: A page still queued after this long has lost its task: it is queued again.
STALE_QUEUE = datetime.timedelta(minutes=10)

#: Workers take audio after everything else (files to read, search changes,
#: e-mail): a hundred pages published at once never delay those.
AUDIO_PRIORITY = -10


@task(priority=AUDIO_PRIORITY)
def make_page_audio(page_id, force=False):
    """Make the audio of page ``page_id`` (``making.make_audio``); returns its
    state, or None when the page is not read aloud."""
    row = make_audio(page_id, force=force)
    return row.state if row else None


def request_audio(page, *, force=False):
    """Queue making ``page``'s audio, unless what it says is already made (a
    republish with no change costs nothing). The row shows "queued" meanwhile,
    and the API gives no audio until it is made. With the database backend the
    task is queued in the publish's own transaction: a rolled-back publish
    queues nothing."""
    row = PageAudio.objects.filter(page_id=page.pk).first()
    if row is not None and not force and is_current(row, page):
        return row
    row, _created = PageAudio.objects.update_or_create(
        page_id=page.pk,
        defaults={"state": AudioState.QUEUED, "problem": "", "queued_at": timezone.now()},
    )
    make_page_audio.enqueue(page.pk, force)
    return row


def requeue_stale_audio():
    """Queue again the pages whose audio has been queued for longer than
    ``STALE_QUEUE`` (their task failed or was lost); returns how many."""
    stale = PageAudio.objects.filter(
        state=AudioState.QUEUED, queued_at__lt=timezone.now() - STALE_QUEUE
    )
    page_ids = list(stale.values_list("page_id", flat=True))
    stale.update(queued_at=timezone.now())
    for page_id in page_ids:
        make_page_audio.enqueue(page_id)
    return len(page_ids)
