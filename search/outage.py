"""What an engine outage costs: a circuit breaker around every engine call.

A call to an engine that is down costs a refused connection or, worse, the
whole timeout (``SEARCH_ENGINE_TIMEOUT``). After
``SEARCH_ENGINE_FAILURES_TO_OPEN`` outage failures in a row (refused, timed
out, a 5xx answer) the engine is skipped for ``SEARCH_ENGINE_RETRY_AFTER``
seconds: searches answer from the database fallback at once and the outbox
keeps its changes for the next run. Then one call tries the engine again
(half open); its success closes the breaker.

The breaker is kept per process and per engine address (``search.breaker``):
each web or worker process pays ``SEARCH_ENGINE_FAILURES_TO_OPEN`` failures
to learn of an outage, and needs neither the cache nor the database to
remember it.
"""

import logging

from opensearchpy.exceptions import ConnectionError, OpenSearchException, TransportError

from . import conf
from .breaker import CircuitBreaker

logger = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    """The engine could not be reached or refused the request."""


class EngineSkipped(EngineUnavailable):
    """The engine failed just before: the breaker is open and it was not called."""


_breakers = {}


def breaker():
    """The breaker of the configured engine, kept per process (see ``search.breaker``)."""
    key = (conf.engine_url(), conf.failures_to_open(), conf.retry_after())
    if key not in _breakers:
        _breakers[key] = CircuitBreaker(conf.failures_to_open(), conf.retry_after())
    return _breakers[key]


def breaker_state():
    """``closed`` (the engine is used), ``open`` (skipped after failures) or
    ``half_open`` (the next request tries it again), for health checks."""
    return breaker().state


def is_outage(error):
    """A failure that says the engine is down (refused, timed out, 5xx), as
    opposed to a request it answered and refused (a bad query, a missing index)."""
    if isinstance(error, ConnectionError):
        return True
    status = getattr(error, "status_code", None)
    return isinstance(error, TransportError) and isinstance(status, int) and status >= 500


def guarded(call, *args, **kwargs):
    """``call(*args, **kwargs)`` unless the breaker is open; any engine error
    becomes ``EngineUnavailable`` (``EngineSkipped`` when it was not called)."""
    current = breaker()
    if not current.allows():
        raise EngineSkipped("the search engine failed just before; skipped for now")
    try:
        result = call(*args, **kwargs)
    except EngineUnavailable:
        current.succeeded()  # it answered, and refused some of the changes
        raise
    except OpenSearchException as error:
        if not is_outage(error):
            current.succeeded()
        elif current.failed():
            logger.warning("Search engine down, skipped for %g s: %s", current.retry_after, error)
        raise EngineUnavailable(str(error)) from error
    if current.succeeded():
        logger.warning("Search engine answers again")
    return result
