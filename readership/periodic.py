"""Reading figures' periodic job: write what the buffer of the process running
the scheduler holds.

Each process has its own buffer (``readership.recording``): web processes
write theirs at the next record once it is due and when they exit; this job
is the same rule for the scheduler's process (a sign-in recorded there, or
in a command it runs), so no record waits there longer than a period.
"""

import datetime

from django.conf import settings

from jobs import schedule

from .recording import flush


def register_periodic_jobs():
    schedule.register(
        "flush_reading_records",
        every=datetime.timedelta(seconds=max(1, settings.READERSHIP_FLUSH_EVERY)),
        run=flush,
        description="Write the reading records this process still holds.",
    )
