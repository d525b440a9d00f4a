"""Content's periodic jobs: closing quiz attempts whose time ran out, so that
rankings count them within a minute; and reading again the files whose
reading task failed or was lost."""

import datetime

from jobs import schedule

from .quizzes import close_expired_attempts
from .tasks import requeue_waiting_files


def register_periodic_jobs():
    schedule.register(
        "close_expired_quiz_attempts",
        every=datetime.timedelta(minutes=1),
        run=close_expired_attempts,
        description="Close and score quiz attempts whose time is up.",
    )
    schedule.register(
        "requeue_waiting_files",
        every=datetime.timedelta(minutes=10),
        run=requeue_waiting_files,
        description="Queue again the reading of files whose reading task failed or was lost.",
    )
