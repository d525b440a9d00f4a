"""Worker heartbeats, and putting back the tasks of workers that died.

A ``db_worker`` (the command in this app, around django-tasks-db's worker)
writes its ``WorkerHeartbeat`` every ``TASKS_WORKER_HEARTBEAT_EVERY`` seconds
from a thread of its own. A worker killed with ``kill -9`` (or its host lost)
stops beating; once its row is older than ``TASKS_WORKER_LOST_AFTER`` the
sweeper (a periodic job, ``requeue_lost_tasks``) returns the task it was
running to the queue, where another worker runs it again. Our tasks are
written to be safe to run twice: each run replaces what the last one stored.

A task that has already been tried ``TASKS_MAX_ATTEMPTS`` times (it may be
what kills its worker) is marked failed instead, with the reason.
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LOST_WORKER_ERROR = "jobs.workers.WorkerLost"


def heartbeat_every():
    return datetime.timedelta(seconds=settings.TASKS_WORKER_HEARTBEAT_EVERY)


def lost_after():
    return datetime.timedelta(seconds=settings.TASKS_WORKER_LOST_AFTER)


def beat(worker_id, *, started_at, now=None):
    """Record that ``worker_id`` (this process) is alive."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen_at": now,
        },
    )


class Heartbeat:
    """Beats for one worker from a daemon thread until stopped.

    The thread has its own database connection (Django's are per thread), so
    a long task holding the worker's connection does not stop the beat.
    """

    def __init__(self, worker_id):
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self):
        beat(self.worker_id, started_at=self.started_at)
        self._thread.start()

    def stop(self):
        """A clean stop removes the row: the worker is gone, not lost."""
        self._stop.set()
        self._thread.join(timeout=5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def _run(self):
        interval = heartbeat_every().total_seconds()
        while not self._stop.wait(interval):
            try:
                close_old_connections()
                beat(self.worker_id, started_at=self.started_at)
            except Exception:  # the database may be away for a moment
                logger.warning("Worker %s could not record its heartbeat", self.worker_id)
        connection.close()


def uses_workers():
    """Whether tasks wait in the database for ``db_worker`` processes."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def live_workers(now=None):
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=now - lost_after())


def requeue_lost_tasks(now=None):
    """Return to the queue every running task whose worker stopped beating.

    Returns ``(requeued, failed)`` counts. Safe on several hosts at once: each
    task row is locked while it is decided (SKIP LOCKED), and a task that
    finished meanwhile is no longer "running".
    """
    now = now or timezone.now()
    alive = set(live_workers(now).values_list("worker_id", flat=True))
    requeued = failed = 0
    candidates = DBTaskResult.objects.running().filter(started_at__lt=now - lost_after())
    for task_id in candidates.values_list("id", flat=True):
        with transaction.atomic():
            task = (
                DBTaskResult.objects.running()
                .select_for_update(skip_locked=True)
                .filter(id=task_id)
                .first()
            )
            if task is None or (task.worker_ids and task.worker_ids[-1] in alive):
                continue
            if len(task.worker_ids) >= settings.TASKS_MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = LOST_WORKER_ERROR
                task.traceback = (
                    f"Its worker stopped during each of {len(task.worker_ids)} attempts "
                    f"({', '.join(task.worker_ids)}); not tried again."
                )
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
                logger.error("Task %s (%s) failed: its workers were lost", task.id, task.task_path)
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
                logger.warning(
                    "Task %s (%s) returned to the queue: worker %s was lost",
                    task.id,
                    task.task_path,
                    task.worker_ids[-1] if task.worker_ids else "?",
                )
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - 10 * lost_after()).delete()
    return requeued, failed


def oldest_queued_age(now=None):
    """How long the oldest task that is ready to run has waited; None if none."""
    now = now or timezone.now()
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    ).first()
    return None if oldest is None else now - oldest


def prune_finished_tasks(now=None):
    """Forget finished tasks older than ``TASKS_KEEP_RESULTS_DAYS``."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.TASKS_KEEP_RESULTS_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
