"""The health endpoints: /healthz touches nothing, /readyz tells what is down."""

import datetime
import os
import socket

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import override_settings
from django.utils import timezone

from jobs.models import WorkerHeartbeat
from search.models import IndexChange
from tests.jobs.sample_tasks import write_after_pause

ENGINE_URL = os.environ.get("OPENSEARCH_URL")


def closed_port_url():
    """An address on loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_when_everything_answers(client):
    if not ENGINE_URL:
        pytest.skip("OPENSEARCH_URL is not set (scripts/test-services.sh starts a node)")
    with override_settings(SEARCH_ENGINE_URL=ENGINE_URL):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "search_engine": "ok",
            "workers": "not_configured",
        },
        "search_outbox_oldest_seconds": None,
        "search_engine_breaker": "closed",
    }


@pytest.mark.django_db
def test_readyz_is_degraded_but_ready_when_search_is_down(client):
    IndexChange.objects.create(key="page:1")
    IndexChange.objects.filter(key="page:1").update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    with override_settings(SEARCH_ENGINE_URL=closed_port_url()):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "search_engine": "down",
        "workers": "not_configured",
    }
    assert 600 <= body["search_outbox_oldest_seconds"] < 660


@pytest.mark.django_db
def test_readyz_says_when_no_engine_is_configured(client):
    with override_settings(SEARCH_ENGINE_URL=None, OPENSEARCH_URL=None):
        body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["search_engine"] == "not_configured"


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    with override_settings(SEARCH_ENGINE_URL=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["database"] == "down"


@pytest.mark.django_db
def test_readyz_is_degraded_when_the_cache_is_down(client):
    # A cache that fails every call, as a cache server that went away would.
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/proc/no-such-cache-dir",
        }
    }
    with override_settings(CACHES=unreachable, SEARCH_ENGINE_URL=None):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "down"


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_readyz_is_degraded_when_tasks_wait_and_no_worker_runs(client, tmp_path):
    with override_settings(TASKS=DATABASE_TASKS, SEARCH_ENGINE_URL=None):
        write_after_pause.enqueue(str(tmp_path), 0)
        response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["workers"] == "down"
    assert body["live_workers"] == 0
    assert body["tasks_oldest_queued_seconds"] is not None


@pytest.mark.django_db
def test_readyz_counts_the_workers_whose_heartbeat_is_recent(client):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="alive", hostname="app1", pid=10, started_at=now, last_seen_at=now
    )
    WorkerHeartbeat.objects.create(
        worker_id="silent",
        hostname="app2",
        pid=11,
        started_at=now,
        last_seen_at=now - datetime.timedelta(minutes=5),
    )
    with override_settings(TASKS=DATABASE_TASKS, SEARCH_ENGINE_URL=None):
        body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["workers"] == "ok"
    assert body["live_workers"] == 1
    assert body["tasks_oldest_queued_seconds"] is None
