"""What the worker processes and the schedulers leave in the database.

``WorkerHeartbeat``: one row per running ``db_worker`` process, refreshed every
few seconds; a worker whose row has gone stale is dead, and the sweeper puts
its running task back in the queue. ``ScheduledRun``: one row per periodic job
and period, the lock that makes a job run once per period however many
schedulers run.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    last_seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduledRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=64)
    period_start = models.DateTimeField(_("period start"))
    hostname = models.CharField(_("host"), max_length=255)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING
    )
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="one_run_per_period")
        ]
        indexes = [models.Index(fields=["started_at"])]

    def __str__(self):
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M}"
