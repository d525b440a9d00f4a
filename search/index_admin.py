"""Index administration with time to spare, and the retries that let a rebuild
survive a slow node: create, settings, refresh, flush, alias swap, delete,
and the rebuild's bulk batches.

A search must answer quickly or fall back to the database, so the client's
timeout is short (``SEARCH_ENGINE_TIMEOUT``, 5 s). Administering an index is
not a search: refreshing an index just loaded with 100,000 documents, or
giving it its replicas back, can take minutes on a busy node, and a rebuild
that died there had lost its whole run. Every call here gets its own
``request_timeout`` (``SEARCH_ENGINE_ADMIN_TIMEOUT``, 300 s) and is tried
again, with a doubling wait (``SEARCH_ENGINE_ADMIN_BACKOFF``), up to
``SEARCH_ENGINE_ADMIN_RETRIES`` times when the connection fails, times out
or the node answers 5xx; each retry is logged. A refusal (4xx) is not
retried. These calls bypass the circuit breaker: they are not searches, and
a slow rebuild must not make searches skip the engine.

Each operation is written so that trying it again is harmless: creating an
index that a timed-out first try did create is success; the alias swap
reads the aliases afresh on each try; a bulk batch sent again carries the
same external version, so documents the first try did index are refused as
"not newer" (409), which counts as done (``engine.bulk``).

**A refresh that still times out is not fatal.** A timeout is the client
giving up, not the node: the refresh goes on, and the index refreshes itself
anyway once its ``refresh_interval`` is back to 1 s. So after the last try,
``wait_until_refreshed`` watches the index's count of completed refreshes
that made documents searchable (``_stats/refresh``, ``external_total``)
until it grows past the count read after the loading ended: that refresh
began after the last batch was indexed (no refresh runs while loading), so
it made every loaded document searchable. A refresh count is robust where
``_count`` is not (outbox changes written into the index meanwhile move the
count), and ``_cluster/health`` has no wait for a refresh (its waits are for
shards).
"""

import logging
import time

from opensearchpy.exceptions import NotFoundError, OpenSearchException, RequestError

from . import conf, engine
from .outage import is_outage

logger = logging.getLogger(__name__)

# While a rebuild loads a new index nobody searches it yet: no refreshes, no
# replicas to copy to and no flush per request, then all of them back at once.
LOADING_SETTINGS = {
    "refresh_interval": "-1",
    "number_of_replicas": 0,
    "translog.durability": "async",
}

MAX_BACKOFF = 60


def administer(what, operation, *args, **kwargs):
    """``operation(*args, **kwargs)``, tried again after an outage failure.

    Raises ``engine.EngineUnavailable`` once the tries are spent or the node
    refuses the request."""
    tries = conf.admin_retries() + 1
    wait = conf.admin_backoff()
    for attempt in range(1, tries + 1):
        try:
            return operation(*args, **kwargs)
        except OpenSearchException as error:
            if not is_outage(error) or attempt == tries:
                raise engine.EngineUnavailable(f"{what}: {error}") from error
            logger.warning(
                "Search index: %s failed (%s); try %d of %d in %g s",
                what,
                error,
                attempt + 1,
                tries,
                wait,
            )
            time.sleep(wait)
            wait = min(wait * 2, MAX_BACKOFF)
    raise AssertionError("unreachable")


def _timeout():
    return {"request_timeout": conf.admin_timeout()}


def _create(name):
    try:
        engine.client().indices.create(index=name, body=engine.index_body(), **_timeout())
    except RequestError as error:
        if error.error != "resource_already_exists_exception":
            raise


def create_index(name):
    administer(f"create {name}", _create, name)


def index_exists(name):
    return administer(f"look for {name}", engine.client().indices.exists, index=name, **_timeout())


def delete_index(name):
    administer(
        f"delete {name}",
        engine.client().indices.delete,
        index=name,
        ignore_unavailable=True,
        **_timeout(),
    )


def _put_settings(name, settings):
    engine.client().indices.put_settings(index=name, body={"index": settings}, **_timeout())


def start_loading(name):
    administer(f"loading settings of {name}", _put_settings, name, LOADING_SETTINGS)


def load_batch(entries, index, version):
    """Send a rebuild's batch of ``(record, reader paths)`` pairs to ``index``
    as ``version``; return how many documents the index took or already had."""
    actions = list(engine.index_actions(entries, index, version))
    return administer(f"bulk load into {index}", engine.bulk, actions, refresh=False, **_timeout())


def _refresh_count(name):
    stats = engine.client().indices.stats(index=name, metric="refresh", **_timeout())
    refreshes = stats["indices"][name]["primaries"]["refresh"]
    return refreshes.get("external_total", refreshes["total"])


def wait_until_refreshed(name, since):
    """Wait (up to the admin timeout) until ``name`` has completed a refresh
    more than the ``since`` it had; see the module docstring."""
    deadline = time.monotonic() + conf.admin_timeout()
    while True:
        count = administer(f"refresh count of {name}", _refresh_count, name)
        if count > since:
            return
        if time.monotonic() > deadline:
            raise engine.EngineUnavailable(f"{name} did not refresh in {conf.admin_timeout()} s")
        time.sleep(0.5)


def refresh(name):
    """Make everything indexed in ``name`` searchable; a refresh that keeps
    timing out is waited for instead (module docstring)."""
    before = administer(f"refresh count of {name}", _refresh_count, name)
    try:
        administer(f"refresh {name}", engine.client().indices.refresh, index=name, **_timeout())
    except engine.EngineUnavailable as error:
        if not isinstance(error.__cause__, OpenSearchException) or not is_outage(error.__cause__):
            raise
        logger.warning("Search index: waiting for %s to refresh by itself", name)
        wait_until_refreshed(name, before)


def finish_loading(name):
    """Settings for searching back, everything loaded searchable and on disk."""
    settings = {
        "refresh_interval": "1s",
        "number_of_replicas": conf.replicas(),
        "translog.durability": "request",
    }
    administer(f"search settings of {name}", _put_settings, name, settings)
    refresh(name)
    # Loaded with an asynchronous translog: commit it to disk before searches
    # use it, or a node killed later comes back without the loaded documents.
    administer(f"flush {name}", engine.client().indices.flush, index=name, **_timeout())


def _swap(alias, new_index):
    es = engine.client()
    try:
        old = list(es.indices.get_alias(name=alias, **_timeout()))
    except NotFoundError:
        old = []
    actions = [{"remove": {"index": name, "alias": alias}} for name in old if name != new_index]
    actions.append({"add": {"index": new_index, "alias": alias}})
    es.indices.update_aliases(body={"actions": actions}, **_timeout())
    return old


def swap_alias(new_index):
    """Point the alias at ``new_index`` in one step and drop the indexes it left."""
    alias = conf.index_alias()
    old = administer(f"point {alias} at {new_index}", _swap, alias, new_index)
    for name in old:
        if name != new_index:
            delete_index(name)
    return old
