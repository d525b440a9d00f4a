"""Background work for search, run by django-tasks like the other apps' tasks."""

import datetime

from django.utils import timezone
from django_tasks import default_task_backend, task

#: How long to wait before trying an unreachable engine again (worker backends).
RETRY_AFTER = datetime.timedelta(minutes=1)


@task()
def process_index_changes():
    """Apply the outbox; with a worker backend, try again later if rows are left."""
    from .outbox import process

    applied, pending = process()
    if pending and default_task_backend.supports_defer:
        process_index_changes.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    return {"applied": applied, "pending": pending}
