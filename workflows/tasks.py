"""Scheduled work: the daily reminder of steps waiting too long (django-tasks)."""

from django_tasks import task

from .notifications import send_moderation_reminders


@task()
def send_moderation_reminders_task(days=None):
    """Enqueue daily (or more often: a person is reminded at most once a day)."""
    return send_moderation_reminders(days)
