"""Rebuild: refresh every record from the content, load a new index, swap the alias.

Searches keep reading the old index through the alias until the new one is
complete, so they never see an empty or half-built index. Changes made during
the rebuild are queued in the outbox as usual; the outbox writes them to the
new index as well as to the alias while it loads (``engine.loading_indexes``),
and whatever is still queued reaches it after the swap.

**Resuming.** A run is recorded (``RebuildRun``) before its index is created,
and after each batch the engine has taken, the last key done: keys go in a
fixed order (``key_order``: source, then id), so the rest of a run is the
keys after that one. An interrupted run (killed, or the engine still failing
after ``index_admin``'s retries) keeps its half-loaded index, and the next
rebuild resumes it: it loads the remaining keys into the same index with the
same version, then finishes (settings back, refresh, flush, alias swap).
Items published meanwhile that sort before the last key done are in the
outbox, which reaches the index. A run is not resumed, but abandoned (its
index deleted) when ``fresh=True`` (``rebuild_search_index --fresh``), when
its index is gone, or when the index settings or mappings have changed since
(``mapping_digest``): there is never more than one half-built index.

Only engine rebuilds are recorded: the database records are rewritten in
place, item by item, so an interrupted database-only run leaves nothing
half-built and is simply run again.
"""

import hashlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from editorial.batching import chunks

from . import conf, engine, index_admin, outbox, records
from .models import IndexChange, RebuildRun, SearchRecord

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class RebuildReport:
    records: int
    removed: int
    index: str | None
    seconds: float
    resumed_after: int = 0  # items an interrupted run had already loaded

    @property
    def rate(self):
        return self.records / self.seconds if self.seconds else 0.0


def key_order(key):
    """The order keys are loaded in, stable across runs: ``("answer", 3)`` < ``("page", 1)``."""
    return records.split_key(key)


def mapping_digest():
    body = json.dumps(engine.index_body(), sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def unfinished_run():
    """The interrupted run of this alias to resume, if any (the latest)."""
    return RebuildRun.objects.unfinished().filter(alias=conf.index_alias()).first()


def abandon(run, reason):
    """Delete ``run``'s half-built index and mark it abandoned."""
    logger.warning("Search rebuild: abandoning %s (%s)", run.index, reason)
    index_admin.delete_index(run.index)
    run.status = RebuildRun.Status.ABANDONED
    run.error = reason
    run.save(update_fields=["status", "error", "updated_at"])


def _run_to_continue(fresh):
    """The run to resume, after abandoning any other unfinished run."""
    resumable = None
    for run in RebuildRun.objects.unfinished().filter(alias=conf.index_alias()):
        if fresh:
            abandon(run, "a fresh rebuild was asked for")
        elif resumable is not None:
            abandon(run, "a later run is resumed")
        elif run.mapping != mapping_digest():
            abandon(run, "the index settings or mappings have changed")
        elif not index_admin.index_exists(run.index):
            abandon(run, "its index is gone")
        else:
            resumable = run
    return resumable


def _begin():
    # Changes queued before now are covered by reading the content afresh.
    covered = IndexChange.objects.aggregate(last=Max("pk"))["last"] or 0
    # Drawn before any content is read: a change applied later with an older
    # version leaves the rebuilt documents as they are.
    version = outbox.draw_version()
    # Recorded before the index exists, so that no index is ever left
    # without a run that knows of it.
    run = RebuildRun.objects.create(
        index=engine.new_index_name(),
        alias=conf.index_alias(),
        mapping=mapping_digest(),
        version=version,
        covered=covered,
    )
    index_admin.create_index(run.index)
    index_admin.start_loading(run.index)
    return run


def _checkpoint(run, sending, last_key, items):
    """Wait for the batch ending at ``last_key`` to reach the engine, then record it."""
    sending.result()  # raises the engine's refusal here
    run.last_key = last_key
    run.items_done += items
    run.save(update_fields=["last_key", "items_done", "updated_at"])


def _load(keys, run, batch, progress):
    """Write the records of ``keys``; send them to ``run``'s index when there is a run."""
    written = 0
    # One batch goes to the engine while the next is read from the
    # database: the two take about as long as each other.
    with ThreadPoolExecutor(max_workers=1) as sender:
        pending = None
        for chunk in chunks(keys, batch):
            done, _removed = records.refresh(chunk)
            if run is not None:
                if pending is not None:
                    _checkpoint(run, *pending)
                sending = sender.submit(index_admin.load_batch, done, run.index, run.version)
                pending = (sending, chunk[-1], len(chunk))
            written += len(done)
            if progress:
                progress(len(chunk))
        if pending is not None:
            _checkpoint(run, *pending)
    return written


def _finish(run):
    index_admin.finish_loading(run.index)
    index_admin.swap_alias(run.index)
    IndexChange.objects.filter(pk__lte=run.covered).delete()
    run.status = RebuildRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "updated_at"])


def _failed(run, error):
    run.status = RebuildRun.Status.FAILED
    run.error = f"{type(error).__name__}: {error}"[:2000]
    try:
        run.save(update_fields=["status", "error", "updated_at"])
    except Exception:  # the database may be what failed; the run stays "running"
        logger.exception("Search rebuild: could not record the failure of %s", run.index)


def rebuild(*, progress=None, start=None, use_engine=True, batch=BATCH, fresh=False):
    """Rebuild records (and the engine index when configured), resuming an
    interrupted engine run unless ``fresh``; ``start(total)`` once the items
    are counted, ``progress(n)`` per batch (first with the items an
    interrupted run had already loaded)."""
    started = time.perf_counter()
    # Without the engine, the rows queued before now are covered by reading
    # the content afresh (an engine run keeps its own ``covered``).
    covered = IndexChange.objects.aggregate(last=Max("pk"))["last"] or 0
    run = None
    resumed_after = 0
    if use_engine and engine.is_configured():
        run = _run_to_continue(fresh)
        if run is None:
            run = _begin()
        else:
            resumed_after = run.items_done
            logger.info("Search rebuild: resuming %s after %s", run.index, run.last_key)
    keys = sorted(records.searchable_keys(), key=key_order)
    if start:
        start(len(keys))
    if run is not None and run.last_key:
        last = key_order(run.last_key)
        remaining = [key for key in keys if key_order(key) > last]
        if progress:
            progress(len(keys) - len(remaining))
    else:
        remaining = keys
    stale = set(SearchRecord.objects.values_list("key", flat=True)) - set(keys)
    SearchRecord.objects.filter(key__in=stale).delete()
    try:
        written = _load(remaining, run, batch, progress)
        if run is not None:
            _finish(run)
        elif not engine.is_configured():
            IndexChange.objects.filter(pk__lte=covered).delete()
    except BaseException as error:
        # The half-loaded index stays for the next run to resume.
        if run is not None:
            _failed(run, error)
        raise
    return RebuildReport(
        written, len(stale), run and run.index, time.perf_counter() - started, resumed_after
    )
