"""Branch life's periodic job: overdue tasks are reminded, once each."""

import datetime

from jobs import schedule

from .assignments import remind_overdue


def register_periodic_jobs():
    schedule.register(
        "remind_overdue_tasks",
        every=datetime.timedelta(days=1),
        run=remind_overdue,
        description="Remind members of their overdue branch tasks (once per task).",
    )
