"""The platform's own periodic jobs (other apps register theirs in their
``AppConfig.ready()``, through :func:`jobs.schedule.register`)."""

import datetime

from django.conf import settings
from django.core.management import call_command

from . import schedule
from .workers import prune_finished_tasks, requeue_lost_tasks

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


def publish_scheduled():
    call_command("publish_scheduled", verbosity=0)


def clear_sessions():
    call_command("clearsessions", verbosity=0)


def prune():
    return {"task_results": prune_finished_tasks(), "scheduled_runs": schedule.prune_runs()}


def register_periodic_jobs():
    schedule.register(
        "publish_scheduled",
        every=MINUTE,
        run=publish_scheduled,
        description="Wagtail: publish and unpublish pages at their scheduled times.",
    )
    schedule.register(
        "requeue_lost_tasks",
        every=datetime.timedelta(seconds=settings.TASKS_SWEEP_EVERY),
        run=requeue_lost_tasks,
        description="Return the tasks of workers that stopped beating to the queue.",
    )
    schedule.register(
        "clear_sessions", every=DAY, run=clear_sessions, description="Delete expired sessions."
    )
    schedule.register(
        "prune_job_history",
        every=DAY,
        run=prune,
        description="Forget finished tasks and scheduled runs older than a week.",
    )
