"""The outbox: changes to searchable content wait here until the engine has them.

``add(keys)`` writes rows in the caller's transaction; ``tasks.queue_changes``
adds them and, once the transaction commits, enqueues
``tasks.process_index_changes``, which calls ``process``. Processing takes
rows oldest first, rebuilds their ``SearchRecord`` rows from the content (so
the database fallback is current even while the engine is down) and sends
them to the engine; rows are deleted only after the engine accepted them. If
it did not, they stay, in order, for the next run.

Several workers may process the outbox at once (each locks its own rows).
Each batch is sent with a version drawn after its rows are locked and before
their content is read (``draw_version``), so the engine, which keeps the
highest version of a document, ends with the newest content whatever order
the batches arrive in; a change refused as older than the document counts
as applied.
"""

import logging

from django.db import transaction
from django.db.models import F

from . import engine, records
from .models import IndexChange, IndexVersion

logger = logging.getLogger(__name__)

BATCH = 500


def add(keys):
    """Queue changes to the records ``keys`` (repeats dropped); return how many."""
    keys = list(dict.fromkeys(keys))
    IndexChange.objects.bulk_create(IndexChange(key=key) for key in keys)
    return len(keys)


def draw_version():
    """A version higher than any drawn before, in any process (a database sequence)."""
    return IndexVersion.objects.create().pk


def process(batch=BATCH):
    """Apply pending changes in order; return ``(applied, pending)`` row counts.

    Stops at the first batch the engine refuses, leaving it and everything
    after it queued.
    """
    applied = 0
    while True:
        with transaction.atomic():
            rows = list(
                IndexChange.objects.select_for_update(skip_locked=True).order_by("pk")[:batch]
            )
            if not rows:
                break
            keys = list(dict.fromkeys(row.key for row in rows))
            version = draw_version()
            written, removed = records.refresh(keys)
        # Outside the batch's transaction, so workers do not wait on each other.
        IndexVersion.objects.filter(pk__lt=version).delete()
        if engine.is_configured():
            try:
                engine.apply(written, removed, version)
            except engine.EngineUnavailable as error:
                logger.warning("Search engine unavailable, %d changes kept: %s", len(rows), error)
                IndexChange.objects.filter(pk__in=[r.pk for r in rows]).update(
                    attempts=F("attempts") + 1, last_error=str(error)[:500]
                )
                break
        IndexChange.objects.filter(pk__in=[r.pk for r in rows]).delete()
        applied += len(rows)
    return applied, IndexChange.objects.count()


def oldest_pending_age(now):
    """How long the oldest change has waited to reach the engine; None when none waits."""
    oldest = IndexChange.objects.order_by("pk").values_list("created_at", flat=True).first()
    return None if oldest is None else now - oldest
