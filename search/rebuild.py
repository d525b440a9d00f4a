"""Rebuild: refresh every record from the content, load a new index, swap the alias.

Searches keep reading the old index through the alias until the new one is
complete, so they never see an empty or half-built index. Changes made during
the rebuild are queued in the outbox as usual and applied to the new index
after the swap.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db.models import Max

from editorial.batching import chunks

from . import engine, outbox, records
from .models import IndexChange, SearchRecord

BATCH = 500


@dataclass
class RebuildReport:
    records: int
    removed: int
    index: str | None
    seconds: float

    @property
    def rate(self):
        return self.records / self.seconds if self.seconds else 0.0


def rebuild(*, progress=None, start=None, use_engine=True, batch=BATCH):
    """Rebuild records (and the engine index when configured); ``start(total)``
    once the items are counted, ``progress(n)`` per batch."""
    started = time.perf_counter()
    # Changes queued before now are covered by reading the content afresh.
    covered = IndexChange.objects.aggregate(last=Max("pk"))["last"] or 0
    # Drawn before any content is read: a change applied later with an older
    # version leaves the rebuilt documents as they are.
    version = outbox.draw_version()
    use_engine = use_engine and engine.is_configured()
    new_index = None
    if use_engine:
        new_index = engine.new_index_name()
        engine.create_index(new_index)
        engine.start_loading(new_index)
    keys = list(records.searchable_keys())
    if start:
        start(len(keys))
    stale = set(SearchRecord.objects.values_list("key", flat=True)) - set(keys)
    SearchRecord.objects.filter(key__in=stale).delete()
    written = 0
    try:
        # One batch goes to the engine while the next is read from the
        # database: the two take about as long as each other.
        with ThreadPoolExecutor(max_workers=1) as sender:
            sending = None
            for chunk in chunks(keys, batch):
                done, _removed = records.refresh(chunk)
                if use_engine:
                    if sending is not None:
                        sending.result()  # raises the engine's refusal here
                    sending = sender.submit(engine.bulk_index, done, new_index, version=version)
                written += len(done)
                if progress:
                    progress(len(chunk))
            if sending is not None:
                sending.result()
        if use_engine:
            engine.finish_loading(new_index)
            engine.swap_alias(new_index)
        if use_engine or not engine.is_configured():
            IndexChange.objects.filter(pk__lte=covered).delete()
    except Exception:
        if use_engine:
            engine.client().indices.delete(index=new_index, ignore_unavailable=True)
        raise
    return RebuildReport(written, len(stale), new_index, time.perf_counter() - started)
