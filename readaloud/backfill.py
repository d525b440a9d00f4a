"""Making the audio of pages published before read-aloud, or lost: what
``manage.py make_audio`` runs.

A ``Backfill`` walks the live spoken pages in id order, a chunk at a time (the
memory stays flat over any archive), and for each page either makes its audio
here (``making.make_audio``) or queues it for the workers
(``tasks.request_audio``). ``missing`` pages are those whose audio is not
current (no row, queued, failed, or the words or the voice changed): a re-run
picks up where the last one stopped. ``Tally`` counts what happened and the
CPU it cost, espeak-ng's and ffmpeg's included (they run as child processes).
"""

import resource
import time
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import reset_queries
from django.utils.translation import gettext as _

from .making import is_current, make_audio, recording_of, spoken_hash, spoken_pages
from .models import AUDIO_FOLDER, AudioState, PageAudio
from .tasks import request_audio

#: Pages read from the database at a time.
CHUNK_SIZE = 200
#: Failure reasons kept for the summary.
REASONS_KEPT = 5


def cpu_seconds():
    """CPU used so far by this process and the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Tally:
    """What a backfill did so far."""

    total: int = 0
    made: int = 0
    reused: int = 0
    failed: int = 0
    current: int = 0
    queued: int = 0
    gone: int = 0
    audio_seconds: float = 0.0
    reasons: list = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    cpu_started: float = field(default_factory=cpu_seconds)

    @property
    def done(self):
        return self.made + self.reused + self.failed + self.current + self.queued + self.gone

    @property
    def elapsed(self):
        return time.monotonic() - self.started

    @property
    def cpu(self):
        return cpu_seconds() - self.cpu_started

    @property
    def pages_per_second(self):
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta_seconds(self):
        rate = self.pages_per_second
        return (self.total - self.done) / rate if rate > 0 else None


class Backfill:
    """The audio of the live spoken pages: ``everything`` (remade even when
    current) or only the missing; under ``unit`` (its subtree) when given,
    from page id ``from_page`` on; made here, or queued when ``queue``."""

    def __init__(self, *, everything=False, unit=None, from_page=None, queue=False):
        self.everything = everything
        self.unit = unit
        self.from_page = from_page
        self.queue = queue
        self.tally = Tally()
        #: The page being worked on: where an interrupted run resumes.
        self.page_id = None
        # Files made by this run: a second page that says the same words
        # reuses the file instead of making it again, even with ``everything``.
        self._made_here = set()

    def pages(self):
        pages = spoken_pages()
        if self.unit is not None:
            pages = pages.filter(audience_row__unit_path__startswith=self.unit.path)
        if self.from_page is not None:
            pages = pages.filter(pk__gte=self.from_page)
        return pages

    def chunks(self):
        """The pages, specific, in id order, ``CHUNK_SIZE`` at a time."""
        last = None
        while True:
            ids = self.pages().order_by("pk")
            if last is not None:
                ids = ids.filter(pk__gt=last)
            ids = list(ids.values_list("pk", flat=True)[:CHUNK_SIZE])
            if not ids:
                return
            pages = {page.pk: page for page in self.pages().filter(pk__in=ids).specific()}
            rows = {row.page_id: row for row in PageAudio.objects.filter(page_id__in=ids)}
            yield [(pages[pk], rows.get(pk)) for pk in ids if pk in pages]
            last = ids[-1]
            reset_queries()  # DEBUG keeps every query otherwise

    def run(self, on_page=None):
        """Go through every page; ``on_page(tally)`` after each one."""
        self.tally.total = self.pages().count()
        for chunk in self.chunks():
            for page, row in chunk:
                self.page_id = page.pk
                self.one(page, row)
                if on_page is not None:
                    on_page(self.tally)
        self.page_id = None
        return self.tally

    def one(self, page, row):
        tally = self.tally
        if row is not None and not self.everything and is_current(row, page):
            tally.current += 1
            return
        if self.queue:
            request_audio(page, force=self.everything)
            tally.queued += 1
            return
        digest = spoken_hash(page)
        reused = recording_of(page) is not None or (
            (not self.everything or digest in self._made_here)
            and default_storage.exists(f"{AUDIO_FOLDER}/{digest}.ogg")
        )
        made = make_audio(page.pk, force=self.everything and not reused)
        if made is None:
            tally.gone += 1
        elif made.state == AudioState.FAILED:
            tally.failed += 1
            if len(tally.reasons) < REASONS_KEPT:
                tally.reasons.append((page.pk, made.problem))
        elif reused:
            tally.reused += 1
        else:
            tally.made += 1
            tally.audio_seconds += made.duration_seconds or 0
            self._made_here.add(made.spoken_hash)


def clock(seconds):
    """``1:02:03`` or ``2:03`` for a number of seconds."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(tally):
    eta = tally.eta_seconds
    return _(
        "%(done)d/%(total)d pages, %(failed)d failed, %(rate).2f pages/s, "
        "%(audio)s of audio made, ETA %(eta)s"
    ) % {
        "done": tally.done,
        "total": tally.total,
        "failed": tally.failed,
        "rate": tally.pages_per_second,
        "audio": clock(tally.audio_seconds),
        "eta": clock(eta) if eta is not None else "?",
    }


class Progress:
    """The progress line, given to ``write(text)`` (which adds nothing to it):
    rewritten in place on a terminal (``tty``), else a new line every
    ``every_pages`` pages or ``every_seconds`` seconds, so that a log stays
    readable."""

    def __init__(self, write, *, tty, every_pages=50, every_seconds=5.0):
        self.write = write
        self.tty = tty
        self.every_pages = every_pages
        self.every_seconds = every_seconds
        self._last_time = time.monotonic()
        self._last_done = 0

    def __call__(self, tally):
        if self.tty:
            self.write("\r" + progress_line(tally) + "\033[K")
            return
        now = time.monotonic()
        if (
            tally.done - self._last_done >= self.every_pages
            or now - self._last_time >= self.every_seconds
            or tally.done == tally.total
        ):
            self.write(progress_line(tally) + "\n")
            self._last_time, self._last_done = now, tally.done

    def finish(self):
        if self.tty:
            self.write("\n")
