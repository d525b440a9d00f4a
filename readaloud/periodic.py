"""Read-aloud's periodic job: no page stays "audio queued" for ever."""

import datetime

from jobs import schedule

from .tasks import requeue_stale_audio


def register_periodic_jobs():
    schedule.register(
        "requeue_stale_audio",
        every=datetime.timedelta(minutes=10),
        run=requeue_stale_audio,
        description="Queue again the audio of pages whose making task was lost.",
    )
