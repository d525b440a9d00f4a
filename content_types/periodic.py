"""Content's periodic jobs: closing quiz attempts whose time ran out, so that
rankings count them within a minute."""

import datetime

from jobs import schedule

from .quizzes import close_expired_attempts


def register_periodic_jobs():
    schedule.register(
        "close_expired_quiz_attempts",
        every=datetime.timedelta(minutes=1),
        run=close_expired_attempts,
        description="Close and score quiz attempts whose time is up.",
    )
