"""Periodic jobs, run by ``manage.py run_scheduler`` once per period.

Apps register their jobs in ``AppConfig.ready()`` with :func:`register`. Any
number of schedulers may run (one per host, say): before running a job for a
period, a scheduler inserts its ``ScheduledRun`` row, and the unique
constraint on (job, period) lets exactly one of them win; the others skip it.

Periods are counted from local midnight (``TIME_ZONE``), so a daily job runs
once per local day and an every-minute job once per minute. A scheduler that
dies in the middle of a job leaves that period's row "running"; the job runs
again in the next period (every job here is safe to run again).
"""

import datetime
import logging
import socket
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: datetime.timedelta
    run: object  # a callable taking no arguments; its result is recorded as text
    description: str = ""

    def period_start(self, now):
        """The start of the period that ``now`` falls in, counted from a local midnight."""
        origin = timezone.make_aware(datetime.datetime(2000, 1, 1))
        periods = (now - origin) // self.every
        return origin + periods * self.every


_jobs = {}


def register(name, *, every, run, description=""):
    """Add a periodic job (called from an app's ``ready()``; registering the
    same name again replaces it)."""
    if every < datetime.timedelta(seconds=1):
        raise ValueError(f"Job {name!r}: the period must be at least a second.")
    _jobs[name] = PeriodicJob(name=name, every=every, run=run, description=description)


def unregister(name):
    _jobs.pop(name, None)


def registered_jobs():
    return dict(sorted(_jobs.items()))


def claim(job, period_start, now):
    """The ``ScheduledRun`` of ``job`` for the period, if this caller won it."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                job=job.name,
                period_start=period_start,
                hostname=socket.gethostname()[:255],
                started_at=now,
            )
    except IntegrityError:
        return None


def run_job(job, run):
    """Run ``job`` for the claimed ``run`` and record its outcome; never raises."""
    try:
        result = job.run()
    except Exception as error:
        logger.exception("Periodic job %s failed", job.name)
        run.outcome = ScheduledRun.Outcome.FAILED
        run.result = f"{type(error).__name__}: {error}"
    else:
        run.outcome, run.result = (
            ScheduledRun.Outcome.SUCCEEDED,
            "" if result is None else str(result),
        )
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "result", "finished_at"])
    return run


def run_due_jobs(now=None, *, names=None):
    """Run each job (of ``names``, or all) whose current period nobody has
    claimed yet; returns the runs this call made."""
    now = now or timezone.now()
    runs = []
    for job in registered_jobs().values():
        if names and job.name not in names:
            continue
        run = claim(job, job.period_start(now), now)
        if run is not None:
            runs.append(run_job(job, run))
    return runs


def prune_runs(now=None, keep=datetime.timedelta(days=7)):
    """Forget scheduled runs older than ``keep``."""
    now = now or timezone.now()
    deleted, _ = ScheduledRun.objects.filter(started_at__lt=now - keep).delete()
    return deleted
