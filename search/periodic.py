"""Search's periodic job: apply the outbox every minute, so that changes
queued while the engine was away reach the index once it is back."""

import datetime

from jobs import schedule

from . import outbox


def apply_outbox():
    applied, pending = outbox.process()
    return {"applied": applied, "pending": pending}


def register_periodic_jobs():
    schedule.register(
        "search_outbox",
        every=datetime.timedelta(minutes=1),
        run=apply_outbox,
        description="Send the queued search index changes to the engine.",
    )
