"""Recording reads and sign-ins without slowing reads.

``record_item_opened`` (called by the API's page detail) and ``record_sign_in``
(on Django's ``user_logged_in``) put an entry into this process's buffer: a
dictionary lookup, no query. Entries are deduplicated per (member, item, day)
and (member, day), and written in bulk (``bulk_create(ignore_conflicts=True)``:
a row written by another process, or earlier, is kept as it is) when

- the buffer holds ``READERSHIP_FLUSH_SIZE`` entries, or its oldest entry is
  ``READERSHIP_FLUSH_EVERY`` seconds old, checked at the next record;
- the process exits normally (``atexit``: gunicorn recycling a worker, a
  restart, the end of a command);
- the periodic job ``flush_reading_records`` runs in this process.

What is written is also remembered for the rest of the day, so a member
opening the same item again that day costs nothing at all. A process killed
without exiting (SIGKILL, a crash) loses its buffer: at most the records of
``READERSHIP_FLUSH_EVERY`` seconds (and fewer than ``READERSHIP_FLUSH_SIZE``
entries). docs/reading-figures.md says why that is acceptable.
"""

import atexit
import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone
from wagtail.models import Page

from .models import ItemRead, SignInDay

logger = logging.getLogger(__name__)

#: Entries remembered as written, per process, before the memory is dropped.
WRITTEN_MEMORY = 50_000


def recording_on():
    """``READERSHIP_RECORDING``: off in tests (tests/readership turn it on)."""
    return getattr(settings, "READERSHIP_RECORDING", True)


def flush_size():
    return getattr(settings, "READERSHIP_FLUSH_SIZE", 500)


def flush_every():
    return getattr(settings, "READERSHIP_FLUSH_EVERY", 30)


@dataclass
class Batch:
    """Entries taken from the buffer to be written together."""

    reads: dict = field(default_factory=dict)  # (user id, page id, day) -> first opened at
    sign_ins: set = field(default_factory=set)  # (user id, day)

    def __len__(self):
        return len(self.reads) + len(self.sign_ins)


class ReadingBuffer:
    """This process's records waiting to be written; safe to share between threads."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._batch = Batch()
        self._oldest = None  # clock reading when the first waiting entry came
        self._written_day = None
        self._written = set()  # keys of entries written on _written_day

    def __len__(self):
        return len(self._batch)

    def add_read(self, user_id, page_id, at):
        """Add a read; True when the buffer is now due to be written."""
        day = timezone.localdate(at)
        key = (user_id, page_id, day)
        with self._lock:
            if key in self._written and day == self._written_day:
                return False
            first = self._batch.reads.get(key)
            if first is None or at < first:
                self._batch.reads[key] = at
            return self._added()

    def add_sign_in(self, user_id, at):
        day = timezone.localdate(at)
        key = (user_id, day)
        with self._lock:
            if key in self._written and day == self._written_day:
                return False
            self._batch.sign_ins.add(key)
            return self._added()

    def _added(self):
        if self._oldest is None:
            self._oldest = self._clock()
        return self._is_due()

    def _is_due(self):
        if not self._batch:
            return False
        return len(self._batch) >= flush_size() or self._clock() - self._oldest >= flush_every()

    def is_due(self):
        with self._lock:
            return self._is_due()

    def take(self):
        """The waiting entries, leaving the buffer empty."""
        with self._lock:
            batch, self._batch, self._oldest = self._batch, Batch(), None
            return batch

    def remember(self, batch):
        """Entries of ``batch`` are in the database: skip them for the rest of today."""
        today = timezone.localdate()
        with self._lock:
            if self._written_day != today or len(self._written) > WRITTEN_MEMORY:
                self._written_day, self._written = today, set()
            self._written.update(key for key in batch.reads if key[2] == today)
            self._written.update(key for key in batch.sign_ins if key[1] == today)

    def clear(self):
        with self._lock:
            self._batch, self._oldest = Batch(), None
            self._written_day, self._written = None, set()


#: The buffer of this process.
BUFFER = ReadingBuffer()


def _member_user(user):
    return user is not None and user.is_authenticated


def record_item_opened(user, page_id):
    """``user`` opened the item ``page_id`` now (anonymous callers are not
    recorded). Costs no query unless the buffer is due to be written."""
    if not (recording_on() and _member_user(user)):
        return
    if BUFFER.add_read(user.pk, page_id, timezone.now()):
        flush()


def record_sign_in(user):
    """``user`` signed in now (to the app or the admin)."""
    if not (recording_on() and _member_user(user)):
        return
    if BUFFER.add_sign_in(user.pk, timezone.now()):
        flush()


def write(batch):
    """Write ``batch`` in bulk; entries already in the database are left as
    they are. Entries of users or pages deleted meanwhile are dropped. Returns
    the number of entries sent to the database (four queries at most)."""
    if not batch:
        return 0
    user_ids = {key[0] for key in batch.reads} | {key[0] for key in batch.sign_ins}
    users = set(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    page_ids = {key[1] for key in batch.reads}
    pages = set(Page.objects.filter(pk__in=page_ids).values_list("pk", flat=True))
    reads = [
        ItemRead(user_id=user_id, page_id=page_id, day=day, first_at=first_at)
        for (user_id, page_id, day), first_at in batch.reads.items()
        if user_id in users and page_id in pages
    ]
    sign_ins = [
        SignInDay(user_id=user_id, day=day) for user_id, day in batch.sign_ins if user_id in users
    ]
    with transaction.atomic():
        if reads:
            ItemRead.objects.bulk_create(reads, ignore_conflicts=True, batch_size=1000)
        if sign_ins:
            SignInDay.objects.bulk_create(sign_ins, ignore_conflicts=True, batch_size=1000)
    return len(reads) + len(sign_ins)


def flush(buffer=None):
    """Write what this process's buffer holds; never raises (a read must not
    fail because its figure could not be written: the entries are dropped
    and the failure logged). Returns the number of entries written."""
    buffer = BUFFER if buffer is None else buffer
    batch = buffer.take()
    if not batch:
        return 0
    try:
        written = write(batch)
    except DatabaseError:
        logger.exception("Reading figures: %d record(s) could not be written", len(batch))
        return 0
    buffer.remember(batch)
    return written


def flush_at_exit():
    """Called once from ``ReadershipConfig.ready()``: a process that exits
    normally writes what it still holds."""
    atexit.register(flush)
