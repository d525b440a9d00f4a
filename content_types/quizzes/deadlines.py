"""When an attempt's time is up, on the server's clock.

Every rule that depends on time takes ``now`` from its caller (default: the
current time), so tests and the API agree on one clock: the server's.
"""

import datetime

from django.utils import timezone

# Answers that reach the server this long after the deadline still count: the
# member pressed "submit" in time on a slow mobile network.
GRACE = datetime.timedelta(seconds=10)


def format_time(moment):
    """``moment`` as members read it in messages: local time, then the date."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def attempt_end(attempt, quiz):
    """When the attempt's time is up: its deadline, or the quiz's closing time
    if an editor moved it earlier since the attempt started."""
    if quiz.closes_at and quiz.closes_at < attempt.deadline:
        return quiz.closes_at
    return attempt.deadline


def is_late(attempt, quiz, now):
    """Whether answers reaching the server at ``now`` come too late to count."""
    return now > attempt_end(attempt, quiz) + GRACE
