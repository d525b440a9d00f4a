"""Moderation's periodic job: the daily reminder of steps waiting too long."""

import datetime

from jobs import schedule

from .notifications import send_moderation_reminders


def register_periodic_jobs():
    schedule.register(
        "moderation_reminders",
        every=datetime.timedelta(days=1),
        run=send_moderation_reminders,
        description="E-mail reviewers whose steps waited more than WORKFLOWS_REMINDER_DAYS.",
    )
