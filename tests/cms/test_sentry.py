"""Errors reach Sentry when SENTRY_DSN is set, without personal data.

A production process sends to a stand-in Sentry server on 127.0.0.1 that this
test starts (no network beyond loopback)."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAIL_ONCE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
settings.ROOT_URLCONF = "tests.cms.error_urls"
client = Client(raise_request_exception=False)
response = client.get(
    "/failing-page/?token=secret-query",
    HTTP_HOST="stdv.example.vn",
    HTTP_COOKIE="sessionid=secret-session",
    REMOTE_ADDR="203.0.113.77",
    secure=True,
)
print(response.status_code)
"""


class SentryStandIn(BaseHTTPRequestHandler):
    """Accepts envelopes like Sentry's ingest endpoint and keeps them."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.received.append((self.path, body.decode()))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryStandIn)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run_production(**variables):
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="stdv.example.vn",
        DATABASE_URL="sqlite://:memory:",
        **variables,
    )
    return subprocess.run(
        [sys.executable, "-c", FAIL_ONCE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _events(received):
    events = []
    for _path, envelope in received:
        lines = envelope.splitlines()
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_an_unhandled_error_reaches_sentry_without_personal_data(sentry_server):
    port = sentry_server.server_address[1]
    result = _run_production(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42",
        SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="stdv@2025.6.1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "500"

    assert {path for path, _ in sentry_server.received} == {"/api/42/envelope/"}
    [event] = _events(sentry_server.received)
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("ViewFailure", "the view failed on purpose")
    assert (event["environment"], event["release"]) == ("staging", "stdv@2025.6.1")
    assert event["transaction"] == "/failing-page/"
    everything_sent = "".join(body for _, body in sentry_server.received)
    assert "secret-session" not in everything_sent
    assert "203.0.113.77" not in everything_sent


def test_without_a_dsn_nothing_is_sent(sentry_server):
    result = _run_production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "500"
    assert sentry_server.received == []
