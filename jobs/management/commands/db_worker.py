"""``manage.py db_worker``: django-tasks-db's worker, with a heartbeat.

Same options as django-tasks-db's command (this app comes before it in
INSTALLED_APPS, so this one answers to the name). While the worker runs, a
thread records its ``WorkerHeartbeat``; the scheduler's sweeper returns the
running task of a worker that stopped beating to the queue (jobs/workers.py).
"""

from django_tasks_db.management.commands import db_worker

from jobs.workers import Heartbeat


class Command(db_worker.Command):
    help = (
        "Run a background worker for the database task backend (TASKS_BACKEND=database), "
        "recording a heartbeat so that its tasks are run again if it dies."
    )

    def handle(self, *args, **options):
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
