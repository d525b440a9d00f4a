"""Putting an item in members' notification lists, and e-mailing it.

Each notification is a row in the member's list (``GET /api/notifications/``)
and, where the member's user has an e-mail address, an e-mail sent through
the project's mail path (``cms.mail``: queued as a task, never sent inside
the request) once the transaction that made it has committed.
"""

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from .models import Notification


def notify(users, kind, title, body="", link=""):
    """Notify each of ``users`` (each once); returns the notifications made."""
    users = list({user.pk: user for user in users}.values())
    made = Notification.objects.bulk_create(
        Notification(user=user, kind=kind, title=title[:255], body=body, link=link)
        for user in users
    )
    messages = [
        EmailMessage(subject=title[:255], body=f"{body}\n" if body else title, to=[user.email])
        for user in users
        if user.email
    ]
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return made


def mark_read(user, notification_id=None, *, now):
    """Mark one of the user's notifications (or all of them) read; returns
    how many changed. Another user's notification is not theirs to mark."""
    mine = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
    return mine.update(read_at=now)
