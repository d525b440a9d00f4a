"""One search, answered by the engine when it is up and by the database otherwise.

Both back ends return ``(count, hits, facets)`` in the same plain shape; this
module turns that into the response body, with unit names for the facets.
"""

import logging
import time

from content_types.models.audience import reader_branch_path
from editorial.models import Unit

from . import database, engine

logger = logging.getLogger(__name__)


UNIT_NAMES_TTL = 60  # seconds a renamed unit may keep its old name in results


class UnitNames:
    """Unit names for results and facets, kept per process: every search
    needs a few of them and they change a few times a year, so a search
    should not wait on a database round trip for them."""

    def __init__(self):
        self.clear()

    def clear(self, **kwargs):
        self.names = {}
        self.loaded = time.monotonic()

    def get(self, ids):
        if time.monotonic() - self.loaded > UNIT_NAMES_TTL:
            self.clear()
        missing = [pk for pk in ids if pk and pk not in self.names]
        if missing:
            found = dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
            self.names.update((pk, found.get(pk, "")) for pk in missing)
        return self.names


#: Cleared when a unit is saved or deleted (``signal_handlers``).
unit_names = UnitNames()


def _backend_call(name, *args):
    if engine.is_configured():
        try:
            return getattr(engine, name)(*args), "opensearch"
        except engine.EngineUnavailable as error:
            logger.warning("Search engine unavailable, answering from the database: %s", error)
    return getattr(database, name)(*args), "database"


def run_search(params, user):
    (count, hits, facets), backend = _backend_call("search", params, reader_branch_path(user))
    unit_ids = {hit["unit_id"] for hit in hits} | {value for value, _n in facets["unit"]}
    names = unit_names.get(unit_ids)
    results = [
        {
            "id": hit["object_id"],
            "kind": hit["kind"],
            "title": hit["title"],
            "number": hit.get("number") or None,
            "url": hit.get("url") or None,
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
        "count": count,
        "results": results,
        "facets": {
            "kind": [{"value": v, "count": n} for v, n in facets["kind"]],
            "document_type": [{"value": v, "count": n} for v, n in facets["document_type"]],
            "unit": [
                {"value": v, "label": names.get(v, ""), "count": n} for v, n in facets["unit"]
            ],
            "year": [{"value": int(v), "count": n} for v, n in facets["year"]],
        },
    }
    return body, backend


def run_suggest(prefix, user, locale):
    rows, backend = _backend_call("suggest", prefix, reader_branch_path(user), locale)
    return [
        {
            "id": row["object_id"],
            "kind": row["kind"],
            "title": row["title"],
            "url": row.get("url") or None,
        }
        for row in rows
    ], backend
