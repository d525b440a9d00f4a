"""A circuit breaker: stop calling a service that keeps failing, for a while.

A call to a service that is down costs its timeout (or a refused connection)
every time. After ``failures_to_open`` failures in a row the breaker *opens*:
callers skip the service and take their fallback at once. After
``retry_after`` seconds it is *half open*: one caller may try the service
again (the others still skip it); a success closes the breaker, a failure
opens it for another ``retry_after`` seconds.

The state lives in the process (each web or worker process learns of an
outage by itself, after ``failures_to_open`` failures): it needs nothing
shared, so it keeps working when the shared cache is down too. Used by
search (``search.engine``) and the Redis cache (``cms.cache``).
"""

import threading
import time

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(self, failures_to_open=3, retry_after=30.0, clock=time.monotonic):
        self.failures_to_open = failures_to_open
        self.retry_after = retry_after
        self.clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self.opened_at = None
        self.trial_started = None

    @property
    def state(self):
        if self.opened_at is None:
            return CLOSED
        if self.clock() - self.opened_at < self.retry_after:
            return OPEN
        return HALF_OPEN

    def allows(self):
        """Whether this caller may call the service now. In the half-open
        state only one caller at a time is let through (a trial that never
        reports back frees the slot after another ``retry_after``)."""
        with self._lock:
            state = self.state
            if state == CLOSED:
                return True
            if state == OPEN:
                return False
            now = self.clock()
            if self.trial_started is not None and now - self.trial_started < self.retry_after:
                return False
            self.trial_started = now
            return True

    def succeeded(self):
        """Record a successful call; return True if it closed an open breaker."""
        with self._lock:
            was_open = self.opened_at is not None
            self.failures = 0
            self.opened_at = None
            self.trial_started = None
            return was_open

    def failed(self):
        """Record a failed call; return True if it opened the breaker (or
        opened it again after a failed trial)."""
        with self._lock:
            self.failures += 1
            self.trial_started = None
            if self.failures < self.failures_to_open:
                return False
            self.opened_at = self.clock()
            return True

    def reset(self):
        self.succeeded()
