"""The live server's requests finish before the database is emptied.

A browser test ends while the page it drove may still be loading (the reader
app fetches its other feeds after the first is shown). Closing the browser
does not stop the live server's threads: each finishes its request on its
own connection. When the flush that ends a transactional test truncates the
tables under such a request, PostgreSQL can find the two waiting on each
other and abort the flush (``deadlock detected``), which leaves the test's
rows behind for the next test on that worker (``Key (code)=(TN) already
exists``)."""

import time

from django.db import connection

SETTLE_SECONDS = 10
POLL_SECONDS = 0.05
OTHER_BUSY_SESSIONS = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'"
)


def other_busy_sessions():
    with connection.cursor() as cursor:
        cursor.execute(OTHER_BUSY_SESSIONS)
        return [pid for (pid,) in cursor.fetchall()]


def wait_for_requests_to_finish():
    """Wait until no other session on the test database is running a
    statement or holding a transaction open; end those still busy after
    ``SETTLE_SECONDS`` (their requests belong to a test that has ended)."""
    if connection.vendor != "postgresql":
        return  # SQLite's live server shares the test's own connection.
    deadline = time.monotonic() + SETTLE_SECONDS
    while (busy := other_busy_sessions()) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    if busy:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [busy])
