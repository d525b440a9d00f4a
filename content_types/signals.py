"""Named signals one part of the app sends and another receives."""

from django.dispatch import Signal

#: Sent by the quiz service when an attempt is submitted (by the member or on
#: its deadline), with ``attempt``; study completes the modules whose final
#: quiz it passes.
attempt_submitted = Signal()

#: Sent with ``sender=Page`` and ``page_ids`` once pages written in bulk (the
#: archive import), which sent no save signals, have been indexed
#: (``tasks.index_pages``); search queues them in its outbox.
pages_bulk_written = Signal()
