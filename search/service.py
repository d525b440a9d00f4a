"""One search, answered by the engine when it is up and by the database otherwise.

Both back ends return a ``Found`` (count, hits, facets, and whether the count
was capped and the facets estimated); this module turns it into the response
body, with unit names for the facets.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.urls import reverse
from wagtail.api.utils import get_full_url

from content_types.models.audience import reader_branch_path
from editorial.models import Unit

from . import database, engine
from .models import Kind

logger = logging.getLogger(__name__)


# Seconds a process keeps the unit names it has read, should it have missed
# a rename (the shared cache lost the stamp, or Redis was down).
UNIT_NAMES_TTL = 60
# Seconds between two looks at the shared cache for a rename made elsewhere.
RENAME_CHECK_EVERY = 1


class UnitNames:
    """Unit names for results and facets, kept in each process: every search
    needs a few of them and they change a few times a year, so a search
    should not wait on a round trip for them (the shared cache in the
    database, without Redis, cost a city search 2 ms of Python). A rename or
    delete stamps a new generation in the shared cache; each process looks at
    the stamp at most once a second and forgets its names when it changed,
    so a rename shows in every process within a second."""

    key = "search:unit-names:generation"

    def __init__(self):
        self._names = {}
        self._generation = None
        self._checked = self._filled = -float("inf")

    def clear(self, sender=None, instance=None, **kwargs):
        """Forget every unit's name, here and in every process (a signal receiver)."""
        self._names = {}
        self._generation = uuid.uuid4().hex
        cache.set(self.key, self._generation, None)

    def _current(self):
        now = time.monotonic()
        if now - self._filled > UNIT_NAMES_TTL:
            self._names, self._filled = {}, now
        if now - self._checked >= RENAME_CHECK_EVERY:
            self._checked = now
            generation = cache.get(self.key)
            if generation != self._generation:
                self._names, self._generation, self._filled = {}, generation, now
        return self._names

    def get(self, ids):
        names = self._current()
        ids = [pk for pk in ids if pk]
        missing = [pk for pk in ids if pk not in names]
        if missing:
            found = dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
            names.update({pk: found.get(pk, "") for pk in missing})
        return {pk: names[pk] for pk in ids}


#: Cleared when a unit is saved or deleted (``signal_handlers``).
unit_names = UnitNames()


def _backend_call(name, *args):
    if engine.is_configured():
        try:
            return getattr(engine, name)(*args), "opensearch"
        except engine.EngineSkipped:
            pass  # the breaker logged the outage once
        except engine.EngineUnavailable as error:
            logger.warning("Search engine unavailable, answering from the database: %s", error)
    return getattr(database, name)(*args), "database"


def result_url(hit):
    """Where a hit is read: a page at its own address; an answer, which has
    no page, at the reader API's ``GET /api/answers/<id>/`` (absolute, from
    ``WAGTAILAPI_BASE_URL`` as Wagtail's API addresses are)."""
    if hit["kind"] == Kind.ANSWER:
        return get_full_url(None, reverse("api_answer", args=[hit["object_id"]]))
    return hit.get("url") or None


def run_search(params, user):
    found, backend = _backend_call("search", params, reader_branch_path(user))
    hits, facets = found.hits, found.facets
    unit_ids = {hit["unit_id"] for hit in hits} | {value for value, _n in facets["unit"]}
    names = unit_names.get(unit_ids)
    results = [
        {
            "id": hit["object_id"],
            "kind": hit["kind"],
            "title": hit["title"],
            "number": hit.get("number") or None,
            "url": result_url(hit),
            "unit": (
                {"id": unit_id, "name": names.get(unit_id) or hit.get("unit_name", "")}
                if (unit_id := hit.get("unit_id"))
                else None
            ),
            "highlight": hit.get("highlight"),
        }
        for hit in hits
    ]
    body = {
        "count": found.count,
        "count_capped": found.count_capped,
        "results": results,
        "facets": {
            "kind": [{"value": v, "count": n} for v, n in facets["kind"]],
            "document_type": [{"value": v, "count": n} for v, n in facets["document_type"]],
            "unit": [
                {"value": v, "label": names.get(v, ""), "count": n} for v, n in facets["unit"]
            ],
            "year": [{"value": int(v), "count": n} for v, n in facets["year"]],
        },
        "facets_estimated": found.facets_estimated,
    }
    return body, backend


def run_suggest(prefix, user, locale):
    rows, backend = _backend_call("suggest", prefix, reader_branch_path(user), locale)
    return [
        {
            "id": row["object_id"],
            "kind": row["kind"],
            "title": row["title"],
            "url": result_url(row),
        }
        for row in rows
    ], backend
