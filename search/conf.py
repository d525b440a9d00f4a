"""Search settings, read from Django settings with the defaults here.

``SEARCH_ENGINE_URL`` (default ``OPENSEARCH_URL``) turns the engine on; empty
means the database fallback only. ``SEARCH_INDEX`` is the alias searches use;
each rebuild writes a new index behind it. ``SEARCH_ENGINE_TIMEOUT``,
``SEARCH_ENGINE_FAILURES_TO_OPEN`` and ``SEARCH_ENGINE_RETRY_AFTER`` bound
what an engine outage costs a search (``engine.breaker``).
``SEARCH_ENGINE_ADMIN_TIMEOUT``, ``SEARCH_ENGINE_ADMIN_RETRIES`` and
``SEARCH_ENGINE_ADMIN_BACKOFF`` give index administration and a rebuild's
loading the time a slow node needs (``search.index_admin``).
``SEARCH_COUNT_CAP`` and ``SEARCH_FACET_SAMPLE`` bound how many matches a
search counts and reads facets from, on either back end (``search.queries``,
``search.database``).
"""

from django.conf import settings


def engine_url():
    return getattr(settings, "SEARCH_ENGINE_URL", getattr(settings, "OPENSEARCH_URL", None))


def index_alias():
    return getattr(settings, "SEARCH_INDEX", "stdv_archive")


def timeout():
    return getattr(settings, "SEARCH_ENGINE_TIMEOUT", 5)


def admin_timeout():
    """Seconds an index administration call (create, settings, refresh, flush,
    alias swap, delete) or a rebuild's bulk batch may take: far longer than a
    search may (``timeout``), since nobody waits on it."""
    return getattr(settings, "SEARCH_ENGINE_ADMIN_TIMEOUT", 300)


def admin_retries():
    """How many more times such a call is tried after a timeout, a refused
    connection or a 5xx answer."""
    return getattr(settings, "SEARCH_ENGINE_ADMIN_RETRIES", 4)


def admin_backoff():
    """Seconds before the first retry; each next wait is twice as long (at most 60 s)."""
    return getattr(settings, "SEARCH_ENGINE_ADMIN_BACKOFF", 2)


def replicas():
    return getattr(settings, "SEARCH_INDEX_REPLICAS", 0)


def refresh():
    """Make each outbox batch searchable before returning (tests); off in production."""
    return getattr(settings, "SEARCH_ENGINE_REFRESH", False)


def failures_to_open():
    """Failures in a row (refused, timed out, 5xx) after which searches skip the engine."""
    return getattr(settings, "SEARCH_ENGINE_FAILURES_TO_OPEN", 3)


def retry_after():
    """Seconds the engine is skipped before one request tries it again."""
    return getattr(settings, "SEARCH_ENGINE_RETRY_AFTER", 30)


def gc_deletes():
    """How long the index remembers the version of a deleted document, so that
    an older change applied late cannot bring it back (``index.gc_deletes``)."""
    return getattr(settings, "SEARCH_INDEX_GC_DELETES", "1h")


def count_cap():
    """Matches counted exactly; past it the count says this many and
    ``count_capped`` (``search.queries``)."""
    return getattr(settings, "SEARCH_COUNT_CAP", 10_000)


def database_sample():
    """Matches the database fallback counts and reads facets from at most:
    it reads each from the table, where the engine reads an index, so its
    caps are the lower of this and ``count_cap`` or ``facet_sample``
    (``search.database``)."""
    return getattr(settings, "SEARCH_DATABASE_SAMPLE", 1_000)


def facet_sample():
    """Matches the facets are counted over at most; past it they are
    estimated and say ``facets_estimated`` (``search.queries``)."""
    return getattr(settings, "SEARCH_FACET_SAMPLE", 10_000)
