"""Background work for search, run by django-tasks like the other apps' tasks."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from . import outbox

#: How long to wait before trying an unreachable engine again (worker backends).
RETRY_AFTER = datetime.timedelta(minutes=1)


@task()
def process_index_changes():
    """Apply the outbox; with a worker backend, try again later if rows are left."""
    applied, pending = outbox.process()
    if pending and default_task_backend.supports_defer:
        process_index_changes.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    return {"applied": applied, "pending": pending}


def queue_changes(keys):
    """Put changes to the records ``keys`` in the outbox, in the caller's
    transaction, and have them applied once it commits."""
    if outbox.add(keys):
        transaction.on_commit(process_index_changes.enqueue)
