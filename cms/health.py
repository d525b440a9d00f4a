"""Health endpoints for load balancers, process managers and operators.

- ``GET /healthz``: the process is alive and answers; it touches nothing else,
  so a database outage does not make every web process look dead.
- ``GET /readyz``: JSON about what the process depends on. 503 when the
  database cannot be reached (nothing works without it); 200 with status
  ``degraded`` when only something the site degrades around is down (the
  cache: slower; the search engine: answers come from the database fallback);
  200 ``ok`` otherwise. It also says how long the oldest change has waited
  for the search index and the oldest task for a worker, and whether any
  worker's heartbeat is recent (``workers``: down when tasks wait in the
  database and no worker runs), so a stuck queue shows before readers notice.
  It answers only callers on the operators' networks (``HEALTH_CHECK_NETWORKS``,
  loopback and private ranges by default, the client address taken under
  the trusted-proxy rule); anyone else gets 404, so the public cannot map
  which parts of the stack are down.
"""

import ipaddress
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from api.throttles import client_address
from jobs import workers
from search import engine, outage, outbox

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return "down"
    return "ok"


def cache_status():
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # any cache back end's own errors: a cache outage only slows us
        logger.exception("Health check: the cache is unreachable")
        return "down"
    return "ok" if answered else "down"


def search_engine_status():
    if not engine.is_configured():
        return "not_configured"
    return "ok" if engine.is_reachable() else "down"


def workers_status():
    if not workers.uses_workers():
        return "not_configured"
    return "ok" if workers.live_workers().exists() else "down"


def seconds(age):
    return None if age is None else round(age.total_seconds())


def from_operators_network(request):
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    networks = (ipaddress.ip_network(network) for network in settings.HEALTH_CHECK_NETWORKS)
    return any(address in network for network in networks)


@never_cache
@require_GET
def readyz(request):
    if not from_operators_network(request):
        raise Http404
    checks = {
        "database": database_status(),
        "cache": cache_status(),
        "search_engine": search_engine_status(),
        "workers": workers_status(),
    }
    body = {"checks": checks}
    if checks["database"] == "down":
        body["status"] = "down"
        return JsonResponse(body, status=503)
    now = timezone.now()
    body["search_outbox_oldest_seconds"] = seconds(outbox.oldest_pending_age(now))
    if checks["search_engine"] != "not_configured":
        # This process's circuit breaker: "open" while searches skip the engine.
        body["search_engine_breaker"] = outage.breaker_state()
    if checks["workers"] != "not_configured":
        body["live_workers"] = workers.live_workers(now).count()
        body["tasks_oldest_queued_seconds"] = seconds(workers.oldest_queued_age(now))
    degraded = any(value == "down" for value in checks.values())
    body["status"] = "degraded" if degraded else "ok"
    return JsonResponse(body)
