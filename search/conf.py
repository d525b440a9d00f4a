"""Search settings, read from Django settings with the defaults here.

``SEARCH_ENGINE_URL`` (default ``OPENSEARCH_URL``) turns the engine on; empty
means the database fallback only. ``SEARCH_INDEX`` is the alias searches use;
each rebuild writes a new index behind it.
"""

from django.conf import settings


def engine_url():
    return getattr(settings, "SEARCH_ENGINE_URL", getattr(settings, "OPENSEARCH_URL", None))


def index_alias():
    return getattr(settings, "SEARCH_INDEX", "stdv_archive")


def timeout():
    return getattr(settings, "SEARCH_ENGINE_TIMEOUT", 5)


def replicas():
    return getattr(settings, "SEARCH_INDEX_REPLICAS", 0)


def refresh():
    """Make each outbox batch searchable before returning (tests); off in production."""
    return getattr(settings, "SEARCH_ENGINE_REFRESH", False)
