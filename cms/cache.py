"""The shared cache on Redis, which degrades instead of failing.

Selected by ``REDIS_URL`` (``cms/settings/base.py``). Everything that caches
goes through Django's default cache: the API body cache, delta sync, the
sign-in throttle, the unit names of search results, /readyz. When Redis is
unreachable or too slow, a read is a miss (the caller computes the value),
a write, delete or increment is dropped, and nothing is raised: the site is
slower, never broken. The sign-in throttle then lets attempts through (the
lockout, kept in the database by django-axes, still stops password guessing)
and counts again once Redis is back.

Two things keep an outage cheap. Sockets time out quickly (``socket_timeout``
and ``socket_connect_timeout``, 0.25 s unless the OPTIONS say otherwise).
And a circuit breaker (``search.breaker``): after ``FAILURES_TO_OPEN`` errors
in a row Redis is skipped for ``RETRY_AFTER`` seconds, so a request during
an outage does not wait the timeout on every cache call. The warning is
logged at most once every ``WARNING_INTERVAL`` seconds per process.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

from search.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.25
#: Our own OPTIONS, read here and not passed to redis-py.
BREAKER_OPTIONS = {"FAILURES_TO_OPEN": 3, "RETRY_AFTER": 5.0, "WARNING_INTERVAL": 60.0}


def degrades(fallback):
    """Run a cache operation unless the breaker is open; on a Redis error
    return ``fallback(*args, **kwargs)`` instead of raising."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if not self.breaker.allows():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                self.failed(error)
                return fallback(*args, **kwargs)
            if self.breaker.succeeded():
                logger.warning("The Redis cache answers again")
            return result

        return guarded

    return decorate


def _miss(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _no_keys(*args, **kwargs):
    return {}


def _none_stored(data, *args, **kwargs):
    return list(data)  # Django's set_many returns the keys it could not store


def _uncounted(key, delta=1, *args, **kwargs):
    return delta


class DegradingRedisCache(RedisCache):
    """Django's Redis cache whose outages are misses and dropped writes."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        own = {name: options.pop(name, default) for name, default in BREAKER_OPTIONS.items()}
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        # One immediate retry on a broken connection (a pooled socket Redis
        # closed when it restarted); none on a timeout, which would double it.
        options.setdefault(
            "retry", Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
        )
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = CircuitBreaker(own["FAILURES_TO_OPEN"], own["RETRY_AFTER"])
        self.warning_interval = own["WARNING_INTERVAL"]
        self.last_warning = None

    def failed(self, error):
        opened = self.breaker.failed()
        now = time.monotonic()
        if opened or self.last_warning is None or now - self.last_warning >= self.warning_interval:
            self.last_warning = now
            skipped = f"; skipped for {self.breaker.retry_after:g} s" if opened else ""
            logger.warning("The Redis cache is unavailable (%s)%s", error, skipped)

    add = degrades(_false)(RedisCache.add)
    get = degrades(_miss)(RedisCache.get)
    set = degrades(_nothing)(RedisCache.set)
    touch = degrades(_false)(RedisCache.touch)
    delete = degrades(_false)(RedisCache.delete)
    get_many = degrades(_no_keys)(RedisCache.get_many)
    has_key = degrades(_false)(RedisCache.has_key)
    incr = degrades(_uncounted)(RedisCache.incr)
    set_many = degrades(_none_stored)(RedisCache.set_many)
    delete_many = degrades(_nothing)(RedisCache.delete_many)
    clear = degrades(_false)(RedisCache.clear)
